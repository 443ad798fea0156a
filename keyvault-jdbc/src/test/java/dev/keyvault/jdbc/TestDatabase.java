package dev.keyvault.jdbc;

import dev.keyvault.jdbc.testing.PostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.jdbcx.JdbcDataSource;

/**
 * A fresh, empty database for one test: an H2 database in memory or in a file, or a new schema on
 * the shared PostgreSQL server. Closing it drops what it created.
 *
 * <p>PostgreSQL is {@link PostgresServer#shared()}: one server per JVM, embedded unless an external
 * one is named.
 */
abstract class TestDatabase implements AutoCloseable {
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
        return PostgresServer.uniqueName(kind);
    }

    static TestDatabase h2Memory() {
        return new H2("jdbc:h2:mem:" + uniqueName("kv") + ";DB_CLOSE_DELAY=-1");
    }

    static TestDatabase h2File(Path directory) {
        return new H2("jdbc:h2:file:" + directory.resolve(uniqueName("kv")).toAbsolutePath() + ";DB_CLOSE_DELAY=-1");
    }

    static TestDatabase postgres() {
        return new PostgresSchema(PostgresServer.shared());
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
        private final PostgresServer server;
        private final String schema;
        private final JdbcConnectionPool pool;

        PostgresSchema(PostgresServer server) {
            this.server = server;
            this.schema = server.createSchema("t");
            this.pool = newPool();
        }

        String schema() {
            return schema;
        }

        /** Another pool on this schema, as another node would have. */
        JdbcConnectionPool newPool() {
            JdbcConnectionPool p = JdbcConnectionPool.create(server.poolSource(schema));
            p.setMaxConnections(24);
            return p;
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
            server.dropSchema(schema);
        }
    }
}
