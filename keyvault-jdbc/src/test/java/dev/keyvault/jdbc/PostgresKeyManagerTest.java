package dev.keyvault.jdbc;

import dev.keyvault.contract.KeyManagerContract;
import dev.keyvault.spi.KeyStore;

/** The manager contract on a real PostgreSQL, a schema per test, unchanged. */
class PostgresKeyManagerTest extends KeyManagerContract {
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
