package dev.keyvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyvault.ApiKey;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyEventType;
import dev.keyvault.KeySpec;
import dev.keyvault.KeyStatus;
import dev.keyvault.testing.MutableClock;
import dev.keyvault.testing.Tokens;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code keyvault scan} through the built jar against one database per class: every place a token
 * is, with the key's state; binaries, {@code .git} and links skipped; a large file in bounded memory;
 * {@code --revoke} revoking only keys whose own secret is in the files; and no secret ever printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ScanContract {
    static final Instant T = Instant.parse("2026-06-01T12:00:00Z");
    private Path dir;
    private TestDatabase db;
    private Path tree;
    private final List<String> secrets = new ArrayList<>();

    abstract TestDatabase open(Path directory);

    @BeforeAll
    void migrate() throws IOException {
        dir = Files.createTempDirectory("kv-cli-scan");
        db = open(dir);
        db.migrate();
    }

    @AfterAll
    void close() {
        db.close();
        TestDatabase.deleteDirectory(dir);
    }

    @BeforeEach
    void freshTree() throws IOException {
        tree = Files.createTempDirectory(dir, "tree");
    }

    private CliProcess.Result cli(String... args) {
        Map<String, String> env = new HashMap<>(db.env());
        env.put("KEYVAULT_CLI_NOW", T.toString());
        env.put("KEYVAULT_ACTOR", "sec-oncall");
        CliProcess.Result r = CliProcess.run(env, args);
        for (String s : secrets) {
            assertThat(r.out()).as("stdout never shows a secret").doesNotContain(s);
            assertThat(r.err()).as("stderr never shows a secret").doesNotContain(s);
        }
        return r;
    }

    private IssuedKey issue(String owner, String name) {
        IssuedKey k = db.withKeys(MutableClock.at(T), keys -> keys.issue(KeySpec.builder(owner, name).scopes("kb:read").build()));
        secrets.add(secretOf(k.token()));
        return k;
    }

    /** The part of a token after its key id: what must never be printed. */
    private static String secretOf(String token) {
        return token.substring(token.length() - 38);
    }

    private Path write(String relative, String content) throws IOException {
        Path p = tree.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private static JsonNode finding(JsonNode findings, String keyId, String pathEnd) {
        for (JsonNode f : findings) {
            if (f.get("keyId").asText().equals(keyId) && f.get("path").asText().endsWith(pathEnd)) {
                return f;
            }
        }
        throw new AssertionError("no finding of " + keyId + " in " + pathEnd + ": " + findings);
    }

    @Test
    void whenFilesHoldTokensThenEachPlaceIsReportedWithItsKeyAndStateAndNoSecretIsPrinted() throws IOException {
        IssuedKey active = issue("scan-a", "Sync");
        IssuedKey revoked = issue("scan-a", "Old sync");
        db.withKeys(MutableClock.at(T), keys -> keys.revoke(revoked.id(), "replaced", "alice"));
        String unknown = Tokens.withUnknownId(active.token());
        String planted = Tokens.withWrongSecret(active.token());
        String broken = active.token().substring(0, active.token().length() - 1) + "!"; // not a token at all
        secrets.add(secretOf(unknown));
        secrets.add(secretOf(planted));
        write("config/app.env", "# settings\nDB_URL=jdbc:postgresql://db/app\nKB_TOKEN=" + active.token() + "\n");
        write("logs/app.log", "ok\nü é → " + revoked.token() + " used\n" + broken + "\n");
        write("notes.md", "unknown: `" + unknown + "`\nplanted: " + planted + "\n");
        Files.write(tree.resolve("blob.bin"), concat(new byte[] {0, 1, 2}, active.token().getBytes(StandardCharsets.US_ASCII)));
        write(".git/config", "token = " + active.token() + "\n");
        Files.createSymbolicLink(tree.resolve("link.env"), tree.resolve("config/app.env"));

        CliProcess.Result r = cli("scan", tree.toString(), "--json");

        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        JsonNode j = r.json();
        assertThat(j.get("command").asText()).isEqualTo("scan");
        assertThat(j.get("prefix").asText()).isEqualTo("kb_live");
        assertThat(j.get("filesScanned").asInt()).isEqualTo(3);
        assertThat(j.get("activeKeys").asInt()).isEqualTo(1);
        List<String> skipped = new ArrayList<>();
        j.get("skipped").forEach(s -> skipped.add(s.get("path").asText().substring(tree.toString().length() + 1) + " " + s.get("why").asText()));
        assertThat(skipped).containsExactlyInAnyOrder(".git .git directory", "blob.bin binary", "link.env symbolic link");
        JsonNode findings = j.get("findings");
        assertThat(findings).hasSize(4);
        JsonNode a = finding(findings, active.id(), "config/app.env");
        assertThat(a.get("line").asInt()).isEqualTo(3);
        assertThat(a.get("column").asInt()).isEqualTo("KB_TOKEN=".length() + 1);
        assertThat(a.get("state").asText()).isEqualTo("ACTIVE");
        assertThat(a.get("secretMatches").asBoolean()).isTrue();
        assertThat(a.get("revoked").asBoolean()).isFalse();
        JsonNode old = finding(findings, revoked.id(), "logs/app.log");
        assertThat(old.get("line").asInt()).isEqualTo(2);
        assertThat(old.get("column").asInt()).as("characters, not bytes").isEqualTo("ü é → ".length() + 1);
        assertThat(old.get("state").asText()).isEqualTo("REVOKED");
        assertThat(old.get("secretMatches").asBoolean()).isTrue();
        JsonNode u = findings.get(2);
        assertThat(u.get("state").asText()).isEqualTo("UNKNOWN");
        assertThat(u.get("line").asInt()).isEqualTo(1);
        assertThat(u.get("column").asInt()).isEqualTo("unknown: `".length() + 1);
        JsonNode p = findings.get(3);
        assertThat(p.get("keyId").asText()).isEqualTo(active.id());
        assertThat(p.get("state").asText()).isEqualTo("ACTIVE");
        assertThat(p.get("secretMatches").asBoolean()).as("a planted token names the key, not its secret").isFalse();

        CliProcess.Result human = cli("scan", tree.resolve("config").toString(), tree.resolve("notes.md").toString());
        assertThat(human.exit()).as(human.toString()).isEqualTo(3);
        assertThat(human.out()).contains(tree.resolve("config/app.env") + ":3:10  key " + active.id() + "  ACTIVE, the key's own secret");
        assertThat(human.out()).contains("key " + unknown.substring(8, 20) + "  unknown");
        assertThat(human.err()).contains("2 file(s) scanned").contains("1 active key(s)");

        // nothing was changed by a scan without --revoke
        KeyStatus status = db.withKeys(MutableClock.at(T), keys -> keys.get(active.id()).orElseThrow().status());
        assertThat(status).isEqualTo(KeyStatus.ACTIVE);
    }

    @Test
    void whenOnlyRevokedOrUnknownKeysAreFoundThenExitZero() throws IOException {
        IssuedKey revoked = issue("scan-b", "Old");
        db.withKeys(MutableClock.at(T), keys -> keys.revoke(revoked.id(), "replaced", "alice"));
        write("a.txt", revoked.token() + "\n");
        write("empty.txt", "");
        CliProcess.Result r = cli("scan", tree.toString(), "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().get("findings")).hasSize(1);
        assertThat(r.json().get("activeKeys").asInt()).isZero();
    }

    @Test
    void whenAFileIsLargeThenItIsScannedToTheEndInBoundedMemory() throws IOException {
        IssuedKey key = issue("scan-c", "Sync");
        Path big = tree.resolve("huge.log");
        byte[] line = "2026-06-01T12:00:00Z INFO request served in 3 ms by worker-7 of the sync service\n".getBytes(StandardCharsets.US_ASCII);
        long lines = (64L << 20) / line.length; // 64 MiB, with the CLI's JVM given a 32 MiB heap
        try (OutputStream out = Files.newOutputStream(big)) {
            for (long i = 0; i < lines; i++) {
                out.write(line);
            }
            out.write(("leaked " + key.token() + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        Map<String, String> env = new HashMap<>(db.env());
        env.put("KEYVAULT_CLI_NOW", T.toString());
        env.put("JAVA_TOOL_OPTIONS", "-Xmx32m");
        CliProcess.Result r = CliProcess.run(env, "scan", big.toString(), "--json");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        JsonNode f = r.json().get("findings").get(0);
        assertThat(f.get("line").asLong()).isEqualTo(lines + 1);
        assertThat(f.get("column").asInt()).isEqualTo(8);
        assertThat(r.out()).doesNotContain(secretOf(key.token()));
        Files.delete(big);
    }

    @Test
    void whenScanRevokesThenOnlyKeysWhoseOwnSecretIsFoundAreRevokedFirstAndTheirPlaceRecorded() throws IOException {
        IssuedKey leaked = issue("scan-d", "Sync");
        IssuedKey named = issue("scan-d", "Search"); // only a planted token names it
        String planted = Tokens.withWrongSecret(named.token());
        secrets.add(secretOf(planted));
        Path env = write("deploy/.env", "A=1\nKB_TOKEN=" + leaked.token() + "\nKB_OTHER=" + planted + "\n");
        write("deploy/copy.txt", leaked.token() + "\n");

        CliProcess.Result r = cli("scan", tree.toString(), "--revoke", "--reason", "committed to the deploy repository", "--json");

        assertThat(r.exit()).as("an active key was found").isEqualTo(3);
        JsonNode j = r.json();
        assertThat(j.get("revoke").asBoolean()).isTrue();
        assertThat(finding(j.get("findings"), leaked.id(), ".env").get("revoked").asBoolean()).isTrue();
        assertThat(finding(j.get("findings"), named.id(), ".env").get("revoked").asBoolean()).isFalse();
        db.withKeys(MutableClock.at(T), keys -> {
            ApiKey l = keys.get(leaked.id()).orElseThrow();
            assertThat(l.status()).isEqualTo(KeyStatus.REVOKED);
            assertThat(l.compromised()).isTrue();
            assertThat(l.revocation()).hasValueSatisfying(rv -> {
                assertThat(rv.reason()).isEqualTo("committed to the deploy repository");
                assertThat(rv.actor()).isEqualTo("sec-oncall");
            });
            List<KeyEventType> types = keys.history(leaked.id()).stream().map(KeyEvent::type).toList();
            assertThat(types).startsWith(KeyEventType.ISSUED, KeyEventType.REVOKED, KeyEventType.LEAK_REPORTED, KeyEventType.COMPROMISED);
            assertThat(keys.history(leaked.id()).stream().filter(e -> e.type() == KeyEventType.LEAK_REPORTED).map(KeyEvent::detail))
                    .containsExactly(env.toAbsolutePath().normalize() + ":2:10 (keyvault scan)",
                            tree.resolve("deploy/copy.txt").toAbsolutePath().normalize() + ":1:1 (keyvault scan)");
            ApiKey n = keys.get(named.id()).orElseThrow();
            assertThat(n.status()).isEqualTo(KeyStatus.ACTIVE);
            assertThat(n.compromised()).isFalse();
            return null;
        });

        // the leaked key is revoked now; only the planted token still names an active key
        CliProcess.Result again = cli("scan", tree.resolve("deploy/copy.txt").toString(), "--json");
        assertThat(again.exit()).isZero();
        assertThat(again.json().get("findings").get(0).get("state").asText()).isEqualTo("REVOKED");
    }

    @Test
    void whenScanIsMisusedThenExit2AndNothingChanges() throws IOException {
        write("a.txt", "nothing here\n");
        String before = db.fingerprint();
        for (String[] args : List.of(
                new String[] {"scan"},
                new String[] {"scan", tree.resolve("missing").toString()},
                new String[] {"scan", tree.toString(), "--revoke"},
                new String[] {"scan", tree.toString(), "--reason", "x"},
                new String[] {"scan", tree.toString(), "--revoke", "--reason", " "},
                new String[] {"scan", tree.toString(), "--revoke", "--reason", "x\u202Ey"})) {
            CliProcess.Result r = cli(args);
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        }
        CliProcess.Result clean = cli("scan", tree.toString());
        assertThat(clean.exit()).as(clean.toString()).isZero();
        assertThat(db.fingerprint()).isEqualTo(before);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
