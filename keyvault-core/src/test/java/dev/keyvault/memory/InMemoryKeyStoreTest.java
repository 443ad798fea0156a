package dev.keyvault.memory;

import dev.keyvault.contract.KeyStoreContract;
import dev.keyvault.spi.KeyStore;

/** The store contract on the reference store. */
class InMemoryKeyStoreTest extends KeyStoreContract {
    @Override
    protected KeyStore newStore() {
        return InMemoryKeyStore.create();
    }

    @Override
    protected boolean supportsSubscriptions() {
        return true;
    }
}
