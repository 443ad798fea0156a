package dev.keyvault.spring.boot;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The PostgreSQL server the tests of this JVM share (keyvault-jdbc's {@code TestDatabase} pattern):
 * embedded, started once, or external with {@code -Dkeyvault.test.postgres.url} (user
 * {@code keyvault.test.postgres.user}, default {@code postgres}; password
 * {@code keyvault.test.postgres.password}, default empty). Each test context gets a schema of its own.
 */
final class EmbeddedPostgresServer {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgresServer instance;

    final String url;
    final String user;
    final String password;

    private EmbeddedPostgresServer(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    static synchronized EmbeddedPostgresServer get() {
        if (instance == null) {
            String external = System.getProperty("keyvault.test.postgres.url", "");
            if (!external.isBlank()) {
                instance = new EmbeddedPostgresServer(external, System.getProperty("keyvault.test.postgres.user", "postgres"),
                        System.getProperty("keyvault.test.postgres.password", ""));
            } else {
                try {
                    // Stopped by zonky's shutdown hook; durability off, the data is thrown away.
                    EmbeddedPostgres pg = EmbeddedPostgres.builder()
                            .setServerConfig("fsync", "off")
                            .setServerConfig("synchronous_commit", "off")
                            .setServerConfig("full_page_writes", "off")
                            .start();
                    instance = new EmbeddedPostgresServer(pg.getJdbcUrl("postgres", "postgres"), "postgres", "");
                } catch (IOException e) {
                    throw new UncheckedIOException("could not start the embedded PostgreSQL", e);
                }
            }
        }
        return instance;
    }

    /** A new, empty schema; its name. */
    String newSchema() {
        String schema = "kv_boot_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        try (Connection c = java.sql.DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create schema " + schema, e);
        }
        return schema;
    }

    /** The JDBC URL of {@code schema}. */
    String url(String schema) {
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }
}
