package dev.keyvault.rotation;

import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.spi.KeyStore;

class InMemoryUsageAuditTest extends UsageAuditContract {
    @Override
    protected KeyStore newStore() {
        return InMemoryKeyStore.create();
    }
}
