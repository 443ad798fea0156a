package dev.keyvault.jdbc;

import dev.keyvault.rotation.UsageAuditContract;
import dev.keyvault.spi.KeyStore;

/** Core's UsageAuditContract on a real PostgreSQL, a schema per test, unchanged. */
class PostgresUsageAuditTest extends UsageAuditContract {
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
