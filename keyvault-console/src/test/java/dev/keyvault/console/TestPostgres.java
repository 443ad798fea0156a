package dev.keyvault.console;

import dev.keyvault.jdbc.testing.PostgresServer;
import javax.sql.DataSource;

/**
 * The console tests' PostgreSQL: keyvault-jdbc's one server per JVM ({@link PostgresServer}), in a
 * schema of the console's own; each test class takes its own table prefix in it.
 */
public final class TestPostgres {
    private static DataSource dataSource;

    private TestPostgres() {}

    public static synchronized DataSource dataSource() {
        if (dataSource == null) {
            PostgresServer server = PostgresServer.shared();
            dataSource = server.simple(server.createSchema("console"));
        }
        return dataSource;
    }
}
