package dev.keyvault.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SeveralNodesExampleTest {
    @Test
    void whenNodeARevokesThenNodeBRejectsWithinTheChangeFeedBound() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SeveralNodesExample.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);

        assertThat(out).contains("node B verifies it: true");
        assertThat(out).containsPattern("node B rejected it [0-9.]+ ms later");
        assertThat(out).contains("node B now answers: Rejected[reason=REVOKED");
    }
}
