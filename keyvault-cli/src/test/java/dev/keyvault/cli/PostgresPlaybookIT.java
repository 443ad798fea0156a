package dev.keyvault.cli;

import java.nio.file.Path;

/** The playbook against PostgreSQL: the server the tests share, a schema of its own. */
class PostgresPlaybookIT extends PlaybookContract {
    @Override
    TestDatabase open(Path directory) {
        return TestDatabase.postgres();
    }
}
