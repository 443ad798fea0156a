package dev.keyvault.jdbc;

import dev.keyvault.contract.KeyStoreContract;
import dev.keyvault.spi.KeyStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on H2 in a file, a database per test in a temporary directory. */
class H2FileKeyStoreTest extends KeyStoreContract {
    @TempDir
    Path directory;
    private TestDatabase db;

    @Override
    protected KeyStore newStore() {
        db = TestDatabase.h2File(directory);
        return db.migratedStore();
    }

    @Override
    protected void closeStore(KeyStore store) {
        db.close();
    }
}
