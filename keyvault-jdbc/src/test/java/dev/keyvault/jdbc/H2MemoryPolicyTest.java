package dev.keyvault.jdbc;

import dev.keyvault.rotation.PolicyContract;
import dev.keyvault.spi.KeyStore;

/** Core's PolicyContract on H2 in memory, a database per test, unchanged. */
class H2MemoryPolicyTest extends PolicyContract {
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
