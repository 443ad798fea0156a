package dev.keyvault.rotation;

import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.spi.KeyStore;

class InMemoryStandardRotationTest extends StandardRotationContract {
    @Override
    protected KeyStore newStore() {
        return InMemoryKeyStore.create();
    }
}
