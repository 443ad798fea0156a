package dev.keyvault.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AutoRotationExampleTest {
    @Test
    void whenTheAutoRotatorRunsThenTheDueKeyIsReplacedDeliveredAndTheOldOneExpiresAfterTheOverlap(@TempDir Path dir)
            throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AutoRotationExample.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), dir);
        String out = bytes.toString(StandardCharsets.UTF_8);

        assertThat(out).contains("day 170: 1 key(s) due");
        assertThat(out).contains("AutoRotator: WINDOW_OPEN");
        assertThat(out).containsPattern("sink file secrets.properties: .+ = kv_\\w{12}_… \\(new token, verifies: true\\)");
        assertThat(out).contains("old token during the 2-day overlap: 200");
        assertThat(out).contains("old token after the overlap:        401");
        assertThat(out).contains("keys due now: 0");
        assertThat(Files.readString(dir.resolve("secrets.properties"))).containsPattern("=kv_\\w{12}_\\w{38}");
    }
}
