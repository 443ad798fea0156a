package dev.keyvault.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import javax.sql.DataSource;

/**
 * One real PostgreSQL per test JVM (zonky's embedded binaries), or the server of
 * {@code -Dkeyvault.test.postgres.url}. Each user takes its own table prefix. Stopped by a shutdown hook.
 */
public final class TestPostgres {
    private static DataSource dataSource;

    private TestPostgres() {}

    public static synchronized DataSource dataSource() {
        if (dataSource == null) {
            String url = System.getProperty("keyvault.test.postgres.url");
            if (url != null && !url.isBlank()) {
                org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
                ds.setURL(url);
                dataSource = ds;
            } else {
                try {
                    io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.start();
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        try {
                            pg.close();
                        } catch (IOException e) {
                            // the JVM is exiting
                        }
                    }));
                    dataSource = pg.getPostgresDatabase();
                } catch (IOException e) {
                    throw new UncheckedIOException("could not start the embedded PostgreSQL", e);
                }
            }
        }
        return dataSource;
    }
}
