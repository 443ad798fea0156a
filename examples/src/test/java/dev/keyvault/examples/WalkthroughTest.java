package dev.keyvault.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the README's walkthrough, twice in the same directory, and checks every beat of the story. */
class WalkthroughTest {

    @Test
    void whenTheWalkthroughRunsTwiceThenEveryStepOfTheGuideHappensBothTimes(@TempDir Path dir) throws Exception {
        for (int run = 1; run <= 2; run++) {
            String out = run(dir);

            assertThat(out).contains("issued 'KB Sync Script — Production'");
            assertThat(out).containsPattern("anyone\\s+GET\\s+/articles/42\\s+with no key\\s+→ 401");
            assertThat(out).containsPattern("check with v1\\s+GET\\s+/articles/1\\s+with v1\\s+→ 200");
            assertThat(out).containsPattern("check with v2\\s+GET\\s+/articles/1\\s+with v2\\s+→ 200");
            assertThat(out).containsPattern("10\\.1\\.0\\.9 \\(editor-bot/0\\.9\\)\\s+2\\s+.*NO  ← the consumer you missed");
            assertThat(out).contains("completeRotation → REFUSED");
            assertThat(out).contains("rotationStatus(v1): SAFE_TO_COMPLETE");
            assertThat(out).contains("completeRotation → COMPLETED");
            assertThat(out).containsPattern("a forgotten cron job\\s+GET\\s+/articles/42\\s+with v1\\s+→ 401");
            assertThat(out).contains("WWW-Authenticate: Bearer realm=\"kb\", error=\"invalid_token\"");
            assertThat(out).contains("emergencyRotate → v2 REVOKED and marked compromised");
            assertThat(out).containsPattern("May 2 11:00\\s+65\\s+← SPIKE");
            assertThat(out).containsPattern("203\\.0\\.113\\.66\\s+65\\s+.*← NEW");
            assertThat(out).doesNotContainPattern("10\\.1\\.0\\.5\\s+1\\s+.*← NEW");
            assertThat(out).containsPattern("DELETE /admin/\\*\\*\\s+5\\s+5");
            assertThat(out).containsPattern("203\\.0\\.113\\.66 \\(python-requests/2\\.31\\)\\s+203\\.0\\.113\\.66\\s+3");
            assertThat(out).containsPattern("nightly-sync, updated\\s+GET\\s+/articles/42\\s+with v3\\s+→ 200");
            assertThat(out).containsPattern("Ops Console\\s+FULL_ACCESS\\s+May 31 09:00\\s+OVERDUE");
            assertThat(out).contains("NOT compliant — 3 keys checked, 2 failing");
            assertThat(out).contains("replace it by narrower keys");
            assertThat(out).containsPattern("KB Sync Script — Production v2\\s+\\w+\\s+REVOKED \\(compromised\\)");
            assertThat(out).contains("v1 still answers REVOKED after the restart");
            assertThat(out).contains("and the leaked v2 answers REVOKED");
        }
    }

    private static String run(Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new Walkthrough(new PrintStream(bytes, true, StandardCharsets.UTF_8), dir).run();
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
