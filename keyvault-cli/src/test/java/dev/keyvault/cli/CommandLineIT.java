package dev.keyvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.KeySpec;
import dev.keyvault.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The jar as people meet it: through the launcher, and on a terminal. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommandLineIT {
    private Path dir;
    private TestDatabase db;

    @BeforeAll
    void setUp() throws IOException {
        dir = Files.createTempDirectory("kv-cli-command-line");
        db = TestDatabase.h2File(dir);
        db.migrate();
        db.withKeys(MutableClock.at(Instant.parse("2026-01-01T00:00:00Z")),
                keys -> keys.issue(KeySpec.builder("initrode", "Reports").scopes("reports:read").build()));
    }

    @AfterAll
    void tearDown() {
        db.close();
        TestDatabase.deleteDirectory(dir);
    }

    @Test
    void whenTheLauncherIsRunThroughASymlinkWithoutALocaleThenItFindsTheJarAndPassesNonAsciiArguments() throws IOException {
        Path link = dir.resolve("bin").resolve("keyvault");
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, CliProcess.LAUNCHER);
        Map<String, String> env = new HashMap<>(db.env());
        env.put("LC_ALL", ""); // as under cron: the launcher asks for UTF-8
        CliProcess.Result r = CliProcess.exec(List.of("sh", link.toString(), "keys", "issue", "--owner", "café", "--name",
                "KB Sync Script — Production", "--json"), env, "");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().at("/key/owner").asText()).isEqualTo("café");
        assertThat(r.json().at("/key/name").asText()).isEqualTo("KB Sync Script — Production");
    }

    @Test
    void whenStdoutIsATerminalThenTablesHaveColourUnlessNoColorIsSet() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "util-linux script(1) gives the CLI a terminal");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = "'" + java + "' -XX:TieredStopAtLevel=1 -jar '" + CliProcess.JAR + "' due --at 2030-01-01";
        CliProcess.Result coloured = CliProcess.exec(List.of("/usr/bin/script", "-qec", command, "/dev/null"), db.env(), "");
        assertThat(coloured.exit()).as(coloured.toString()).isZero();
        assertThat(coloured.out()).contains("\u001b[");
        Map<String, String> noColor = new HashMap<>(db.env());
        noColor.put("NO_COLOR", "1");
        CliProcess.Result plain = CliProcess.exec(List.of("/usr/bin/script", "-qec", command, "/dev/null"), noColor, "");
        assertThat(plain.exit()).as(plain.toString()).isZero();
        assertThat(plain.out()).doesNotContain("\u001b[");
    }

    @Test
    void whenThePepperComesFromAnOwnerOnlyFileThenTheApplicationsTokensVerify() throws IOException {
        String token = db.withKeys(MutableClock.at(Instant.parse("2026-02-01T00:00:00Z")),
                keys -> keys.issue(KeySpec.builder("initrode", "Pepper file check").scopes("reports:read").build()).token());
        Path pepper = dir.resolve("pepper");
        Files.writeString(pepper, TestDatabase.PEPPER + "\n");
        Files.setPosixFilePermissions(pepper, PosixFilePermissions.fromString("rw-------"));
        Map<String, String> env = new HashMap<>(db.env());
        env.remove("KEYVAULT_PEPPER");
        CliProcess.Result r = CliProcess.runWithStdin(env, token + "\n", "verify", "--pepper-file", pepper.toString(), "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().get("verified").asBoolean()).isTrue();
        assertThat(r.json().at("/key/name").asText()).isEqualTo("Pepper file check");
        assertThat(r.err()).isEmpty();
    }
}
