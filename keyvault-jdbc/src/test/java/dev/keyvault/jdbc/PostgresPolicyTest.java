package dev.keyvault.jdbc;

import dev.keyvault.rotation.PolicyContract;
import dev.keyvault.spi.KeyStore;

/** Core's PolicyContract on a real PostgreSQL, a schema per test, unchanged. */
class PostgresPolicyTest extends PolicyContract {
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
