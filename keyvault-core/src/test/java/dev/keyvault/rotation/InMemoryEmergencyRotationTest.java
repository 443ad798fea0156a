package dev.keyvault.rotation;

import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.spi.KeyStore;

class InMemoryEmergencyRotationTest extends EmergencyRotationContract {
    @Override
    protected KeyStore newStore() {
        return InMemoryKeyStore.create();
    }
}
