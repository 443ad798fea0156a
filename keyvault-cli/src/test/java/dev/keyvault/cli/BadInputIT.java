package dev.keyvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.IssuedKey;
import dev.keyvault.KeySpec;
import dev.keyvault.testing.MutableClock;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Mistakes an operator makes: each is exit 2 with one line on stderr (what, which input, what to do),
 * no stack trace, no secret echoed, and the store exactly as it was (compared after every test).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputIT {
    private Path dir;
    private TestDatabase db;
    private IssuedKey key;
    private String before;

    @BeforeAll
    void setUp() throws IOException {
        dir = Files.createTempDirectory("kv-cli-bad-input");
        db = TestDatabase.h2File(dir);
        db.migrate();
        key = db.withKeys(MutableClock.at(Instant.parse("2026-06-01T12:00:00Z")),
                keys -> keys.issue(KeySpec.builder("acme", "KB Sync Script — Production").scopes("kb:read").build()));
    }

    @AfterAll
    void tearDown() {
        db.close();
        TestDatabase.deleteDirectory(dir);
    }

    @BeforeEach
    void snapshot() {
        before = db.fingerprint();
    }

    @AfterEach
    void storeUnchanged() {
        assertThat(db.fingerprint()).as("the store after a refused command").isEqualTo(before);
    }

    private CliProcess.Result cli(String... args) {
        return CliProcess.run(db.env(), args);
    }

    /** Exit 2, one line naming the command, no stack trace. */
    private static String refused(CliProcess.Result r) {
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.errLines()).as(r.toString()).hasSize(1);
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
        return r.errLines().get(0);
    }

    @Test
    void whenTheUrlIsNotForAShippedDriverThenExitTwoSayingWhichDriversShip() {
        String line = refused(cli("--jdbc-url", "jdbc:mysql://localhost/app", "keys", "list"));
        assertThat(line).isEqualTo("keyvault keys list: unsupported database URL (--jdbc-url / KEYVAULT_JDBC_URL): the CLI"
                + " ships the H2 and PostgreSQL drivers, so it starts with jdbc:h2: or jdbc:postgresql:");
    }

    @Test
    void whenTheDatabaseIsUnreachableThenExitTwoNamingTheUrlAndWhatToCheck() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, String> env = new HashMap<>(db.env());
        env.put("KEYVAULT_JDBC_URL", "jdbc:postgresql://127.0.0.1:" + port + "/app");
        env.put("KEYVAULT_JDBC_PASSWORD", "s3cret-db-password");
        CliProcess.Result r = CliProcess.run(env, "keys", "list");
        String line = refused(r);
        assertThat(line).startsWith("keyvault keys list: cannot connect to jdbc:postgresql://127.0.0.1:" + port + "/app: ")
                .endsWith("; check --jdbc-url / KEYVAULT_JDBC_URL, the credentials, and that the database is up");
        assertThat(r.err()).doesNotContain("s3cret-db-password");
    }

    @Test
    void whenTheKeyIdIsUnknownThenExitTwoWithTheErrorAsJson() {
        CliProcess.Result r = cli("keys", "revoke", "AAAAAAAAAAAA", "--reason", "replaced", "--json");
        String line = refused(r);
        assertThat(line).startsWith("keyvault keys revoke: no key with id AAAAAAAAAAAA in the store;");
        assertThat(r.json().get("command").asText()).isEqualTo("keys revoke");
        assertThat(r.json().at("/error/exitCode").asInt()).isEqualTo(2);
        assertThat(r.json().at("/error/message").asText()).isEqualTo(line.substring("keyvault keys revoke: ".length()));
    }

    @Test
    void whenADurationIsBadThenExitTwoShowingTheForms() {
        String line = refused(cli("keys", "rotate", key.id(), "--overlap", "9x"));
        assertThat(line).isEqualTo("keyvault keys rotate: Invalid value for option '--overlap': '9x' is not a duration;"
                + " write it like 90d, 24h, 15m, 1d12h or P90D; see 'keyvault keys rotate --help'");
    }

    @Test
    void whenATokenIsOnTheCommandLineThenExitTwoWithoutEchoingIt() {
        CliProcess.Result r = cli("keys", "show", key.token());
        String line = refused(r);
        assertThat(line).startsWith("keyvault: argument 3 looks like an API key token; tokens are never accepted on the command line");
        String secret = key.token().substring(key.token().lastIndexOf('_') + 1);
        assertThat(r.out() + r.err()).doesNotContain(secret);
    }

    @Test
    void whenAPasswordIsOnTheCommandLineThenExitTwoWithoutEchoingIt() {
        CliProcess.Result r = cli("keys", "list", "--password=hunter2-and-more");
        assertThat(refused(r)).isEqualTo("keyvault: --password is not an option: the database password is read from"
                + " KEYVAULT_JDBC_PASSWORD or --password-file, never from arguments");
        assertThat(r.out() + r.err()).doesNotContain("hunter2");
    }

    @Test
    void whenThePasswordFileCannotBeReadThenExitTwoBeforeIssuingAnything() {
        Path missing = dir.resolve("no-such-password-file");
        String line = refused(cli("--password-file", missing.toString(), "keys", "issue", "--owner", "acme", "--name", "CI deploy"));
        assertThat(line).isEqualTo("keyvault keys issue: cannot read the password file " + missing
                + " (no such file); check the path and that this user may read it");
    }

    @Test
    void whenTheTokenFileExistsThenNothingIsIssuedAndTheFileIsKept() throws IOException {
        Path existing = dir.resolve("existing.token");
        Files.writeString(existing, "keep me\n");
        String line = refused(cli("keys", "issue", "--owner", "acme", "--name", "CI deploy", "--output-file", existing.toString()));
        assertThat(line).startsWith("keyvault keys issue: --output-file " + existing + " already exists;");
        assertThat(Files.readString(existing)).isEqualTo("keep me\n");
    }

    @Test
    void whenTheH2FileDoesNotExistThenExitTwoAndNoDatabaseIsCreated() throws IOException {
        Path typo = dir.resolve("kyes");
        String line = refused(cli("--jdbc-url", "jdbc:h2:file:" + typo, "keys", "list"));
        assertThat(line).isEqualTo("keyvault keys list: there is no H2 database at jdbc:h2:file:" + typo
                + "; check the path, or create it with 'keyvault migrate'");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("kyes"));
        }
    }

    @Test
    void whenArgumentsCannotBeDecodedInTheLocaleThenExitTwoInsteadOfAManglingName() {
        Map<String, String> env = new HashMap<>(db.env());
        env.put("LC_ALL", ""); // no locale at all, as under cron: the JVM decodes arguments as ASCII
        CliProcess.Result r = CliProcess.run(env, "keys", "issue", "--owner", "acme", "--name", "Café export");
        assertThat(refused(r)).startsWith("keyvault: argument 6 could not be decoded in this locale's encoding (")
                .endsWith("); run with a UTF-8 locale, such as LC_ALL=C.UTF-8 (the bin/keyvault launcher sets one when none is set)");
    }

    @Test
    void whenThePepperFileIsReadableByOthersThenExitTwoWithoutShowingIt() throws IOException {
        Path pepper = dir.resolve("pepper-shared");
        Files.writeString(pepper, TestDatabase.PEPPER + "\n");
        Files.setPosixFilePermissions(pepper, PosixFilePermissions.fromString("rw-r--r--"));
        Map<String, String> env = new HashMap<>(db.env());
        env.remove("KEYVAULT_PEPPER");
        CliProcess.Result r = CliProcess.run(env, "--pepper-file", pepper.toString(), "keys", "issue", "--owner", "acme", "--name", "CI deploy");
        assertThat(refused(r)).isEqualTo("keyvault keys issue: the pepper file " + pepper + " is accessible to group or others;"
                + " make it owner-only (chmod 600)");
        assertThat(r.out() + r.err()).doesNotContain(TestDatabase.PEPPER.substring(3));
    }

    @Test
    void whenThePasswordFromTheFileIsWrongThenExitTwoWithoutEchoingIt() throws IOException {
        Path password = dir.resolve("db-password");
        Files.writeString(password, "wrong-password-123\n");
        Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
        CliProcess.Result r = cli("--password-file", password.toString(), "keys", "list");
        assertThat(refused(r)).startsWith("keyvault keys list: cannot connect to " + db.url() + ": Wrong user name or password");
        assertThat(r.out() + r.err()).doesNotContain("wrong-password-123");
    }
}
