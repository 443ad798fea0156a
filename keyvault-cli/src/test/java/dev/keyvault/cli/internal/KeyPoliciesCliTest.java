package dev.keyvault.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Key policies from the command line, in-process on an H2 database in memory: {@code keys issue}
 * with an allowlist, metadata and credits, {@code show} and {@code list} with their JSON fields,
 * {@code keys update}, {@code verify --client-address} — and every hostile value an operator can
 * type into the new options: exit 2, one line, the value not echoed, the store unchanged.
 */
class KeyPoliciesCliTest {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PEPPER = "v1:" + Base64.getEncoder().encodeToString("policies-cli-test-pepper-0123456789".getBytes(
            StandardCharsets.US_ASCII));
    private String url;
    private Connection keepAlive;

    record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out.strip());
        }
    }

    @BeforeEach
    void database() throws Exception {
        url = "jdbc:h2:mem:policies_cli_" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1";
        keepAlive = DriverManager.getConnection(url);
        assertThat(run("migrate").exit()).isZero();
    }

    @AfterEach
    void drop() throws Exception {
        try (Statement s = keepAlive.createStatement()) {
            s.execute("SHUTDOWN");
        }
    }

    private Run run(String... args) {
        return runWithStdin("", "2026-06-01T10:00:00Z", args);
    }

    private Run at(String now, String... args) {
        return runWithStdin("", now, args);
    }

    private Run runWithStdin(String stdin, String now, String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("KEYVAULT_JDBC_URL", url);
        env.put("KEYVAULT_PEPPER", PEPPER);
        env.put("KEYVAULT_KEY_PREFIX", "kb_live");
        env.put("KEYVAULT_ACTOR", "alice@acme");
        env.put("KEYVAULT_CLI_NOW", now);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Cli.run(args, env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), false, false,
                false);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static List<String> errLines(Run r) {
        List<String> lines = new ArrayList<>();
        for (String l : r.err().split("\\R")) {
            if (!l.isBlank() && !l.startsWith("warning: KEYVAULT_CLI_NOW is set")) {
                lines.add(l);
            }
        }
        return lines;
    }

    private String fingerprint() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (String table : List.of("keys", "history", "credits", "key_metadata")) {
            try (Statement s = keepAlive.createStatement();
                 ResultSet rs = s.executeQuery("SELECT * FROM keyvault_" + table + " ORDER BY 1, 2")) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    for (int i = 1; i <= n; i++) {
                        sb.append(rs.getString(i)).append('|');
                    }
                    sb.append('\n');
                }
            }
        }
        return sb.toString();
    }

    @Test
    void whenAKeyIsIssuedWithPoliciesThenShowListVerifyAndUpdateCarryThem() throws Exception {
        Run issued = run("keys", "issue", "--owner", "acme", "--name", "Metered", "--scope", "kb:read",
                "--allow-ip", "203.0.113.0/24,2001:db8::/32", "--metadata", "plan=pro", "--metadata", "note=a=b, c",
                "--credits", "2", "--refill", "daily@12:00:2", "--json");
        assertThat(issued.exit()).as(issued.toString()).isZero();
        JsonNode key = issued.json().get("key");
        String id = key.get("id").asText();
        String token = issued.json().get("token").asText();
        assertThat(key.get("ipAllowlist").toString()).isEqualTo("[\"203.0.113.0/24\",\"2001:db8::/32\"]");
        assertThat(key.get("metadata").toString()).isEqualTo("{\"note\":\"a=b, c\",\"plan\":\"pro\"}");
        assertThat(key.get("creditAccount").asText()).isEqualTo(id);

        JsonNode shown = run("keys", "show", id, "--json").json();
        assertThat(shown.at("/credits/inStore").asLong()).isEqualTo(2);
        assertThat(shown.at("/credits/refill").asText()).isEqualTo("daily@12:00:2");
        assertThat(shown.at("/credits/nextRefillAt").asText()).isEqualTo("2026-06-01T12:00:00Z");
        assertThat(run("keys", "show", id).out()).contains("203.0.113.0/24,2001:db8::/32").contains("note=a=b, c,plan=pro")
                .contains("2 in store");

        assertThat(run("keys", "list", "--metadata", "plan=pro", "--json").json().get("keys")).hasSize(1);
        assertThat(run("keys", "list", "--metadata", "plan=free", "--json").json().get("keys")).isEmpty();

        Run inside = runWithStdin(token, "2026-06-01T10:00:00Z", "verify", "--client-address", "203.0.113.9", "--json");
        assertThat(inside.exit()).as(inside.toString()).isZero();
        Run outside = runWithStdin(token, "2026-06-01T10:00:00Z", "verify", "--client-address", "198.51.100.1", "--json");
        assertThat(outside.exit()).isEqualTo(3);
        assertThat(outside.json().get("reason").asText()).isEqualTo("IP_NOT_ALLOWED");
        assertThat(run("keys", "show", id, "--json").json().at("/credits/inStore").asLong())
                .as("the CLI's verify spends no credits, and gives back its lease").isEqualTo(2);

        Run updated = run("keys", "update", id, "--scope", "kb:read,kb:write", "--tier", "gold", "--metadata", "plan=enterprise",
                "--any-ip", "--credits", "5", "--json");
        assertThat(updated.exit()).as(updated.toString()).isZero();
        assertThat(updated.json().get("scopesWidened").asBoolean()).isTrue();
        assertThat(updated.json().at("/after/tier").asText()).isEqualTo("gold");
        assertThat(updated.json().at("/after/ipAllowlist").size()).isZero();
        assertThat(updated.json().at("/before/metadata/plan").asText()).isEqualTo("pro");
        assertThat(updated.json().at("/after/metadata").toString()).isEqualTo("{\"plan\":\"enterprise\"}");
        assertThat(run("keys", "show", id, "--json").json().at("/credits/refill").asText()).isEqualTo("none");
        JsonNode history = run("keys", "history", id, "--json").json().get("events");
        List<String> types = new ArrayList<>();
        history.forEach(e -> types.add(e.get("type").asText()));
        assertThat(types).containsExactly("ISSUED", "SCOPES_WIDENED", "UPDATED");
        assertThat(history.get(2).get("actor").asText()).isEqualTo("alice@acme");
        assertThat(history.get(2).get("detail").asText()).contains("tier: default -> gold").contains("IP allowlist: [203.0.113.0/24");

        Run same = run("keys", "update", id, "--tier", "gold");
        assertThat(same.exit()).isZero();
        assertThat(same.out()).contains("nothing to change");

        Run tooLong = run("keys", "update", id, "--expires-in", "400d");
        assertThat(tooLong.exit()).isZero(); // from never: a shortening
        Run extended = run("keys", "update", id, "--no-expiry");
        assertThat(extended.exit()).isEqualTo(2);
        assertThat(errLines(extended)).singleElement().satisfies(l -> assertThat(l).contains("rotation due date"));

        assertThat(run("keys", "revoke", id, "--reason", "done").exit()).isZero();
        Run revoked = run("keys", "update", id, "--tier", "free");
        assertThat(revoked.exit()).isEqualTo(2);
        assertThat(errLines(revoked)).singleElement().satisfies(l -> assertThat(l).contains("revoked"));
    }

    @Test
    void whenTheAuditIsAskedThenItListsTheAttemptsFromOutsideTheAllowlist() throws Exception {
        Run issued = run("keys", "issue", "--owner", "acme", "--name", "Netted", "--allow-ip", "10.0.0.0/8", "--json");
        String id = issued.json().at("/key/id").asText();
        String token = issued.json().get("token").asText();
        // the CLI's verify records no usage; the application's filter does — here through the library
        var pool = org.h2.jdbcx.JdbcConnectionPool.create(url, "", "");
        try {
            try (var keys = dev.keyvault.KeyManager.builder().store(dev.keyvault.jdbc.JdbiKeyStore.builder(pool).build())
                    .clock(java.time.Clock.fixed(java.time.Instant.parse("2026-06-01T10:00:00Z"), java.time.ZoneOffset.UTC))
                    .keyPrefix("kb_live").pepper(dev.keyvault.Peppers.parse(PEPPER)).usageFlushInterval(java.time.Duration.ZERO)
                    .changeFeedPollInterval(java.time.Duration.ZERO).build()) {
                var r = keys.verify(dev.keyvault.VerificationRequest.of(token).withClientAddress("192.0.2.77"));
                keys.recordUsage(id, dev.keyvault.UsageEvent.of(java.time.Instant.parse("2026-06-01T10:00:00Z"), "GET", "/kb/**",
                        "192.0.2.77", 403).withRefusal(((dev.keyvault.VerificationResult.Rejected) r).reason()));
            }
        } finally {
            pool.dispose();
        }
        Run audit = at("2026-06-01T11:00:00Z", "keys", "audit", id, "--since", "2h", "--json");
        assertThat(audit.exit()).as(audit.toString()).isZero();
        assertThat(audit.json().at("/outsideAllowlist/0/clientIp").asText()).isEqualTo("192.0.2.77");
        assertThat(audit.json().get("refusedForCredits").asLong()).isZero();
        assertThat(at("2026-06-01T11:00:00Z", "keys", "audit", id, "--since", "2h").out()).contains("OUTSIDE THE ALLOWLIST")
                .contains("1 from outside the IP allowlist");
        assertThat(at("2026-06-01T11:00:00Z", "keys", "usage", id, "--since", "2h", "--json").json().at("/rollups/0/refusal").asText())
                .isEqualTo("IP_NOT_ALLOWED");
    }

    @Test
    void whenThePolicyOptionsHoldHostileValuesThenExitTwoWithOneLineNoEchoAndNothingChanged() throws Exception {
        Run issued = run("keys", "issue", "--owner", "acme", "--name", "Target", "--json");
        String id = issued.json().at("/key/id").asText();
        String before = fingerprint();
        List<String> seventeen = new ArrayList<>(List.of("keys", "issue", "--owner", "acme", "--name", "Many"));
        for (int i = 0; i < 17; i++) {
            seventeen.add("--metadata");
            seventeen.add("k" + i + "=v");
        }
        List<List<String>> hostile = List.of(
                List.of("keys", "issue", "--owner", "acme", "--name", "X", "--allow-ip", "10.1.2.3/8"),
                List.of("keys", "issue", "--owner", "acme", "--name", "X", "--allow-ip", "'); DROP TABLE keyvault_keys; --"),
                List.of("keys", "issue", "--owner", "acme", "--name", "X", "--allow-ip", "10.0.0.0/33"),
                List.of("keys", "issue", "--owner", "acme", "--name", "X", "--allow-ip", "example.com"),
                List.of("keys", "issue", "--owner", "acme", "--name", "X", "--allow-ip", "١٠.٠.٠.٠/٨"),
                List.of("keys", "issue", "--owner", "acme", "--name", "X", "--allow-ip", "fe80::1%eth0"),
                List.of("keys", "issue", "--owner", "acme", "--name", "X", "--metadata", "no-equals-sign-secretish"),
                List.of("keys", "issue", "--owner", "acme", "--name", "X", "--metadata", "=value-without-name"),
                List.of("keys", "issue", "--owner", "acme", "--name", "X", "--metadata", "bad name=v"),
                List.of("keys", "issue", "--owner", "acme", "--name", "X", "--metadata", "plän=v"),
                List.of("keys", "issue", "--owner", "acme", "--name", "X", "--metadata", "k="),
                List.of("keys", "issue", "--owner", "acme", "--name", "X", "--metadata", "k=line\nbreak"),
                List.of("keys", "issue", "--owner", "acme", "--name", "X", "--metadata", "k=\u202Eevil"),
                List.of("keys", "issue", "--owner", "acme", "--name", "X", "--metadata", "k=" + "v".repeat(257)),
                List.of("keys", "issue", "--owner", "acme", "--name", "X", "--metadata", "k=a", "--metadata", "k=b"),
                seventeen,
                List.of("keys", "issue", "--owner", "acme", "--name", "X", "--credits", "-1"),
                List.of("keys", "issue", "--owner", "acme", "--name", "X", "--credits", "1000000000001"),
                List.of("keys", "issue", "--owner", "acme", "--name", "X", "--credits", "5", "--refill", "weekly@1:5"),
                List.of("keys", "issue", "--owner", "acme", "--name", "X", "--credits", "5", "--refill", "daily@25:00:5"),
                List.of("keys", "issue", "--owner", "acme", "--name", "X", "--refill", "daily@12:00:5"),
                List.of("keys", "update", id),
                List.of("keys", "update", id, "--allow-ip", "10.0.0.0/8", "--any-ip"),
                List.of("keys", "update", id, "--credits", "1", "--no-credits"),
                List.of("keys", "update", id, "--expires-in", "1d", "--no-expiry"),
                List.of("keys", "update", id, "--metadata", "x=1", "--no-metadata"),
                List.of("keys", "update", id, "--scope", "KB:READ"),
                List.of("keys", "update", id, "--risk-class", "compromised"),
                List.of("keys", "update", id, "--name", " padded"),
                List.of("keys", "update", id, "--expires-at", "2020-01-01"),
                List.of("keys", "update", "AAAAAAAAAAAA", "--tier", "gold"),
                List.of("keys", "update", "kb_live_not-an-id", "--tier", "gold"),
                List.of("keys", "list", "--metadata", "=x"),
                List.of("keys", "list", "--metadata", "bad name=x"));
        for (List<String> args : hostile) {
            Run r = run(args.toArray(String[]::new));
            assertThat(r.exit()).as("%s -> %s", args, r).isEqualTo(2);
            assertThat(errLines(r)).as("%s", args).hasSize(1);
            assertThat(r.err()).as("%s", args).doesNotContain("\tat ").doesNotContain("Exception");
            String last = args.get(args.size() - 1);
            if (last.length() > 12 && !last.startsWith("--") && !last.equals(id) && !last.matches("-?[0-9]+")) {
                assertThat(r.err()).as("%s", args).doesNotContain(last);
            }
            assertThat(fingerprint()).as("%s changed the store", args).isEqualTo(before);
        }
    }
}
