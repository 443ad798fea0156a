package dev.keyvault.servlet;

import java.io.IOException;
import javax.sql.DataSource;

/**
 * One real PostgreSQL per test JVM (zonky's embedded binaries, ~4 s to start), or the server of
 * {@code -Dkeyvault.test.postgres.url} if given. Stopped by a shutdown hook.
 */
final class EmbeddedPostgres {
    private static DataSource dataSource;

    private EmbeddedPostgres() {}

    static synchronized DataSource dataSource() throws IOException {
        if (dataSource == null) {
            String url = System.getProperty("keyvault.test.postgres.url");
            if (url != null && !url.isBlank()) {
                org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
                ds.setURL(url);
                dataSource = ds;
            } else {
                io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        pg.close();
                    } catch (IOException e) {
                        // the JVM is exiting
                    }
                }));
                dataSource = pg.getPostgresDatabase();
            }
        }
        return dataSource;
    }
}
