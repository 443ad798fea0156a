package dev.keyvault.jdbc;

import dev.keyvault.rotation.StandardRotationContract;
import dev.keyvault.spi.KeyStore;

/** Core's StandardRotationContract on a real PostgreSQL, a schema per test, unchanged. */
class PostgresStandardRotationTest extends StandardRotationContract {
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
