package dev.keyvault.examples;

import dev.keyvault.ApiKey;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyHashers;
import dev.keyvault.KeyManager;
import dev.keyvault.KeyQuery;
import dev.keyvault.KeySpec;
import dev.keyvault.RotateOptions;
import dev.keyvault.examples.support.DemoApi;
import dev.keyvault.examples.support.Http;
import dev.keyvault.examples.support.Table;
import dev.keyvault.jdbc.JdbiKeyStore;
import dev.keyvault.rotation.CompletionResult;
import dev.keyvault.rotation.ComplianceReport;
import dev.keyvault.rotation.EmergencyRotation;
import dev.keyvault.rotation.RotationDue;
import dev.keyvault.rotation.RotationStatus;
import dev.keyvault.rotation.UsageAudit;
import dev.keyvault.testing.MutableClock;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.stream.Stream;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The rotation guide, end to end, with real HTTP calls against a small API protected by the
 * keyvault filter, on an H2 file database. Time is a simulated clock, so days pass in milliseconds:
 * <ol>
 *   <li>issue "KB Sync Script — Production"; two consumers call the API with it;</li>
 *   <li>rotate to "… v2"; both keys work; one consumer moves, {@code rotationStatus} names the one
 *       that did not; it moves too; a day later the window is safe; complete (revoke v1); v1 gets 401;</li>
 *   <li>v2 leaks: emergency rotation (revoke first), and the usage audit of the leaked key finds the
 *       attacker's new IP and volume spike, and later who is still using it;</li>
 *   <li>day 100: {@code rotationDue} and the 90-day compliance report;</li>
 *   <li>the database is closed and reopened: everything above is still there.</li>
 * </ol>
 * Run it with {@code mvn -q -Pdemo -pl examples -am package -DskipTests}. Safe to run again: the
 * database is recreated each time.
 */
public final class Walkthrough {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("MMM d HH:mm").withZone(ZoneOffset.UTC);
    private static final String NIGHTLY = "nightly-sync/2.1";
    private static final String NIGHTLY_IP = "10.1.0.5";
    private static final String EDITOR = "editor-bot/0.9";
    private static final String EDITOR_IP = "10.1.0.9";
    private static final String ATTACKER = "python-requests/2.31";
    private static final String ATTACKER_IP = "203.0.113.66";

    private final PrintStream out;
    private final Path dataDir;
    private final MutableClock clock = MutableClock.at(Instant.parse("2026-03-02T09:00:00Z"));

    Walkthrough(PrintStream out, Path dataDir) {
        this.out = out;
        this.dataDir = dataDir;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/walkthrough");
        new Walkthrough(System.out, dir).run();
    }

    void run() throws Exception {
        recreate(dataDir);
        String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("keyvault");
        out.println("keyvault walkthrough — the API-key rotation guide, end to end");
        out.println("  store: H2 file database " + dataDir.resolve("keyvault.mv.db") + " (recreated on each run)");
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "sa", "");
        String v1Id;
        String v2Id;
        try {
            JdbiKeyStore store = JdbiKeyStore.builder(pool).build();
            store.migrate();
            // Argon2id (the default) with the OWASP parameters: each key is hashed once per node,
            // then verified from the cache with a SHA-256 and a constant-time compare.
            try (KeyManager keys = KeyManager.builder().store(store).clock(clock).keyPrefix("kb_live")
                    .hasher(KeyHashers.argon2id()).build();
                 DemoApi api = DemoApi.start(keys, clock)) {
                out.println("  api:   " + api.uri() + " (embedded Jetty 12 with ApiKeyFilter: GET /articles/** needs"
                        + " kb:read, POST /articles/** kb:write, DELETE /admin/** kb:admin)");
                out.println("  time:  a simulated clock starting " + WHEN.format(clock.instant()) + " UTC, so days pass in milliseconds");
                Http http = new Http(api.uri());
                String[] ids = standardRotation(keys, http);
                v1Id = ids[0];
                v2Id = ids[1];
                emergency(keys, http, v2Id);
                policy(keys);
            }
        } finally {
            pool.dispose(); // the last connection closes, and H2 closes the database file
        }
        reopen(url, v1Id, v2Id);
    }

    // ---------------------------------------------------------------------------------- standard

    private String[] standardRotation(KeyManager keys, Http http) {
        section("1. Issue a key and hand it to two consumers");
        IssuedKey v1 = keys.issue(KeySpec.builder("acme", "KB Sync Script — Production")
                .scopes("kb:read", "kb:write").tier("standard").environment("production").actor("alice@acme").build());
        keys.issue(KeySpec.builder("acme", "Reporting (read-only)").scopes("kb:read").tier("free")
                .environment("production").actor("alice@acme").build());
        keys.issue(KeySpec.builder("acme", "Ops Console").scopes("*").tier("standard")
                .environment("production").actor("bob@acme").build());
        say("issued '%s' (id %s, scopes %s, tier %s)", v1.key().name(), v1.id(), v1.key().scopes(), v1.key().tier());
        say("the token is shown once; keyvault stores only an Argon2id hash of it: %s", masked(v1.token()));
        say("(also issued 'Reporting (read-only)' and 'Ops Console' with scope * for later)");
        call(http, "nightly-sync", "GET", "/articles/42", v1, NIGHTLY_IP, NIGHTLY);
        call(http, "editor-bot", "POST", "/articles", v1, EDITOR_IP, EDITOR);
        call(http, "anyone", "GET", "/articles/42", null, "198.51.100.1", "curl/8.5");

        clock.advance(Duration.ofDays(60));
        section("2. Day 60: rotate — generate the replacement first, so nothing breaks");
        IssuedKey v2 = keys.rotate(v1.id(), RotateOptions.defaults().withActor("alice@acme")
                .withReason("scheduled rotation, 60 days"));
        say("rotated to '%s' (id %s), same scopes and tier, linked to its predecessor", v2.key().name(), v2.id());
        call(http, "nightly-sync", "GET", "/articles/42", v1, NIGHTLY_IP, NIGHTLY);
        call(http, "editor-bot", "POST", "/articles", v1, EDITOR_IP, EDITOR);
        say("both keys work during the window:");
        call(http, "check with v1", "GET", "/articles/1", v1, "10.0.0.2", "ops-check/1.0");
        call(http, "check with v2", "GET", "/articles/1", v2, "10.0.0.2", "ops-check/1.0");

        clock.advance(Duration.ofHours(1));
        say("nightly-sync gets the new key; editor-bot's config was missed");
        call(http, "nightly-sync", "GET", "/articles/42", v2, NIGHTLY_IP, NIGHTLY);
        call(http, "editor-bot", "POST", "/articles", v1, EDITOR_IP, EDITOR);
        RotationStatus status = keys.rotation().status(v1.id());
        printStatus(status);
        CompletionResult early = keys.rotation().complete(v1.id(), "alice@acme");
        say("completeRotation → %s: %s", early.outcome(), String.join("; ", early.reasons()));

        clock.advance(Duration.ofMinutes(30));
        say("editor-bot is updated too; then a day of normal traffic on v2");
        for (int hour = 0; hour < 25; hour++) {
            http.call("GET", "/articles/" + hour, v2.token(), NIGHTLY_IP, NIGHTLY);
            http.call("POST", "/articles", v2.token(), EDITOR_IP, EDITOR);
            http.call("GET", "/articles/" + (hour + 100), v2.token(), EDITOR_IP, EDITOR);
            clock.advance(Duration.ofHours(1));
        }
        status = keys.rotation().status(v1.id());
        printStatus(status);
        CompletionResult done = keys.rotation().complete(v1.id(), "alice@acme");
        say("completeRotation → %s: v1 is revoked for good (record and history kept)", done.outcome());
        Http.Response refused = call(http, "a forgotten cron job", "GET", "/articles/42", v1, "10.1.0.77", "cron/1.0");
        say("WWW-Authenticate: %s", refused.challenge());
        return new String[] {v1.id(), v2.id()};
    }

    // --------------------------------------------------------------------------------- emergency

    private void emergency(KeyManager keys, Http http, String v2Id) {
        section("3. Day 61: v2 leaks — revoke first, replace, then audit");
        ApiKey v2 = keys.get(v2Id).orElseThrow();
        say("'%s' was pasted into a public gist; someone uses it from %s", v2.name(), ATTACKER_IP);
        // the attacker's hour: a burst of reads and a few attempts at the admin API
        String token = tokenOf(v2Id);
        for (int i = 0; i < 60; i++) {
            http.call("GET", "/articles/" + i, token, ATTACKER_IP, ATTACKER);
        }
        for (int i = 0; i < 5; i++) {
            http.call("DELETE", "/admin/users/" + i, token, ATTACKER_IP, ATTACKER);
        }
        say("(60 reads and 5 DELETE /admin/users/… from %s in one hour; the 5 got 403)", ATTACKER_IP);
        clock.advance(Duration.ofMinutes(20));

        EmergencyRotation er = keys.rotation().emergencyRotate(v2Id, "token posted in a public gist", "security@acme");
        say("emergencyRotate → v2 %s and marked compromised, before anything else", er.revocation().outcome());
        say("replacement issued: '%s' (id %s), same scopes and tier", er.replacement().name(), er.replacement().id());
        tokens.put(er.replacement().id(), er.successor().orElseThrow().token());
        UsageAudit week = er.audit().orElseThrow();
        say("the audit returned with it covers the last 7 days: %d requests, %d refused for scope, baseline %.1f/hour",
                week.totalRequests(), week.refusedForScope(), week.baselinePerHour());
        printHours(week);
        // The same audit over the last hours: addresses are compared with the key's earlier history.
        UsageAudit recent = keys.rotation().usageAudit(v2Id, clock.instant().minus(Duration.ofHours(2)), clock.instant().plusSeconds(60));
        say("usageAudit(v2, last 2 hours): who used it, compared with everything the key saw before");
        printAddresses(recent);

        clock.advance(Duration.ofMinutes(5));
        say("the attacker keeps trying, and nightly-sync has not been updated yet:");
        for (int i = 0; i < 3; i++) {
            http.call("GET", "/articles/" + i, token, ATTACKER_IP, ATTACKER);
        }
        call(http, "nightly-sync", "GET", "/articles/42", v2, NIGHTLY_IP, NIGHTLY);
        keys.flush();
        UsageAudit later = keys.rotation().usageAudit(v2Id, clock.instant().minus(Duration.ofHours(2)), clock.instant().plusSeconds(60));
        say("who is still using the revoked key (usageAudit after the revocation):");
        Table t = Table.of("client", "address", "requests", "last seen");
        for (UsageAudit.LateUse u : later.afterRevocation()) {
            t.row(u.client(), u.clientIp(), u.requests(), WHEN.format(u.lastSeen()));
        }
        t.print(out);
        call(http, "nightly-sync, updated", "GET", "/articles/42", er.replacement(), NIGHTLY_IP, NIGHTLY);
    }

    // ------------------------------------------------------------------------------------ policy

    private void policy(KeyManager keys) {
        clock.set(Instant.parse("2026-03-02T09:00:00Z").plus(Duration.ofDays(100)));
        section("4. Day 100: what is due, and is every production key younger than 90 days?");
        Table due = Table.of("key", "risk class", "due", "urgency", "why");
        for (RotationDue d : keys.rotationDue(clock.instant()).entries()) {
            due.row(d.key().name(), d.riskClass(), WHEN.format(d.dueAt()), d.urgency(), d.reason());
        }
        say("rotationDue(now), warning 14 days ahead:");
        due.print(out);
        ComplianceReport report = keys.rotation().complianceReport(Duration.ofDays(90), KeyQuery.all().withEnvironment("production"));
        say("complianceReport(90 days, environment=production): %s — %d keys checked, %d failing",
                report.compliant() ? "compliant" : "NOT compliant", report.keysChecked(), report.failing().size());
        Table findings = Table.of("key", "owner", "age", "risk class", "issues");
        for (ComplianceReport.Finding f : report.findings()) {
            findings.row(f.key().name(), f.owner(), f.age().toDays() + " days", f.riskClass(), f.issues());
        }
        findings.print(out);
        for (ComplianceReport.Finding f : report.failing()) {
            for (String r : f.recommendations()) {
                say("'%s': %s", f.key().name(), r);
            }
        }
    }

    // ------------------------------------------------------------------------------------ reopen

    private void reopen(String url, String v1Id, String v2Id) {
        section("5. Close everything, reopen the database file");
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "sa", "");
        try (KeyManager keys = KeyManager.builder().store(JdbiKeyStore.builder(pool).build()).clock(clock)
                .keyPrefix("kb_live").usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build()) {
            Table t = Table.of("key", "id", "status", "created", "last used", "revoked because");
            for (ApiKey k : keys.list("acme")) {
                t.row(k.name(), k.id(), k.status() + (k.compromised() ? " (compromised)" : ""), WHEN.format(k.createdAt()),
                        k.lastUsedAt().map(WHEN::format).orElse("never"),
                        k.revocation().map(r -> r.reason() + " — " + r.actor()).orElse(""));
            }
            t.print(out);
            say("v1 still answers %s after the restart; its history:", answer(keys.verify(tokenOf(v1Id))));
            Table h = Table.of("when", "event", "by", "detail");
            for (KeyEvent e : keys.history(v1Id)) {
                h.row(WHEN.format(e.at()), e.type(), e.actor(), e.detail().length() > 90 ? e.detail().substring(0, 89) + "…" : e.detail());
            }
            h.print(out);
            say("and the leaked v2 answers %s", answer(keys.verify(tokenOf(v2Id))));
        } finally {
            pool.dispose();
        }
        out.println();
        out.println("Done. Every step above is a library call; see README.md for the code of each.");
    }

    // ----------------------------------------------------------------------------------- helpers

    private final java.util.Map<String, String> tokens = new java.util.HashMap<>();

    private String tokenOf(String keyId) {
        return tokens.get(keyId);
    }

    private Http.Response call(Http http, String who, String method, String path, Object key, String ip, String agent) {
        String token = null;
        String label = "no key";
        if (key instanceof IssuedKey k) {
            tokens.put(k.id(), k.token());
            token = k.token();
            label = shortName(k.key());
        } else if (key instanceof ApiKey k) {
            token = tokenOf(k.id());
            label = shortName(k);
        }
        Http.Response r = http.call(method, path, token, ip, agent);
        say("%-22s %-6s %-16s with %-8s → %d", who, method, path, label, r.status());
        return r;
    }

    private static String shortName(ApiKey key) {
        String n = key.name();
        int v = n.lastIndexOf(" v");
        return v > 0 && n.substring(v + 2).chars().allMatch(Character::isDigit) ? n.substring(v + 1) : "v1";
    }

    private void printStatus(RotationStatus s) {
        say("rotationStatus(v1): %s, old key quiet for %s (needs %s), safe to revoke: %s", s.state(),
                human(s.oldKeyQuietFor()), human(s.quietPeriod()), s.safeToRevoke() ? "yes" : "no");
        Table t = Table.of("client on the old key", "requests", "last seen on v1", "moved to v2");
        for (RotationStatus.ClientMigration c : s.clients()) {
            t.row(c.client(), c.requestsOnOldKey(), WHEN.format(c.lastSeenOnOldKey()),
                    c.firstSeenOnSuccessor().map(at -> "yes, " + WHEN.format(at)).orElse("NO  ← the consumer you missed"));
        }
        t.print(out);
    }

    private void printHours(UsageAudit a) {
        Table hours = Table.of("hour", "requests", "");
        java.util.List<UsageAudit.HourlyVolume> last = a.hourly().subList(Math.max(0, a.hourly().size() - 5), a.hourly().size());
        for (UsageAudit.HourlyVolume h : last) {
            boolean spike = a.spikes().stream().anyMatch(s -> s.hour().equals(h.hour()));
            hours.row(WHEN.format(h.hour()), h.requests(), spike ? "← SPIKE (over " + (int) UsageAudit.SPIKE_FACTOR + "× the baseline)" : "");
        }
        say("(last 5 of %d hours with traffic)", a.hourly().size());
        hours.print(out);
    }

    private void printAddresses(UsageAudit a) {
        Table ips = Table.of("client address", "requests", "first seen", "last seen", "user agents", "");
        for (UsageAudit.ClientIpUsage ip : a.clientIps()) {
            ips.row(ip.clientIp(), ip.requests(), WHEN.format(ip.firstSeen()), WHEN.format(ip.lastSeen()),
                    String.join(", ", ip.userAgents()), ip.newInWindow() ? "← NEW: never used this key before" : "");
        }
        ips.print(out);
        Table eps = Table.of("endpoint", "requests", "refused for scope (403)");
        for (UsageAudit.EndpointUsage e : a.endpoints()) {
            eps.row(e.method() + " " + e.endpoint(), e.requests(), e.refusedForScope());
        }
        eps.print(out);
    }

    private static String answer(dev.keyvault.VerificationResult r) {
        return r instanceof dev.keyvault.VerificationResult.Rejected rej ? rej.reason().toString() : "VERIFIED";
    }

    private static String human(Duration d) {
        if (d.toHours() >= 1) {
            return d.toHours() + " h";
        }
        return d.toMinutes() + " min";
    }

    private static String masked(String token) {
        return token.substring(0, token.length() - 38) + "…" + " (" + token.length() + " characters)";
    }

    private void section(String title) {
        out.println();
        out.println("── " + title + " " + "─".repeat(Math.max(3, 96 - title.length())));
    }

    private void say(String format, Object... args) {
        out.println("  " + String.format(format, args));
    }

    private static void recreate(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(dir);
    }
}
