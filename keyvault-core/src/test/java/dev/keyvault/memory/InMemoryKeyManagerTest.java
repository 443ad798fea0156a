package dev.keyvault.memory;

import dev.keyvault.contract.KeyManagerContract;
import dev.keyvault.spi.KeyStore;

class InMemoryKeyManagerTest extends KeyManagerContract {
    @Override
    protected KeyStore newStore() {
        return InMemoryKeyStore.create();
    }
}
