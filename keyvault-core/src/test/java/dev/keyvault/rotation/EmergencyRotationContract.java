package dev.keyvault.rotation;

import static dev.keyvault.KeyEventType.COMPROMISED;
import static dev.keyvault.KeyEventType.ISSUED;
import static dev.keyvault.KeyEventType.LEAK_REPORTED;
import static dev.keyvault.KeyEventType.REVOKED;
import static dev.keyvault.KeyEventType.ROTATED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyvault.ApiKey;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.KeyStatus;
import dev.keyvault.KeyStoreException;
import dev.keyvault.RejectionReason;
import dev.keyvault.RevocationResult;
import dev.keyvault.UnknownKeyException;
import dev.keyvault.UsageEvent;
import dev.keyvault.VerificationResult.Rejected;
import dev.keyvault.contract.StoreHarness;
import dev.keyvault.rotation.UsageAudit.ClientIpUsage;
import dev.keyvault.rotation.UsageAudit.HourlyVolume;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The guide's emergency flow: revoke first and accept the 401s, replace, then investigate the leaked
 * key's usage — with a new address and a volume spike planted in the usage for the audit to find.
 */
public abstract class EmergencyRotationContract extends RotationFixture {
    static final Client APP = Client.agent("198.51.100.10", "docs-app/3.2");
    static final Client ATTACKER = Client.agent("203.0.113.66", "python-requests/2.31");

    protected EmergencyRotationContract(StoreHarness harness) {
        super(harness);
    }

    @Test
    void whenAKeyLeaksThenItIsRevokedFirstReplacedAndTheAuditFindsTheNewIpAndTheSpike() {
        Instant t0 = clock.instant();
        IssuedKey leaked = keys.issue(KeySpec.builder("acme", "Docs search").scopes("docs:read").tier("gold")
                .environment("production").tags("team:docs").build());
        KeyManager other = track(node(store).build());

        // Two weeks of normal traffic: 10 requests an hour from the app.
        for (int h = 0; h < 14 * 24; h++) {
            clock.set(t0.plus(Duration.ofHours(h)).plusSeconds(300));
            for (int i = 0; i < 10; i++) {
                keys.recordUsage(leaked.id(), event(APP, "GET", "/docs/**", 200));
            }
        }
        // The leak: in one hour, 480 reads and 120 delete attempts (refused for scope) from a new address.
        Instant attackHour = t0.plus(Duration.ofDays(13)).plus(Duration.ofHours(3));
        for (int m = 0; m < 60; m++) {
            clock.set(attackHour.plus(Duration.ofMinutes(m)).plusSeconds(30));
            for (int i = 0; i < 10; i++) {
                keys.recordUsage(leaked.id(), event(ATTACKER, i < 8 ? "GET" : "DELETE", "/docs/**", i < 8 ? 200 : 403));
            }
        }
        Instant reportedAt = t0.plus(Duration.ofDays(14));
        clock.set(reportedAt);
        assertThat(other.verify(leaked.token()).isVerified()).isTrue(); // now cached on the other node
        events.clear();

        EmergencyRotation er = keys.rotation().emergencyRotate(leaked.id(), "token found in a public GitHub repository", "sec-oncall");

        // Revoked first, compromised, effective here at once and on the other node through the feed.
        assertThat(er.revocation().outcome()).isEqualTo(RevocationResult.Outcome.REVOKED);
        ApiKey old = stored(leaked.id());
        assertThat(old.status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(old.compromised()).isTrue();
        assertThat(old.revocation()).hasValueSatisfying(r -> {
            assertThat(r.reason()).isEqualTo("emergency: token found in a public GitHub repository");
            assertThat(r.actor()).isEqualTo("sec-oncall");
            assertThat(r.at()).isEqualTo(reportedAt);
        });
        assertThat(keys.verify(leaked.token())).isEqualTo(new Rejected(RejectionReason.REVOKED, Optional.of(leaked.id())));
        assertThat(other.verify(leaked.token()).isVerified()).as("until the other node reads the feed").isTrue();
        other.pollChangeFeed();
        assertThat(other.verify(leaked.token())).isEqualTo(new Rejected(RejectionReason.REVOKED, Optional.of(leaked.id())));
        IssuedKey successor = er.successor().orElseThrow();
        assertThat(events.calls()).containsExactly(
                "revoked " + leaked.id() + " compromised",
                "issued " + successor.id(),
                "rotated " + leaked.id() + " " + successor.id());
        assertThat(historyTypes(leaked.id())).containsExactly(ISSUED, REVOKED, COMPROMISED, ROTATED);

        // The replacement: same owner, scopes, tier, environment and tags; verifies everywhere.
        assertThat(er.existingSuccessor()).isEmpty();
        assertThat(successor.key().owner()).isEqualTo("acme");
        assertThat(successor.key().scopes()).containsExactly("docs:read");
        assertThat(successor.key().tier()).isEqualTo("gold");
        assertThat(successor.key().environment()).isEqualTo("production");
        assertThat(successor.key().tags()).containsExactly("team:docs");
        assertThat(successor.key().name()).isEqualTo("Docs search v2");
        assertThat(successor.key().predecessorId()).contains(leaked.id());
        assertThat(keys.verify(successor.token()).isVerified()).isTrue();
        assertThat(other.verify(successor.token()).isVerified()).isTrue();
        assertThat(er.toString()).doesNotContain(successor.token()).doesNotContain(successor.token().substring(17));

        // The audit of the last week before the report.
        UsageAudit audit = er.audit().orElseThrow();
        assertThat(er.auditFailure()).isEmpty();
        assertThat(audit.from()).isEqualTo(reportedAt.minus(Duration.ofDays(7)));
        assertThat(audit.totalRequests()).isEqualTo(7 * 24 * 10 + 600);
        assertThat(audit.newClientIps()).extracting(ClientIpUsage::clientIp).containsExactly("203.0.113.66");
        assertThat(audit.newClientIps().get(0)).satisfies(ip -> {
            assertThat(ip.requests()).isEqualTo(600);
            assertThat(ip.firstSeen()).isEqualTo(attackHour.plusSeconds(30));
            assertThat(ip.lastSeen()).isEqualTo(attackHour.plus(Duration.ofMinutes(59)).plusSeconds(30));
            assertThat(ip.userAgents()).containsExactly("python-requests/2.31");
        });
        assertThat(audit.clientIps()).extracting(ClientIpUsage::clientIp, ClientIpUsage::newInWindow)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("198.51.100.10", false),
                        org.assertj.core.groups.Tuple.tuple("203.0.113.66", true));
        assertThat(audit.baselinePerHour()).isEqualTo(10.0);
        assertThat(audit.spikes()).containsExactly(new HourlyVolume(attackHour, 610));
        assertThat(audit.refusedForScope()).isEqualTo(120);
        assertThat(audit.endpoints()).filteredOn(e -> e.method().equals("DELETE")).singleElement()
                .satisfies(e -> assertThat(e.refusedForScope()).isEqualTo(120));
        assertThat(audit.hourly()).hasSize(7 * 24);
        assertThat(audit.afterRevocation()).isEmpty();

        // The attacker keeps trying: 401, and the audit shows who is still using the key.
        clock.advance(Duration.ofMinutes(10));
        assertThat(request(keys, leaked.token(), ATTACKER, "GET", "/docs/**", 200).isVerified()).isFalse();
        assertThat(events.calls("usedAfterRevoke")).containsExactly("usedAfterRevoke " + leaked.id() + " 203.0.113.66 401");
        UsageAudit later = keys.rotation().usageAudit(leaked.id(), audit.from(), clock.instant().plus(Duration.ofMinutes(1)));
        assertThat(later.afterRevocation()).singleElement().satisfies(l -> {
            assertThat(l.clientIp()).isEqualTo("203.0.113.66");
            assertThat(l.client()).isEqualTo("203.0.113.66 (python-requests/2.31)");
            assertThat(l.requests()).isEqualTo(1);
        });
    }

    @Test
    void whenTheLeakedKeyWasAlreadyBeingRotatedThenItsSuccessorIsKeptNotTripled() {
        IssuedKey leaked = issue("Docs search", "docs:read");
        IssuedKey next = keys.rotate(leaked.id());

        EmergencyRotation er = keys.rotation().emergencyRotate(leaked.id(), "pasted in a support ticket", "sec-oncall");
        assertThat(er.successor()).isEmpty();
        assertThat(er.existingSuccessor()).map(ApiKey::id).contains(next.id());
        assertThat(er.replacement().id()).isEqualTo(next.id());
        assertThat(keys.verify(next.token()).isVerified()).isTrue();
        assertThat(keys.verify(leaked.token()).isVerified()).isFalse();
        assertThat(successorsOf(leaked.id())).hasSize(1);
    }

    @Test
    void whenEmergencyRotateIsRunAgainThenNothingMoreIsIssued() {
        IssuedKey leaked = issue("Docs search", "docs:read");
        EmergencyRotation first = keys.rotation().emergencyRotate(leaked.id(), "leaked", "sec-oncall");
        EmergencyRotation again = keys.rotation().emergencyRotate(leaked.id(), "leaked", "sec-oncall");

        assertThat(again.revocation().outcome()).isEqualTo(RevocationResult.Outcome.ALREADY_REVOKED);
        assertThat(again.successor()).isEmpty();
        assertThat(again.existingSuccessor()).map(ApiKey::id).contains(first.successor().orElseThrow().id());
        assertThat(successorsOf(leaked.id())).hasSize(1);
        assertThat(historyOf(leaked.id(), COMPROMISED)).as("a rerun does not repeat the history").hasSize(1);
        assertThat(historyOf(leaked.id(), REVOKED)).hasSize(1);
    }

    @Test
    void whenARevokedKeyIsLaterFoundLeakedThenItIsMarkedCompromisedAndReplaced() {
        IssuedKey leaked = issue("Docs search", "docs:read");
        keys.revoke(leaked.id(), "no longer needed", "bob");

        EmergencyRotation er = keys.rotation().emergencyRotate(leaked.id(), "found in a paste", "sec-oncall");
        assertThat(er.revocation().outcome()).isEqualTo(RevocationResult.Outcome.ALREADY_REVOKED);
        assertThat(stored(leaked.id()).compromised()).isTrue();
        assertThat(stored(leaked.id()).revocation()).hasValueSatisfying(r -> assertThat(r.reason()).isEqualTo("no longer needed"));
        assertThat(er.successor()).hasValueSatisfying(s -> assertThat(keys.verify(s.token()).isVerified()).isTrue());
        assertThat(historyOf(leaked.id(), COMPROMISED)).hasSize(1);
    }

    @Test
    void whenTheNextVersionNameIsTakenThenTheReplacementTakesTheOneAfter() {
        IssuedKey leaked = issue("Docs search", "docs:read");
        issue("Docs search v2", "docs:read");
        EmergencyRotation er = keys.rotation().emergencyRotate(leaked.id(), "leaked", "sec-oncall");
        assertThat(er.successor().orElseThrow().key().name()).isEqualTo("Docs search v3");
    }

    @Test
    void whenTheKeyIsUnknownThenNothingChanges() {
        assertThatThrownBy(() -> keys.rotation().emergencyRotate("AAAAAAAAAAAA", "leaked", "sec-oncall"))
                .isInstanceOf(UnknownKeyException.class);
        assertThat(keys.list("acme")).isEmpty();
        assertThatThrownBy(() -> keys.rotation().emergencyRotate("AAAAAAAAAAAA", " ", "sec-oncall")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void whenTheAuditCannotBeReadThenTheNewTokenIsStillReturned() {
        FaultInjectingKeyStore faulty = new FaultInjectingKeyStore(store);
        KeyManager node = track(node(faulty).build());
        IssuedKey leaked = node.issue(KeySpec.builder("acme", "Docs search").scopes("docs:read").build());
        faulty.failOnce("usage", id -> id.equals(leaked.id()), () -> new KeyStoreException("usage", new RuntimeException("timeout")));

        EmergencyRotation er = node.rotation().emergencyRotate(leaked.id(), "leaked", "sec-oncall");
        assertThat(faulty.fired()).isTrue();
        assertThat(er.audit()).isEmpty();
        assertThat(er.auditFailure()).hasValueSatisfying(f -> assertThat(f).contains("usageAudit"));
        assertThat(node.verify(er.successor().orElseThrow().token()).isVerified()).isTrue();
        assertThat(node.verify(leaked.token()).isVerified()).isFalse();
        assertThat(List.of(er.toString())).noneMatch(s -> s.contains(er.successor().get().token()));
    }

    // ------------------------------------------------------------------------------- leak reports

    static final String GIST = "https://gist.github.com/octocat/0123456789abcdef (GitHub secret scanning, source: gist)";

    @Test
    void whenALeakIsReportedThenTheKeyIsMarkedCompromisedRecordedAndLeftActiveForAPerson() {
        IssuedKey leaked = issue("Docs search", "docs:read");
        KeyManager other = track(node().build());
        assertThat(other.verify(leaked.token()).isVerified()).isTrue(); // cached on the other node
        events.clear();

        LeakReport report = keys.rotation().reportLeak(leaked.id(), GIST, "github-secret-scanning");

        assertThat(report.newReport()).isTrue();
        assertThat(report.newlyCompromised()).isTrue();
        assertThat(report.repeated()).isFalse();
        assertThat(report.key().compromised()).isTrue();
        assertThat(report.key().status()).isEqualTo(KeyStatus.ACTIVE);
        assertThat(stored(leaked.id()).compromised()).isTrue();
        assertThat(historyTypes(leaked.id())).containsExactly(ISSUED, LEAK_REPORTED, COMPROMISED);
        assertThat(historyOf(leaked.id(), LEAK_REPORTED)).singleElement().satisfies(e -> {
            assertThat(e.detail()).isEqualTo(GIST);
            assertThat(e.actor()).isEqualTo("github-secret-scanning");
            assertThat(e.at()).isEqualTo(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        });
        assertThat(events.calls()).containsExactly("leakReported " + leaked.id() + " " + GIST);
        // Still verifies (revoking is a person's decision), and is due for rotation now.
        assertThat(keys.verify(leaked.token()).isVerified()).isTrue();
        assertThat(keys.rotationDue(clock.instant()).entries()).filteredOn(d -> d.key().id().equals(leaked.id())).singleElement()
                .satisfies(d -> assertThat(d.riskClass()).isEqualTo(RiskClass.COMPROMISED));
        other.pollChangeFeed();
        assertThat(other.verify(leaked.token())).isInstanceOfSatisfying(dev.keyvault.VerificationResult.Verified.class,
                v -> assertThat(v.key().compromised()).as("the other node's snapshot is dropped").isTrue());
    }

    @Test
    void whenTheSameLeakIsReportedAgainThenNothingChangesAndAnotherPlaceIsAdded() {
        IssuedKey leaked = issue("Docs search", "docs:read");
        keys.rotation().reportLeak(leaked.id(), GIST, "github-secret-scanning");
        events.clear();

        LeakReport again = keys.rotation().reportLeak(leaked.id(), GIST, "github-secret-scanning");
        assertThat(again.repeated()).isTrue();
        assertThat(historyTypes(leaked.id())).containsExactly(ISSUED, LEAK_REPORTED, COMPROMISED);
        assertThat(events.calls()).isEmpty();

        String npm = "https://www.npmjs.com/package/left-pad/v/1.3.0 (GitHub secret scanning, source: npm)";
        LeakReport elsewhere = keys.rotation().reportLeak(leaked.id(), npm, "github-secret-scanning");
        assertThat(elsewhere.newReport()).isTrue();
        assertThat(elsewhere.newlyCompromised()).isFalse();
        assertThat(historyOf(leaked.id(), LEAK_REPORTED)).extracting(dev.keyvault.KeyEvent::detail).containsExactly(GIST, npm);
        assertThat(historyOf(leaked.id(), COMPROMISED)).hasSize(1);
        assertThat(events.calls()).containsExactly("leakReported " + leaked.id() + " " + npm);
    }

    @Test
    void whenOneLeakIsReportedToTwoNodesAtOnceThenItIsRecordedAndAnnouncedOnce() throws Exception {
        IssuedKey leaked = issue("Docs search", "docs:read");
        java.util.concurrent.atomic.AtomicInteger announced = new java.util.concurrent.atomic.AtomicInteger();
        KeyManager other = track(node().listener(new dev.keyvault.KeyEventListener() {
            @Override
            public void onLeakReported(ApiKey key, String where) {
                announced.incrementAndGet();
            }
        }).build());
        events.clear();
        int threads = 8;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        List<LeakReport> reports = new java.util.ArrayList<>();
        try {
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
            List<java.util.concurrent.Future<LeakReport>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < threads; i++) {
                KeyManager node = i % 2 == 0 ? keys : other; // GitHub delivering one alert twice, to two nodes
                futures.add(pool.submit(() -> {
                    start.await(10, java.util.concurrent.TimeUnit.SECONDS);
                    return node.rotation().reportLeak(leaked.id(), GIST, "github-secret-scanning");
                }));
            }
            for (java.util.concurrent.Future<LeakReport> f : futures) {
                reports.add(f.get(30, java.util.concurrent.TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(reports).filteredOn(LeakReport::newReport).hasSize(1);
        assertThat(reports).filteredOn(LeakReport::newlyCompromised).hasSize(1);
        assertThat(reports).allSatisfy(r -> assertThat(r.key().compromised()).isTrue());
        assertThat(historyOf(leaked.id(), LEAK_REPORTED)).hasSize(1);
        assertThat(historyOf(leaked.id(), COMPROMISED)).hasSize(1);
        assertThat(events.calls().size() + announced.get()).as("onLeakReported, over both nodes").isEqualTo(1);
    }

    @Test
    void whenARevokedKeyIsReportedThenItIsMarkedCompromisedAndStaysRevokedWithItsReason() {
        IssuedKey leaked = issue("Docs search", "docs:read");
        keys.revoke(leaked.id(), "leaked: " + GIST, "github-secret-scanning");

        LeakReport report = keys.rotation().reportLeak(leaked.id(), GIST, "github-secret-scanning");
        assertThat(report.newlyCompromised()).isTrue();
        assertThat(report.key().status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(stored(leaked.id()).revocation()).hasValueSatisfying(r -> assertThat(r.reason()).isEqualTo("leaked: " + GIST));
        assertThat(historyTypes(leaked.id())).containsExactly(ISSUED, REVOKED, LEAK_REPORTED, COMPROMISED);

        // The emergency rotation that follows does not mark it a second time.
        EmergencyRotation er = keys.rotation().emergencyRotate(leaked.id(), GIST, "github-secret-scanning");
        assertThat(er.successor()).isPresent();
        assertThat(historyOf(leaked.id(), COMPROMISED)).hasSize(1);
        assertThat(historyOf(leaked.id(), REVOKED)).hasSize(1);
    }

    @Test
    void whenALeakIsReportedForAnUnknownKeyOrWithBadArgumentsThenNothingIsWritten() {
        IssuedKey key = issue("Docs search", "docs:read");
        assertThatThrownBy(() -> keys.rotation().reportLeak("AAAAAAAAAAAA", GIST, "scanner")).isInstanceOf(UnknownKeyException.class);
        assertThatThrownBy(() -> keys.rotation().reportLeak("not an id", GIST, "scanner")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys.rotation().reportLeak(key.id(), " ", "scanner")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys.rotation().reportLeak(key.id(), "x\nInjected: y", "scanner"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys.rotation().reportLeak(key.id(), "x".repeat(1001), "scanner"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys.rotation().reportLeak(key.id(), GIST, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys.rotation().reportLeak(key.id(), null, "scanner")).isInstanceOf(NullPointerException.class);
        assertThat(historyTypes(key.id())).containsExactly(ISSUED);
        assertThat(stored(key.id()).compromised()).isFalse();
    }

    @Test
    void whenUsageIsRecordedDirectlyWithTheEventApiThenTheAuditSeesItWithoutAnExplicitFlush() {
        IssuedKey key = issue("Docs search", "docs:read");
        keys.recordUsage(key.id(), UsageEvent.of(clock.instant(), "GET", "/docs/**", "192.0.2.1", 200));
        UsageAudit audit = keys.rotation().usageAudit(key.id(), clock.instant().minus(Duration.ofHours(1)), clock.instant().plus(Duration.ofHours(1)));
        assertThat(audit.totalRequests()).isEqualTo(1);
    }
}
