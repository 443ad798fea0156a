package dev.keyvault.jdbc;

import dev.keyvault.contract.StoreHarness;
import dev.keyvault.spi.KeyStore;

/**
 * The contract suites' harness on a real database: a fresh one from {@link #newDatabase()} per test,
 * with the schema migrated, dropped after it. A backend's test extends this and holds the suites as
 * {@code @Nested} classes.
 */
abstract class DatabaseHarness implements StoreHarness {
    private TestDatabase db;

    /** A fresh, empty database for one test. */
    abstract TestDatabase newDatabase();

    @Override
    public KeyStore open() {
        db = newDatabase();
        return db.migratedStore();
    }

    @Override
    public void release(KeyStore store) {
        db.close();
    }
}
