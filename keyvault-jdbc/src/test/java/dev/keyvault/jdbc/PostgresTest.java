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

/** Every contract suite on a real PostgreSQL (shared per JVM), a schema per test; notifications on (LISTEN/NOTIFY). */
class PostgresTest extends DatabaseHarness {
    @Override
    TestDatabase newDatabase() {
        return TestDatabase.postgres();
    }

    @Override
    public boolean supportsSubscriptions() {
        return true;
    }

    @Nested
    class Store extends KeyStoreContract {
        Store() {
            super(PostgresTest.this);
        }
    }

    @Nested
    class StorePolicies extends KeyStorePoliciesContract {
        StorePolicies() {
            super(PostgresTest.this);
        }
    }

    @Nested
    class Policies extends KeyPoliciesContract {
        Policies() {
            super(PostgresTest.this);
        }
    }

    @Nested
    class InPlaceChange extends InPlaceChangeContract {
        InPlaceChange() {
            super(PostgresTest.this);
        }
    }

    @Nested
    class RotationDue extends RotationDueContract {
        RotationDue() {
            super(PostgresTest.this);
        }
    }

    @Nested
    class Retention extends UsageRetentionContract {
        Retention() {
            super(PostgresTest.this);
        }
    }

    @Nested
    class Manager extends KeyManagerContract {
        Manager() {
            super(PostgresTest.this);
        }
    }

    @Nested
    class StandardRotation extends StandardRotationContract {
        StandardRotation() {
            super(PostgresTest.this);
        }
    }

    @Nested
    class EmergencyRotation extends EmergencyRotationContract {
        EmergencyRotation() {
            super(PostgresTest.this);
        }
    }

    @Nested
    class AutoRotator extends AutoRotatorContract {
        AutoRotator() {
            super(PostgresTest.this);
        }
    }

    @Nested
    class Policy extends PolicyContract {
        Policy() {
            super(PostgresTest.this);
        }
    }

    @Nested
    class UsageAudit extends UsageAuditContract {
        UsageAudit() {
            super(PostgresTest.this);
        }
    }

    @Nested
    class CommonMistakes extends CommonMistakesContract {
        CommonMistakes() {
            super(PostgresTest.this);
        }
    }
}
