package dev.keyvault.jdbc;

import dev.keyvault.rotation.CommonMistakesContract;
import dev.keyvault.spi.KeyStore;

/** Core's CommonMistakesContract on a real PostgreSQL, a schema per test, unchanged. */
class PostgresCommonMistakesTest extends CommonMistakesContract {
    private TestDatabase db;

    @Override
    protected KeyStore newStore() {
        db = TestDatabase.postgres();
        return db.migratedStore();
    }

    @Override
    protected void release(KeyStore store) {
        db.close();
    }
}
