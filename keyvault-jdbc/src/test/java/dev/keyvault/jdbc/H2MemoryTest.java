package dev.keyvault.jdbc;

import dev.keyvault.contract.KeyManagerContract;
import dev.keyvault.contract.InPlaceChangeContract;
import dev.keyvault.contract.KeyPoliciesContract;
import dev.keyvault.contract.KeyStoreContract;
import dev.keyvault.contract.KeyStorePoliciesContract;
import dev.keyvault.contract.RotationDueContract;
import dev.keyvault.contract.UsageRetentionContract;
import dev.keyvault.rotation.AutoRotatorContract;
import dev.keyvault.rotation.CommonMistakesContract;
import dev.keyvault.rotation.EmergencyRotationContract;
import dev.keyvault.rotation.PolicyContract;
import dev.keyvault.rotation.StandardRotationContract;
import dev.keyvault.rotation.UsageAuditContract;
import org.junit.jupiter.api.Nested;

/** Every contract suite on H2 in memory, a database per test. */
class H2MemoryTest extends DatabaseHarness {

    @Override
    TestDatabase newDatabase() {
        return TestDatabase.h2Memory();
    }

    @Nested
    class Store extends KeyStoreContract {
        Store() {
            super(H2MemoryTest.this);
        }
    }

    @Nested
    class StorePolicies extends KeyStorePoliciesContract {
        StorePolicies() {
            super(H2MemoryTest.this);
        }
    }

    @Nested
    class Policies extends KeyPoliciesContract {
        Policies() {
            super(H2MemoryTest.this);
        }
    }

    @Nested
    class InPlaceChange extends InPlaceChangeContract {
        InPlaceChange() {
            super(H2MemoryTest.this);
        }
    }

    @Nested
    class RotationDue extends RotationDueContract {
        RotationDue() {
            super(H2MemoryTest.this);
        }
    }

    @Nested
    class Retention extends UsageRetentionContract {
        Retention() {
            super(H2MemoryTest.this);
        }
    }

    @Nested
    class Manager extends KeyManagerContract {
        Manager() {
            super(H2MemoryTest.this);
        }
    }

    @Nested
    class StandardRotation extends StandardRotationContract {
        StandardRotation() {
            super(H2MemoryTest.this);
        }
    }

    @Nested
    class EmergencyRotation extends EmergencyRotationContract {
        EmergencyRotation() {
            super(H2MemoryTest.this);
        }
    }

    @Nested
    class AutoRotator extends AutoRotatorContract {
        AutoRotator() {
            super(H2MemoryTest.this);
        }
    }

    @Nested
    class Policy extends PolicyContract {
        Policy() {
            super(H2MemoryTest.this);
        }
    }

    @Nested
    class UsageAudit extends UsageAuditContract {
        UsageAudit() {
            super(H2MemoryTest.this);
        }
    }

    @Nested
    class CommonMistakes extends CommonMistakesContract {
        CommonMistakes() {
            super(H2MemoryTest.this);
        }
    }
}
