package dev.keyvault.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ServletAppExampleTest {
    @Test
    void whenTheDeclarativelyConfiguredAppRunsThenScopesAndTiersAreEnforced() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ServletAppExample.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);

        assertThat(out).containsPattern("health check, no key\\s+→ 200");
        assertThat(out).containsPattern("read with the read key\\s+→ 200");
        assertThat(out).containsPattern("write with the read key\\s+→ 403.*error=\"insufficient_scope\", scope=\"kb:write\"");
        assertThat(out).containsPattern("write with the write key\\s+→ 201");
        assertThat(out).containsPattern("no key\\s+→ 401  WWW-Authenticate: Bearer realm=\"kb\"\\R");
        assertThat(out).containsPattern("free tier \\(5/min, burst 5\\): the read key's request #6 within the minute → 429");
        assertThat(out).containsPattern("standard tier meanwhile\\s+→ 200");
    }
}
