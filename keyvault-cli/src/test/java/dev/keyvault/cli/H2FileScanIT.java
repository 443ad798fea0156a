package dev.keyvault.cli;

import java.nio.file.Path;

/** {@code keyvault scan} against an H2 file database. */
class H2FileScanIT extends ScanContract {
    @Override
    TestDatabase open(Path directory) {
        return TestDatabase.h2File(directory);
    }
}
