package dev.keyvault.rotation;

import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.spi.KeyStore;

class InMemoryPolicyTest extends PolicyContract {
    @Override
    protected KeyStore newStore() {
        return InMemoryKeyStore.create();
    }
}
