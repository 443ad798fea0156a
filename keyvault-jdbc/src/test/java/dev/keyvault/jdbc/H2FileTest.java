package dev.keyvault.jdbc;

import dev.keyvault.contract.KeyManagerContract;
import dev.keyvault.contract.KeyStoreContract;
import dev.keyvault.contract.KeyStorePoliciesContract;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store and manager suites on H2 in a file, a database per test in a temporary directory. (The
 * rotation suites, which exercise core's workflows more than the store, run on H2 in memory.)
 */
class H2FileTest extends DatabaseHarness {
    @TempDir
    Path directory;

    @Override
    TestDatabase newDatabase() {
        return TestDatabase.h2File(directory);
    }

    @Nested
    class Store extends KeyStoreContract {
        Store() {
            super(H2FileTest.this);
        }
    }

    @Nested
    class StorePolicies extends KeyStorePoliciesContract {
        StorePolicies() {
            super(H2FileTest.this);
        }
    }

    @Nested
    class Manager extends KeyManagerContract {
        Manager() {
            super(H2FileTest.this);
        }
    }
}
