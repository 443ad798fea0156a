package dev.keyvault.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyvault.ApiKey;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyEventType;
import dev.keyvault.KeyManager;
import dev.keyvault.KeyQuery;
import dev.keyvault.KeySpec;
import dev.keyvault.KeyStatus;
import dev.keyvault.KeyStoreException;
import dev.keyvault.contract.StoreHarness;
import dev.keyvault.rotation.ComplianceReport.Finding;
import dev.keyvault.rotation.ComplianceReport.Issue;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Policy over many keys: the rotation-due events, the compliance report ("every production key
 * rotated within 90 days", proven from the store), and bulk revocation by owner or tag.
 */
public abstract class PolicyContract extends RotationFixture {

    protected PolicyContract(StoreHarness harness) {
        super(harness);
    }

    private IssuedKey issueAt(Instant at, String owner, String name, String environment, String... scopes) {
        clock.set(at);
        return keys.issue(KeySpec.builder(owner, name).scopes(scopes).environment(environment).build());
    }

    @Test
    void whenKeysComeDueThenTheListenerHearsOfEachWithItsRiskClass() {
        Instant t0 = clock.instant();
        IssuedKey admin = issueAt(t0, "acme", "Admin", "production", "*");
        IssuedKey reader = issueAt(t0, "acme", "Reader", "production", "kb:read");
        clock.set(t0.plus(Duration.ofDays(80)));

        RotationDueReport due = keys.rotationDue(clock.instant());
        assertThat(due.entries()).extracting(d -> d.key().id(), RotationDue::riskClass)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(admin.id(), RiskClass.FULL_ACCESS));
        // a warning, not a deadline: the report says so without the caller filtering by urgency
        assertThat(due.upcoming()).hasSize(1);
        assertThat(due.due()).isEmpty();
        assertThat(due.overdue()).isEmpty();
        assertThat(due.actionRequired()).isFalse();
        // the guide's advice for a full-access key, as the compliance report gives it
        assertThat(due.upcoming().get(0).advice()).contains(RotationDue.FULL_ACCESS_ADVICE);
        assertThat(due.upcoming().get(0).reason()).contains("replace it by keys with narrower scopes");
        assertThat(events.calls("rotationDue")).containsExactly("rotationDue " + admin.id() + " UPCOMING");
        assertThat(reader.key().isActive()).isTrue();

        clock.set(t0.plus(Duration.ofDays(92)));
        RotationDueReport later = keys.rotationDue(clock.instant());
        assertThat(later.overdue()).extracting(d -> d.key().id()).containsExactly(admin.id());
        assertThat(later.actionRequired()).isTrue();
    }

    @Test
    void whenProductionKeysAreOlderThanTheMaximumAgeThenTheReportListsThemWithOwnerAgeAndRiskClass() {
        Instant t0 = clock.instant();
        IssuedKey old = issueAt(t0, "acme", "Old reader", "production", "kb:read");
        IssuedKey staging = issueAt(t0, "acme", "Staging writer", "staging", "kb:write");
        IssuedKey god = issueAt(t0.plus(Duration.ofDays(90)), "globex", "Ops", "production", "*");
        IssuedKey fresh = issueAt(t0.plus(Duration.ofDays(95)), "acme", "Fresh writer", "production", "kb:write");
        IssuedKey revoked = issueAt(t0, "acme", "Retired", "production", "kb:read");
        keys.revoke(revoked.id(), "retired", "ops");
        clock.set(t0.plus(Duration.ofDays(100)));
        KeyQuery production = KeyQuery.all().withEnvironment("production");

        ComplianceReport report = keys.rotation().complianceReport(Duration.ofDays(90), production);
        assertThat(report.compliant()).isFalse();
        assertThat(report.keysChecked()).isEqualTo(3);
        assertThat(report.failing()).singleElement().satisfies(f -> {
            assertThat(f.key().id()).isEqualTo(old.id());
            assertThat(f.owner()).isEqualTo("acme");
            assertThat(f.age()).isEqualTo(Duration.ofDays(100));
            assertThat(f.riskClass()).isEqualTo(RiskClass.READ_ONLY);
            assertThat(f.issues()).containsExactly(Issue.TOO_OLD);
            assertThat(f.rotationInProgress()).isEmpty();
            assertThat(f.recommendations()).singleElement().satisfies(r -> assertThat(r).contains("100d").contains("rotate it"));
        });
        assertThat(report.with(Issue.FULL_ACCESS)).singleElement().satisfies(f -> {
            assertThat(f.key().id()).isEqualTo(god.id());
            assertThat(f.owner()).isEqualTo("globex");
            assertThat(f.riskClass()).isEqualTo(RiskClass.FULL_ACCESS);
            assertThat(f.recommendations()).singleElement().satisfies(r -> assertThat(r).contains("narrower keys"));
        });
        assertThat(report.findings()).extracting(f -> f.key().id()).doesNotContain(fresh.id(), staging.id(), revoked.id());

        // Rotating the old key: in progress until the old key is revoked; then the store proves compliance.
        IssuedKey next = keys.rotate(old.id());
        assertThat(keys.rotation().complianceReport(Duration.ofDays(90), production).failing()).singleElement()
                .satisfies(f -> assertThat(f.rotationInProgress()).contains(next.id()));
        keys.recordUsage(next.id(), event(Client.ip("192.0.2.1"), "GET", "/kb", 200));
        clock.advance(Duration.ofDays(1));
        keys.rotation().complete(old.id(), "ops");
        ComplianceReport after = keys.rotation().complianceReport(Duration.ofDays(90), production);
        assertThat(after.compliant()).isTrue();
        assertThat(after.findings()).extracting(f -> f.key().id()).containsExactly(god.id());
        ApiKey successor = stored(next.id());
        assertThat(successor.createdAt()).isEqualTo(t0.plus(Duration.ofDays(100)));
        assertThat(successor.predecessorId()).contains(old.id());
        assertThat(historyOf(old.id(), KeyEventType.ROTATED)).singleElement()
                .satisfies(e -> assertThat(e.at()).isEqualTo(successor.createdAt()));
    }

    /** A key issued without an environment must not fall silently outside a report filtered by one. */
    @Test
    void whenKeysWereIssuedWithoutAnEnvironmentThenAnEnvironmentReportListsThemAsUnassigned() {
        IssuedKey prod = issueAt(clock.instant(), "acme", "Prod", "production", "kb:read");
        IssuedKey unassigned = keys.issue(KeySpec.builder("acme", "Forgot the environment").scopes("kb:write").build());
        IssuedKey otherOwner = keys.issue(KeySpec.builder("globex", "Also unassigned").build());
        IssuedKey revoked = keys.issue(KeySpec.builder("acme", "Gone").build());
        keys.revoke(revoked.id(), "unused", "ops");

        ComplianceReport acme = keys.rotation().complianceReport(Duration.ofDays(90),
                KeyQuery.all().withOwner("acme").withEnvironment("production"));
        assertThat(acme.keysChecked()).isEqualTo(1);
        assertThat(acme.withoutEnvironment()).extracting(k -> k.id()).containsExactly(unassigned.id());
        assertThat(unassigned.key().environment()).isEqualTo(KeySpec.NO_ENVIRONMENT);

        ComplianceReport all = keys.rotation().complianceReport(Duration.ofDays(90), KeyQuery.all().withEnvironment("production"));
        assertThat(all.withoutEnvironment()).extracting(k -> k.id()).containsExactlyInAnyOrder(unassigned.id(), otherOwner.id());
        assertThat(keys.rotation().complianceReport(Duration.ofDays(90), KeyQuery.all()).withoutEnvironment())
                .as("no environment asked for: nothing falls outside").isEmpty();
        assertThat(prod.key().environment()).isEqualTo("production");
    }

    @Test
    void whenAKeyIsCompromisedButActiveOrExpiredThenTheReportSaysSo() {
        Instant t0 = clock.instant();
        IssuedKey expiring = keys.issue(KeySpec.builder("acme", "Expiring").expiresAt(t0.plus(Duration.ofDays(1))).build());
        IssuedKey leaked = issue("Leaked", "kb:read");
        keys.rotation().emergencyRotate(leaked.id(), "leak", "sec");
        clock.set(t0.plus(Duration.ofDays(2)));
        ComplianceReport report = keys.rotation().complianceReport(Duration.ofDays(90), KeyQuery.all());
        assertThat(report.findings()).isEmpty();
        assertThat(report.keysChecked()).as("the expired key and the revoked leaked key are not judged").isEqualTo(1);
        assertThat(expiring.key().isActive()).isTrue();

        assertThatThrownBy(() -> keys.rotation().complianceReport(Duration.ofDays(90), KeyQuery.all().withStatus(KeyStatus.REVOKED)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys.rotation().complianceReport(Duration.ZERO, KeyQuery.all())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys.rotation().complianceReport(Duration.ofDays(1), null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void whenRevokingAllOfAnOwnerThenADryRunListsAndTheRealRunRevokesEachAndReports() {
        IssuedKey b = issue("B", "kb:write");
        clock.advance(Duration.ofMinutes(1));
        IssuedKey a = issue("A", "kb:read");
        IssuedKey gone = issue("Gone", "kb:read");
        keys.revoke(gone.id(), "earlier", "ops");
        IssuedKey other = keys.issue(KeySpec.builder("globex", "G").build());

        RevokeAllResult dry = keys.rotation().revokeAll(RevokeSelector.owner("acme"), "account closed", "alice", true);
        assertThat(dry.dryRun()).isTrue();
        assertThat(dry.entries()).extracting(e -> e.key().id(), RevokeAllResult.Entry::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple(b.id(), RevokeAllResult.Outcome.WOULD_REVOKE),
                org.assertj.core.groups.Tuple.tuple(a.id(), RevokeAllResult.Outcome.WOULD_REVOKE));
        assertThat(keys.verify(a.token()).isVerified()).isTrue();
        assertThat(events.calls("revoked")).hasSize(1);

        RevokeAllResult real = keys.rotation().revokeAll(RevokeSelector.owner("acme"), "account closed", "alice", false);
        assertThat(real.revokedCount()).isEqualTo(2);
        assertThat(keys.verify(a.token()).isVerified()).isFalse();
        assertThat(keys.verify(b.token()).isVerified()).isFalse();
        assertThat(keys.verify(other.token()).isVerified()).isTrue();
        assertThat(stored(a.id()).revocation()).hasValueSatisfying(r -> {
            assertThat(r.reason()).isEqualTo("account closed");
            assertThat(r.actor()).isEqualTo("alice");
        });
        assertThat(keys.rotation().revokeAll(RevokeSelector.owner("acme"), "account closed", "alice", false).entries())
                .as("a rerun finds nothing left").isEmpty();
    }

    @Test
    void whenRevokingAllByTagAndEnvironmentThenOnlyThoseAreRevoked() {
        IssuedKey prod = keys.issue(KeySpec.builder("acme", "P").tags("team:sync").environment("production").build());
        IssuedKey stage = keys.issue(KeySpec.builder("acme", "S").tags("team:sync").environment("staging").build());
        IssuedKey untagged = keys.issue(KeySpec.builder("acme", "U").environment("production").build());

        RevokeAllResult r = keys.rotation().revokeAll(RevokeSelector.tag("team:sync").withEnvironment("production"), "team left", "ops", false);
        assertThat(r.with(RevokeAllResult.Outcome.REVOKED)).extracting(e -> e.key().id()).containsExactly(prod.id());
        assertThat(stored(stage.id()).isActive()).isTrue();
        assertThat(stored(untagged.id()).isActive()).isTrue();

        assertThatThrownBy(() -> new RevokeSelector(Optional.empty(), Optional.empty(), Optional.of("production")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("owner or by tag");
        assertThatThrownBy(() -> keys.rotation().revokeAll(RevokeSelector.owner("acme"), " ", "ops", true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void whenTheStoreFailsForOneKeyThenTheOthersAreStillRevokedAndTheFailureIsReported() {
        FaultInjectingKeyStore faulty = new FaultInjectingKeyStore(store);
        KeyManager node = track(node(faulty).build());
        IssuedKey a = node.issue(KeySpec.builder("acme", "A").build());
        IssuedKey b = node.issue(KeySpec.builder("acme", "B").build());
        IssuedKey c = node.issue(KeySpec.builder("acme", "C").build());
        faulty.failOnce("revoke", id -> id.equals(b.id()), () -> new KeyStoreException("revoke", new RuntimeException("deadlock")));

        RevokeAllResult r = node.rotation().revokeAll(RevokeSelector.owner("acme"), "offboarding", "ops", false);
        assertThat(r.with(RevokeAllResult.Outcome.REVOKED)).extracting(e -> e.key().id()).containsExactlyInAnyOrder(a.id(), c.id());
        assertThat(r.with(RevokeAllResult.Outcome.FAILED)).singleElement().satisfies(e -> {
            assertThat(e.key().id()).isEqualTo(b.id());
            assertThat(e.failure()).isPresent();
        });
        assertThat(node.rotation().revokeAll(RevokeSelector.owner("acme"), "offboarding", "ops", false).revokedCount()).isEqualTo(1);
    }

    @Test
    void whenAFindingIsBuiltThenItsIssuesAreImmutable() {
        IssuedKey k = issue("K", "*");
        ComplianceReport report = keys.rotation().complianceReport(Duration.ofDays(1), KeyQuery.all());
        Finding f = report.findings().get(0);
        assertThat(f.key().id()).isEqualTo(k.id());
        assertThatThrownBy(() -> f.issues().add(Issue.TOO_OLD)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> report.findings().clear()).isInstanceOf(UnsupportedOperationException.class);
    }
}
