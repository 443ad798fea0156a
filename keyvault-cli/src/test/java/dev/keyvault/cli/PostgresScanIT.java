package dev.keyvault.cli;

import java.nio.file.Path;

/** {@code keyvault scan} against PostgreSQL: the server the tests share, a schema of its own. */
class PostgresScanIT extends ScanContract {
    @Override
    TestDatabase open(Path directory) {
        return TestDatabase.postgres();
    }
}
