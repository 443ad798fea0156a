package dev.keyvault.jdbc;

import dev.keyvault.rotation.AutoRotatorContract;
import dev.keyvault.spi.KeyStore;

/** Core's AutoRotatorContract on a real PostgreSQL, a schema per test, unchanged. */
class PostgresAutoRotatorTest extends AutoRotatorContract {
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
