package dev.keyvault.jdbc;

import dev.keyvault.contract.KeyManagerContract;
import dev.keyvault.spi.KeyStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The manager contract on H2 in a file, a database per test in a temporary directory, unchanged. */
class H2FileKeyManagerTest extends KeyManagerContract {
    @TempDir
    Path directory;
    private TestDatabase db;

    @Override
    protected KeyStore newStore() {
        db = TestDatabase.h2File(directory);
        return db.migratedStore();
    }

    @Override
    protected void release(KeyStore store) {
        db.close();
    }
}
