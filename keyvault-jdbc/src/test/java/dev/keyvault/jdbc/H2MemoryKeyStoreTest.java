package dev.keyvault.jdbc;

import dev.keyvault.contract.KeyStoreContract;
import dev.keyvault.spi.KeyStore;

/** The store contract on H2 in memory, a database per test. */
class H2MemoryKeyStoreTest extends KeyStoreContract {
    private TestDatabase db;

    @Override
    protected KeyStore newStore() {
        db = TestDatabase.h2Memory();
        return db.migratedStore();
    }

    @Override
    protected void closeStore(KeyStore store) {
        db.close();
    }
}
