package dev.keyvault.rotation;

import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.spi.KeyStore;

class InMemoryAutoRotatorTest extends AutoRotatorContract {
    @Override
    protected KeyStore newStore() {
        return InMemoryKeyStore.create();
    }
}
