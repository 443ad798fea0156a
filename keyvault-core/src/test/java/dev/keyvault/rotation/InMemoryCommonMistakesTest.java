package dev.keyvault.rotation;

import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.spi.KeyStore;

class InMemoryCommonMistakesTest extends CommonMistakesContract {
    @Override
    protected KeyStore newStore() {
        return InMemoryKeyStore.create();
    }
}
