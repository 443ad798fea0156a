package dev.keyvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.keyvault.ApiKey;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyEventType;
import dev.keyvault.KeyQuery;
import dev.keyvault.KeySpec;
import dev.keyvault.KeyStatus;
import dev.keyvault.UsageEvent;
import dev.keyvault.VerificationResult;
import dev.keyvault.testing.MutableClock;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The rotation guide run as an operator would, through the built jar in separate processes, against
 * one database per test class ({@link #open}): the playbook with a consumer that was missed, the
 * emergency rotation with its audit, {@code due} and {@code compliance} with their exit codes,
 * {@code revoke-all --dry-run}, and {@code auto-rotate} run twice. Time is set with
 * {@code KEYVAULT_CLI_NOW}; usage is recorded in-process through the library between CLI calls, as the
 * application's nodes would record it. Each test uses its own owner, so they share the database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PlaybookContract {
    private Path dir;
    private TestDatabase db;

    /** The database for this class, empty (no tables). */
    abstract TestDatabase open(Path directory);

    @BeforeAll
    void migrate() throws IOException {
        dir = Files.createTempDirectory("kv-cli-playbook");
        db = open(dir);
        CliProcess.Result r = CliProcess.run(env(Instant.parse("2026-01-01T00:00:00Z")), "migrate", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().get("previousVersion").asInt()).isZero();
        assertThat(r.json().get("version").asInt()).isPositive();
    }

    @AfterAll
    void close() {
        db.close();
        TestDatabase.deleteDirectory(dir);
    }

    private Map<String, String> env(Instant now) {
        Map<String, String> env = new HashMap<>(db.env());
        env.put("KEYVAULT_CLI_NOW", now.toString());
        env.put("KEYVAULT_ACTOR", "alice@acme");
        return env;
    }

    private CliProcess.Result cli(Instant now, String... args) {
        return CliProcess.run(env(now), args);
    }

    private CliProcess.Result cliWithStdin(Instant now, String stdin, String... args) {
        return CliProcess.runWithStdin(env(now), stdin, args);
    }

    private static UsageEvent use(Instant at, String consumer, String ip) {
        return UsageEvent.of(at, "POST", "/articles/**", ip, 200).withConsumer(consumer);
    }

    private static JsonNode client(JsonNode clients, String name) {
        for (JsonNode c : clients) {
            if (c.get("client").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no client " + name + " in " + clients);
    }

    // ------------------------------------------------------------------------------------ policies

    @Test
    void whenAKeyIsIssuedWithPoliciesAndChangedInPlaceThenTheStoreHoldsEachChangeWithItsHistory() {
        Instant t = Instant.parse("2026-06-01T12:00:00Z");
        CliProcess.Result issued = cli(t, "keys", "issue", "--owner", "policies", "--name", "Partner feed", "--scope", "feed:read",
                "--allow-ip", "203.0.113.0/24", "--metadata", "plan=pro", "--credits", "100", "--refill", "monthly@1:100", "--json");
        assertThat(issued.exit()).as(issued.toString()).isZero();
        String id = issued.json().at("/key/id").asText();
        assertThat(issued.json().at("/key/ipAllowlist/0").asText()).isEqualTo("203.0.113.0/24");

        CliProcess.Result updated = cli(t.plusSeconds(60), "keys", "update", id, "--scope", "feed:read,feed:write",
                "--allow-ip", "203.0.113.0/24,198.51.100.0/24", "--metadata", "plan=enterprise", "--json");
        assertThat(updated.exit()).as(updated.toString()).isZero();
        assertThat(updated.json().get("scopesWidened").asBoolean()).isTrue();

        CliProcess.Result listed = cli(t.plusSeconds(120), "keys", "list", "--metadata", "plan=enterprise", "--json");
        assertThat(listed.json().get("keys")).hasSize(1);
        ApiKey stored = db.withKeys(MutableClock.at(t), keys -> keys.get(id).orElseThrow());
        assertThat(stored.ipAllowlist().ranges()).containsExactly("203.0.113.0/24", "198.51.100.0/24");
        assertThat(stored.scopes()).containsExactly("feed:read", "feed:write");
        List<KeyEvent> history = db.withKeys(MutableClock.at(t), keys -> keys.history(id));
        assertThat(history).extracting(KeyEvent::type)
                .containsExactly(KeyEventType.ISSUED, KeyEventType.SCOPES_WIDENED, KeyEventType.UPDATED);
    }

    // ------------------------------------------------------------------------------------ playbook

    @Test
    void whenTheGuideIsFollowedThenCompletionWaitsForTheConsumerStillOnTheOldKey() throws IOException {
        Instant t = Instant.parse("2026-06-01T12:00:00Z");

        // 1. issue
        CliProcess.Result issued = cli(t, "keys", "issue", "--owner", "acme", "--name", "KB Sync Script — Production",
                "--scope", "kb:read,kb:write", "--tier", "standard", "--environment", "production", "--json");
        assertThat(issued.exit()).as(issued.toString()).isZero();
        assertThat(issued.err()).contains("KEYVAULT_CLI_NOW is set").contains("testing only");
        String oldId = issued.json().at("/key/id").asText();
        String oldToken = issued.json().get("token").asText();
        assertThat(oldToken).startsWith("kb_live_" + oldId + "_");
        assertThat(issued.json().get("tokenFile").isNull()).isTrue();
        assertThat(issued.json().at("/key/name").asText()).isEqualTo("KB Sync Script — Production");
        assertThat(issued.err()).doesNotContain(oldToken);

        db.withKeys(MutableClock.at(t.plus(Duration.ofHours(1))), keys -> {
            keys.recordUsage(oldId, use(t.plus(Duration.ofHours(1)), "billing-worker", "10.0.0.7"));
            keys.recordUsage(oldId, use(t.plus(Duration.ofHours(1)), "sync-job", "10.0.0.8"));
            return null;
        });

        // 2. generate the replacement, its token into an owner-only file
        Path tokenFile = dir.resolve("kb-sync-v2.token");
        CliProcess.Result rotated = cli(t.plus(Duration.ofHours(2)), "keys", "rotate", oldId, "--output-file", tokenFile.toString(), "--json");
        assertThat(rotated.exit()).as(rotated.toString()).isZero();
        String newId = rotated.json().at("/successor/id").asText();
        assertThat(rotated.json().at("/successor/name").asText()).isEqualTo("KB Sync Script — Production v2");
        assertThat(rotated.json().at("/predecessor/successorId").asText()).isEqualTo(newId);
        assertThat(rotated.json().get("token").isNull()).isTrue();
        assertThat(rotated.json().get("tokenFile").asText()).isEqualTo(tokenFile.toAbsolutePath().toString());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
        String newToken = Files.readString(tokenFile).strip();
        assertThat(newToken).startsWith("kb_live_" + newId + "_");
        assertThat(rotated.out() + rotated.err()).doesNotContain(newToken);

        // 3. one consumer moves, the other is missed
        db.withKeys(MutableClock.at(t.plus(Duration.ofHours(3))), keys -> {
            keys.recordUsage(oldId, use(t.plus(Duration.ofMinutes(150)), "sync-job", "10.0.0.8"));
            keys.recordUsage(newId, use(t.plus(Duration.ofHours(3)), "sync-job", "10.0.0.8"));
            keys.recordUsage(oldId, use(t.plus(Duration.ofHours(3)), "billing-worker", "10.0.0.7"));
            return null;
        });

        CliProcess.Result status = cli(t.plus(Duration.ofHours(4)), "keys", "status", oldId, "--json");
        assertThat(status.exit()).as(status.toString()).isZero();
        assertThat(status.json().get("state").asText()).isEqualTo("OPEN");
        assertThat(status.json().get("safeToRevoke").asBoolean()).isFalse();
        JsonNode billing = client(status.json().get("clients"), "billing-worker");
        assertThat(billing.get("migrated").asBoolean()).isFalse();
        assertThat(billing.get("blocking").asBoolean()).isTrue();
        assertThat(billing.get("clientIps").get(0).asText()).isEqualTo("10.0.0.7");
        assertThat(client(status.json().get("clients"), "sync-job").get("migrated").asBoolean()).isTrue();

        // 4. completing now is refused, exit 3, naming the missed consumer
        CliProcess.Result refused = cli(t.plus(Duration.ofHours(4)), "keys", "complete", oldId, "--json");
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(3);
        assertThat(refused.json().get("outcome").asText()).isEqualTo("REFUSED");
        assertThat(refused.json().get("revoked").asBoolean()).isFalse();
        assertThat(client(refused.json().get("blockingClients"), "billing-worker").get("migrated").asBoolean()).isFalse();
        assertThat(refused.errLines()).hasSize(1);
        assertThat(refused.errLines().get(0)).startsWith("keyvault keys complete: refused, " + oldId + " stays active");

        // 5. the missed consumer moves; a day of quiet later the rotation completes
        db.withKeys(MutableClock.at(t.plus(Duration.ofHours(5))), keys -> {
            keys.recordUsage(newId, use(t.plus(Duration.ofHours(5)), "billing-worker", "10.0.0.7"));
            return null;
        });
        CliProcess.Result done = cli(t.plus(Duration.ofHours(28)), "keys", "complete", oldId);
        assertThat(done.exit()).as(done.toString()).isZero();
        assertThat(done.out()).contains("completed: " + oldId + " is revoked; " + newId + " is the key now");

        // 6. the old key fails verify (the token from stdin), the new one passes
        CliProcess.Result oldVerify = cliWithStdin(t.plus(Duration.ofHours(28)), oldToken + "\n", "verify", "--json");
        assertThat(oldVerify.exit()).as(oldVerify.toString()).isEqualTo(3);
        assertThat(oldVerify.json().get("verified").asBoolean()).isFalse();
        assertThat(oldVerify.json().get("reason").asText()).isEqualTo("REVOKED");
        assertThat(oldVerify.json().get("keyId").asText()).isEqualTo(oldId);
        CliProcess.Result newVerify = cliWithStdin(t.plus(Duration.ofHours(28)), newToken, "verify");
        assertThat(newVerify.exit()).as(newVerify.toString()).isZero();
        assertThat(newVerify.out()).contains("verified: " + newId + " 'KB Sync Script — Production v2' of acme");

        List<KeyEventType> history = db.withKeys(MutableClock.at(t.plus(Duration.ofHours(29))), keys -> {
            List<KeyEventType> types = new ArrayList<>();
            for (KeyEvent e : keys.history(oldId)) {
                types.add(e.type());
                assertThat(e.actor()).isIn("alice@acme", "system");
            }
            return types;
        });
        assertThat(history).containsSubsequence(KeyEventType.ISSUED, KeyEventType.ROTATED, KeyEventType.NOTE,
                KeyEventType.REVOKED, KeyEventType.ROTATION_COMPLETED);
    }

    // ----------------------------------------------------------------------------------- emergency

    @Test
    void whenAKeyLeaksThenTheEmergencyRotationRevokesFirstReplacesItAndAuditsItsUsage() {
        Instant t = Instant.parse("2026-07-01T12:00:00Z");
        IssuedKey leaked = db.withKeys(MutableClock.at(t.minus(Duration.ofDays(3))), keys -> keys.issue(
                KeySpec.builder("umbrella", "Partner Feed").scopes("reports:read").environment("production").build()));
        String id = leaked.id();
        db.withKeys(MutableClock.at(t), keys -> {
            // three requests an hour from the partner for three days, then a new address floods it and probes /admin
            for (int h = 0; h < 72; h++) {
                for (int i = 0; i < 3; i++) {
                    keys.recordUsage(id, UsageEvent.of(t.minus(Duration.ofHours(72 - h)).plus(Duration.ofMinutes(i)), "GET",
                            "/reports", "10.1.0.1", 200));
                }
            }
            for (int i = 0; i < 300; i++) {
                boolean admin = i % 10 == 0;
                keys.recordUsage(id, UsageEvent.of(t.minus(Duration.ofMinutes(55)).plusSeconds(10L * i), "GET",
                        admin ? "/admin/users" : "/reports", "203.0.113.66", admin ? 403 : 200));
            }
            return null;
        });

        CliProcess.Result er = cli(t, "keys", "rotate", id, "--emergency", "--reason", "token posted in a public gist", "--json");
        assertThat(er.exit()).as(er.toString()).isZero();
        JsonNode j = er.json();
        assertThat(j.get("emergency").asBoolean()).isTrue();
        assertThat(j.get("revocationOutcome").asText()).isEqualTo("REVOKED");
        assertThat(j.at("/predecessor/status").asText()).isEqualTo("REVOKED");
        assertThat(j.at("/predecessor/compromised").asBoolean()).isTrue();
        assertThat(j.at("/predecessor/revocation/reason").asText()).endsWith("token posted in a public gist");
        assertThat(j.at("/predecessor/revocation/actor").asText()).isEqualTo("alice@acme");
        assertThat(j.at("/successor/name").asText()).isEqualTo("Partner Feed v2");
        assertThat(j.at("/successor/scopes/0").asText()).isEqualTo("reports:read");
        // revoke first, then the replacement
        assertThat(Instant.parse(j.at("/predecessor/revocation/at").asText()))
                .isBeforeOrEqualTo(Instant.parse(j.at("/successor/createdAt").asText()));
        assertThat(j.get("newSuccessor").asBoolean()).isTrue();
        String replacementToken = j.get("token").asText();
        assertThat(replacementToken).startsWith("kb_live_" + j.at("/successor/id").asText() + "_");
        JsonNode audit = j.get("audit");
        assertThat(j.get("auditFailure").isNull()).isTrue();
        assertThat(audit.get("keyId").asText()).isEqualTo(id);
        assertThat(audit.get("totalRequests").asLong()).isEqualTo(72 * 3 + 300);
        assertThat(audit.get("refusedForScope").asLong()).isEqualTo(30);
        assertThat(audit.get("spikes")).hasSize(1);
        assertThat(audit.at("/spikes/0/requests").asLong()).isGreaterThan(300);
        assertThat(audit.at("/clientIps/0/clientIp").asText()).isEqualTo("203.0.113.66");

        // the last two hours: the attacker's address is new, the partner's is known
        CliProcess.Result recent = cli(t.plusSeconds(60), "keys", "audit", id, "--since", "2h", "--json");
        assertThat(recent.exit()).as(recent.toString()).isZero();
        assertThat(recent.json().get("newClientIps")).hasSize(1);
        assertThat(recent.json().at("/newClientIps/0").asText()).isEqualTo("203.0.113.66");

        CliProcess.Result leakedVerify = cliWithStdin(t.plusSeconds(60), leaked.token(), "verify", "--json");
        assertThat(leakedVerify.exit()).as(leakedVerify.toString()).isEqualTo(3);
        assertThat(leakedVerify.json().get("reason").asText()).isEqualTo("REVOKED");
        VerificationResult replacement = db.withKeys(MutableClock.at(t.plusSeconds(120)), keys -> keys.verify(replacementToken));
        assertThat(replacement.isVerified()).isTrue();
        List<KeyEventType> history = db.withKeys(MutableClock.at(t.plusSeconds(120)),
                keys -> keys.history(id).stream().map(KeyEvent::type).toList());
        assertThat(history).contains(KeyEventType.REVOKED, KeyEventType.COMPROMISED);
    }

    // --------------------------------------------------------------------------- due and compliance

    @Test
    void whenAKeyIsOlderThanItsCadenceThenDueAndComplianceExitWithThreeAsAsked() {
        Instant t = Instant.parse("2026-09-01T00:00:00Z");
        db.withKeys(MutableClock.at(t.minus(Duration.ofDays(200))), keys -> keys.issue(
                KeySpec.builder("hooli", "Legacy Export").scopes("kb:write").environment("production").build()));
        db.withKeys(MutableClock.at(t.minus(Duration.ofDays(10))), keys -> keys.issue(
                KeySpec.builder("hooli", "Fresh Reader").scopes("kb:read").environment("production").build()));

        CliProcess.Result listed = cli(t, "due", "--owner", "hooli", "--json");
        assertThat(listed.exit()).as(listed.toString()).isZero();
        assertThat(listed.json().get("actionRequired").asBoolean()).isTrue();
        assertThat(listed.json().get("overdue")).hasSize(1);
        assertThat(listed.json().at("/overdue/0/key/name").asText()).isEqualTo("Legacy Export");
        assertThat(listed.json().at("/overdue/0/riskClass").asText()).isEqualTo("WRITE");
        assertThat(listed.json().get("due")).isEmpty();
        assertThat(listed.json().get("upcoming")).isEmpty();

        CliProcess.Result failing = cli(t, "due", "--owner", "hooli", "--fail-on-overdue");
        assertThat(failing.exit()).as(failing.toString()).isEqualTo(3);
        assertThat(failing.out()).contains("OVERDUE").contains("Legacy Export");
        assertThat(failing.errLines()).containsExactly("keyvault due: 1 key(s) overdue for rotation; rotate them ('keyvault"
                + " keys rotate <id>' or 'keyvault auto-rotate')");

        CliProcess.Result report = cli(t, "compliance", "--max-age", "90d", "--owner", "hooli", "--environment", "production", "--json");
        assertThat(report.exit()).as(report.toString()).isEqualTo(3);
        assertThat(report.json().get("compliant").asBoolean()).isFalse();
        assertThat(report.json().get("keysChecked").asInt()).isEqualTo(2);
        assertThat(report.json().get("maxAge").asText()).isEqualTo("PT2160H");
        assertThat(report.json().get("findings")).hasSize(1);
        assertThat(report.json().at("/findings/0/key/name").asText()).isEqualTo("Legacy Export");
        assertThat(report.json().at("/findings/0/issues/0").asText()).isEqualTo("TOO_OLD");
        assertThat(report.errLines()).hasSize(1);

        CliProcess.Result yearly = cli(t, "compliance", "--max-age", "365d", "--owner", "hooli");
        assertThat(yearly.exit()).as(yearly.toString()).isZero();
        assertThat(yearly.out()).startsWith("compliant: 2 active keys checked");
    }

    // -------------------------------------------------------------------------------------- revoke-all

    @Test
    void whenRevokeAllIsADryRunThenNothingChangesAndTheRealRunRevokesOnlyTheSelection() {
        Instant t = Instant.parse("2026-10-01T00:00:00Z");
        String otherId = db.withKeys(MutableClock.at(t.minus(Duration.ofDays(1))), keys -> {
            for (String name : List.of("Billing", "Search", "Exports")) {
                keys.issue(KeySpec.builder("globex", name).scopes("kb:read").build());
            }
            return keys.issue(KeySpec.builder("soylent", "Billing").scopes("kb:read").build()).id();
        });
        String before = db.fingerprint();

        CliProcess.Result dry = cli(t, "revoke-all", "--owner", "globex", "--reason", "account closed", "--dry-run", "--json");
        assertThat(dry.exit()).as(dry.toString()).isZero();
        assertThat(dry.json().get("dryRun").asBoolean()).isTrue();
        assertThat(dry.json().get("selected").asInt()).isEqualTo(3);
        assertThat(dry.json().get("revoked").asInt()).isZero();
        for (JsonNode e : dry.json().get("entries")) {
            assertThat(e.get("outcome").asText()).isEqualTo("WOULD_REVOKE");
            assertThat(e.at("/key/owner").asText()).isEqualTo("globex");
        }
        assertThat(db.fingerprint()).isEqualTo(before);

        CliProcess.Result real = cli(t, "revoke-all", "--owner", "globex", "--reason", "account closed", "--yes", "--json");
        assertThat(real.exit()).as(real.toString()).isZero();
        assertThat(real.json().get("revoked").asInt()).isEqualTo(3);
        db.withKeys(MutableClock.at(t.plusSeconds(60)), keys -> {
            for (ApiKey k : keys.list(KeyQuery.all().withOwner("globex"))) {
                assertThat(k.status()).isEqualTo(KeyStatus.REVOKED);
                assertThat(k.revocation().orElseThrow().reason()).isEqualTo("account closed");
            }
            assertThat(keys.get(otherId).orElseThrow().status()).isEqualTo(KeyStatus.ACTIVE);
            return null;
        });
    }

    // ------------------------------------------------------------------------------------- auto-rotate

    @Test
    void whenAutoRotateRunsTwiceThenTheSecondRunResumesWithoutRotatingAgainAndALaterRunClosesTheWindow() throws IOException {
        Instant t = Instant.parse("2027-01-15T03:00:00Z");
        String oldId = db.withKeys(MutableClock.at(t.minus(Duration.ofDays(400))), keys -> keys.issue(
                KeySpec.builder("initech", "Nightly Sync").scopes("kb:read").environment("production").build()).id());
        List<String> probed = Collections.synchronizedList(new ArrayList<>());
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/ping", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            boolean ok = auth != null && auth.startsWith("Bearer kb_live_");
            if (ok) {
                probed.add(auth.substring("Bearer ".length()));
            }
            exchange.sendResponseHeaders(ok ? 200 : 401, -1);
            exchange.close();
        });
        server.start();
        try {
            Path sink = dir.resolve("initech.properties");
            String probe = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/ping";

            CliProcess.Result first = cli(t, "auto-rotate", "--owner", "initech", "--sink-file", sink.toString(),
                    "--probe-url", probe, "--json");
            assertThat(first.exit()).as(first.toString()).isZero();
            assertThat(first.json().get("results")).hasSize(1);
            JsonNode r1 = first.json().at("/results/0");
            assertThat(r1.get("keyId").asText()).isEqualTo(oldId);
            assertThat(r1.get("outcome").asText()).isEqualTo("WINDOW_OPEN");
            assertThat(r1.at("/successor/name").asText()).isEqualTo("Nightly Sync v2");
            String successorId = r1.at("/successor/id").asText();
            assertThat(Instant.parse(r1.get("oldKeyExpiresAt").asText()))
                    .isBetween(t.plus(Duration.ofHours(24)), t.plus(Duration.ofHours(24)).plusSeconds(60));
            assertThat(probed).hasSize(1);
            assertThat(probed.get(0)).startsWith("kb_live_" + successorId + "_");
            Properties delivered = new Properties();
            try (Reader in = Files.newBufferedReader(sink, StandardCharsets.UTF_8)) {
                delivered.load(in);
            }
            assertThat(delivered.getProperty("initech.Nightly Sync")).isEqualTo(probed.get(0));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sink))).isEqualTo("rw-------");
            assertThat(first.out() + first.err()).doesNotContain(probed.get(0));

            CliProcess.Result second = cli(t.plus(Duration.ofMinutes(10)), "auto-rotate", "--owner", "initech", "--sink-file",
                    sink.toString(), "--probe-url", probe, "--json");
            assertThat(second.exit()).as(second.toString()).isZero();
            assertThat(second.json().get("results")).hasSize(1);
            JsonNode r2 = second.json().at("/results/0");
            assertThat(r2.get("outcome").asText()).isEqualTo("WINDOW_OPEN");
            assertThat(r2.at("/successor/id").asText()).isEqualTo(successorId);
            assertThat(r2.at("/steps/0").asText()).startsWith("resumed: successor " + successorId + " was delivered");
            assertThat(probed).hasSize(1);
            List<ApiKey> initech = db.withKeys(MutableClock.at(t.plus(Duration.ofMinutes(11))),
                    keys -> keys.list(KeyQuery.all().withOwner("initech")));
            assertThat(initech).hasSize(2);

            CliProcess.Result later = cli(t.plus(Duration.ofHours(25)), "auto-rotate", "--owner", "initech", "--sink-file",
                    sink.toString(), "--probe-url", probe);
            assertThat(later.exit()).as(later.toString()).isZero();
            assertThat(later.out()).contains(oldId).contains("ROTATED").contains(successorId);
            db.withKeys(MutableClock.at(t.plus(Duration.ofHours(26))), keys -> {
                assertThat(keys.get(oldId).orElseThrow().status()).isEqualTo(KeyStatus.REVOKED);
                assertThat(keys.get(successorId).orElseThrow().status()).isEqualTo(KeyStatus.ACTIVE);
                assertThat(keys.list(KeyQuery.all().withOwner("initech"))).hasSize(2);
                assertThat(keys.verify(delivered.getProperty("initech.Nightly Sync")).isVerified()).isTrue();
                return null;
            });
            assertThat(probed).hasSize(1);
        } finally {
            server.stop(0);
        }
    }
}
