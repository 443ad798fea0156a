package dev.keyvault.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LegacyMigrationExampleTest {
    @Test
    void whenAHandRolledBcryptTableIsMigratedThenBothTokenFormatsWorkUntilTheOldOneIsRotatedOut() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LegacyMigrationExample.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);

        assertThat(out).contains("import: 3 imported; run again: 0 imported, 3 already there");
        assertThat(out).contains("old token of 'KB Sync Script' GET /articles/1 -> 200");
        assertThat(out).contains("old token of 'Reporting' GET /articles/1 -> 200");
        assertThat(out).contains("a wrong secret with a real prefix -> 401");
        assertThat(out).contains("rotationDue: 3 keys; first: imported from the previous system");
        assertThat(out).contains("still on the old token: [10.1.0.8 (legacy-cron/0.9)]");
        assertThat(out).contains("complete now -> REFUSED");
        assertThat(out).contains("a quiet day later, complete -> COMPLETED");
        assertThat(out).contains("old token now -> 401; new token -> 200");
    }
}
