package dev.keyvault.cli;

import java.nio.file.Path;

/** The playbook against an H2 file database, the embedded default. */
class H2FilePlaybookIT extends PlaybookContract {
    @Override
    TestDatabase open(Path directory) {
        return TestDatabase.h2File(directory);
    }
}
