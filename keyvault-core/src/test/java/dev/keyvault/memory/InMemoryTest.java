package dev.keyvault.memory;

import dev.keyvault.contract.KeyManagerContract;
import dev.keyvault.contract.KeyStoreContract;
import dev.keyvault.contract.InPlaceChangeContract;
import dev.keyvault.contract.KeyPoliciesContract;
import dev.keyvault.contract.KeyStorePoliciesContract;
import dev.keyvault.contract.RotationDueContract;
import dev.keyvault.contract.UsageRetentionContract;
import dev.keyvault.contract.StoreHarness;
import dev.keyvault.rotation.AutoRotatorContract;
import dev.keyvault.rotation.CommonMistakesContract;
import dev.keyvault.rotation.EmergencyRotationContract;
import dev.keyvault.rotation.PolicyContract;
import dev.keyvault.rotation.StandardRotationContract;
import dev.keyvault.rotation.UsageAuditContract;
import dev.keyvault.spi.KeyStore;
import org.junit.jupiter.api.Nested;

/** Every contract suite on the reference store, a new store per test. */
class InMemoryTest implements StoreHarness {

    @Override
    public KeyStore open() {
        return InMemoryKeyStore.create();
    }

    @Override
    public boolean supportsSubscriptions() {
        return true;
    }

    /** InMemoryKeyStore still checks key ids itself; drop this when it leaves that to core. */
    @Override
    public boolean refusesMalformedKeyIds() {
        return true;
    }

    @Nested
    class Store extends KeyStoreContract {
        Store() {
            super(InMemoryTest.this);
        }
    }

    @Nested
    class StorePolicies extends KeyStorePoliciesContract {
        StorePolicies() {
            super(InMemoryTest.this);
        }
    }

    @Nested
    class Policies extends KeyPoliciesContract {
        Policies() {
            super(InMemoryTest.this);
        }
    }

    @Nested
    class InPlaceChange extends InPlaceChangeContract {
        InPlaceChange() {
            super(InMemoryTest.this);
        }
    }

    @Nested
    class RotationDue extends RotationDueContract {
        RotationDue() {
            super(InMemoryTest.this);
        }
    }

    @Nested
    class Retention extends UsageRetentionContract {
        Retention() {
            super(InMemoryTest.this);
        }
    }

    @Nested
    class Manager extends KeyManagerContract {
        Manager() {
            super(InMemoryTest.this);
        }
    }

    @Nested
    class StandardRotation extends StandardRotationContract {
        StandardRotation() {
            super(InMemoryTest.this);
        }
    }

    @Nested
    class EmergencyRotation extends EmergencyRotationContract {
        EmergencyRotation() {
            super(InMemoryTest.this);
        }
    }

    @Nested
    class AutoRotator extends AutoRotatorContract {
        AutoRotator() {
            super(InMemoryTest.this);
        }
    }

    @Nested
    class Policy extends PolicyContract {
        Policy() {
            super(InMemoryTest.this);
        }
    }

    @Nested
    class UsageAudit extends UsageAuditContract {
        UsageAudit() {
            super(InMemoryTest.this);
        }
    }

    @Nested
    class CommonMistakes extends CommonMistakesContract {
        CommonMistakes() {
            super(InMemoryTest.this);
        }
    }
}
