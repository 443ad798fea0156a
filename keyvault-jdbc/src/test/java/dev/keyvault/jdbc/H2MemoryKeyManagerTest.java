package dev.keyvault.jdbc;

import dev.keyvault.contract.KeyManagerContract;
import dev.keyvault.spi.KeyStore;

/** The manager contract on H2 in memory, a database per test, unchanged. */
class H2MemoryKeyManagerTest extends KeyManagerContract {
    private TestDatabase db;

    @Override
    protected KeyStore newStore() {
        db = TestDatabase.h2Memory();
        return db.migratedStore();
    }

    @Override
    protected void release(KeyStore store) {
        db.close();
    }
}
