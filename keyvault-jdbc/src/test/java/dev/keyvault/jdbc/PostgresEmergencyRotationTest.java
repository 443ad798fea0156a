package dev.keyvault.jdbc;

import dev.keyvault.rotation.EmergencyRotationContract;
import dev.keyvault.spi.KeyStore;

/** Core's EmergencyRotationContract on a real PostgreSQL, a schema per test, unchanged. */
class PostgresEmergencyRotationTest extends EmergencyRotationContract {
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
