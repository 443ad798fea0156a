package dev.keyvault.jdbc;

import dev.keyvault.rotation.EmergencyRotationContract;
import dev.keyvault.spi.KeyStore;

/** Core's EmergencyRotationContract on H2 in memory, a database per test, unchanged. */
class H2MemoryEmergencyRotationTest extends EmergencyRotationContract {
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
