package dev.keyvault.jdbc;

/**
 * The SQL dialects {@link JdbiKeyStore} speaks. Detected from the connection's metadata unless set
 * with {@link JdbiKeyStoreBuilder#dialect(Dialect)}.
 */
public enum Dialect {
    /** H2 2.x in its regular mode: the embedded default, in memory, in a file, or as a server. */
    H2("h2", "H2"),
    /** PostgreSQL (tested with 17): the shared store when applications run on several nodes. */
    POSTGRESQL("postgresql", "PostgreSQL");

    private final String directory;
    private final String productName;

    Dialect(String directory, String productName) {
        this.directory = directory;
        this.productName = productName;
    }

    /**
     * Where this dialect's versioned schema scripts are, in Flyway's notation, such as
     * {@code classpath:dev/keyvault/jdbc/schema/postgresql}. A host that runs Flyway adds this
     * location and sets the placeholder {@code keyvault_prefix} (see the {@linkplain dev.keyvault.jdbc package
     * documentation}).
     */
    public String schemaLocation() {
        return "classpath:" + resourceDirectory();
    }

    /** The classpath directory of the schema scripts, without a leading slash. */
    String resourceDirectory() {
        return "dev/keyvault/jdbc/schema/" + directory;
    }

    /** The dialect of a database whose JDBC metadata reports {@code productName}, if supported. */
    static Dialect fromProductName(String productName) {
        for (Dialect d : values()) {
            if (d.productName.equalsIgnoreCase(productName)) {
                return d;
            }
        }
        return null;
    }
}
