package dev.keyvault.jdbc;

import dev.keyvault.contract.KeyStoreContract;
import dev.keyvault.spi.KeyStore;

/** The store contract on a real PostgreSQL, a schema per test; notifications on (LISTEN/NOTIFY). */
class PostgresKeyStoreTest extends KeyStoreContract {
    private TestDatabase db;

    @Override
    protected KeyStore newStore() {
        db = TestDatabase.postgres();
        return db.migratedStore();
    }

    @Override
    protected void closeStore(KeyStore store) {
        db.close();
    }

    @Override
    protected boolean supportsSubscriptions() {
        return true;
    }
}
