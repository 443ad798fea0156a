package dev.keyvault.jdbc;

import dev.keyvault.rotation.UsageAuditContract;
import dev.keyvault.spi.KeyStore;

/** Core's UsageAuditContract on H2 in memory, a database per test, unchanged. */
class H2MemoryUsageAuditTest extends UsageAuditContract {
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
