package dev.keyvault.jdbc;

import dev.keyvault.rotation.CommonMistakesContract;
import dev.keyvault.spi.KeyStore;

/** Core's CommonMistakesContract on H2 in memory, a database per test, unchanged. */
class H2MemoryCommonMistakesTest extends CommonMistakesContract {
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
