package dev.keyvault.jdbc;

import dev.keyvault.rotation.AutoRotatorContract;
import dev.keyvault.spi.KeyStore;

/** Core's AutoRotatorContract on H2 in memory, a database per test, unchanged. */
class H2MemoryAutoRotatorTest extends AutoRotatorContract {
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
