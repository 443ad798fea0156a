package dev.keyvault.rotation;

import static dev.keyvault.KeyEventType.EXPIRY_CHANGED;
import static dev.keyvault.KeyEventType.ISSUED;
import static dev.keyvault.KeyEventType.REVOKED;
import static dev.keyvault.KeyEventType.ROTATED;
import static dev.keyvault.KeyEventType.ROTATION_COMPLETED;
import static dev.keyvault.KeyEventType.SECRET_DELIVERED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyvault.ApiKey;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyEventType;
import dev.keyvault.KeyManager;
import dev.keyvault.KeyQuery;
import dev.keyvault.KeySpec;
import dev.keyvault.KeyStatus;
import dev.keyvault.KeyStoreException;
import dev.keyvault.VerificationResult.Verified;
import dev.keyvault.VerificationResult;
import dev.keyvault.contract.StoreHarness;
import dev.keyvault.rotation.AutoRotationResult.Outcome;
import dev.keyvault.sink.PropertiesFileSecretsSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The {@link AutoRotator} with a failure injected at every step — a probe that fails, a sink that
 * throws, and a crash (the process dying) between any two steps — and a rerun after each, checking
 * the invariants every time: never two active successors, never the old key retired before the sink
 * had the new token, never a secret lost (the sink always ends with a token that verifies).
 */
public abstract class AutoRotatorContract extends RotationFixture {
    static final Client PROBE = Client.labelled("10.9.9.9", "rotation-probe");
    static final Duration STALE = Duration.ofMinutes(15);

    protected FaultInjectingKeyStore faulty;
    protected RecordingSink sink;
    protected KeyManager node;
    /** What the probe does before its real request; replaced by tests that make it fail. */
    protected Consumer<IssuedKey> probeHook;
    protected boolean probeAnswer;

    protected AutoRotatorContract(StoreHarness harness) {
        super(harness);
    }

    @BeforeEach
    void createRotatorParts() {
        faulty = new FaultInjectingKeyStore(store);
        sink = new RecordingSink(store);
        node = track(node(faulty).build());
        probeHook = issued -> {};
        probeAnswer = true;
    }

    /** The probe makes a real request with the new token through the host simulation. */
    protected boolean probe(KeyManager through, IssuedKey issued) {
        probeHook.accept(issued);
        return request(through, issued.token(), PROBE, "GET", "/health", 200).isVerified() && probeAnswer;
    }

    protected AutoRotator rotator(KeyManager through, Duration overlap) {
        return AutoRotator.builder(through, sink).probe(issued -> probe(through, issued)).overlap(overlap).build();
    }

    /** A process restart: a new manager (empty caches and buffers) and a new rotator on the same store and sink. */
    protected AutoRotator restart(Duration overlap) {
        node = track(node(faulty).build());
        return rotator(node, overlap);
    }

    /** A key due for rotation: read-only keys are due after 365 days. */
    protected IssuedKey dueKey(String name) {
        IssuedKey key = node.issue(KeySpec.builder("acme", name).scopes("kb:read").environment("production").build());
        clock.advance(Duration.ofDays(400));
        return key;
    }

    protected List<ApiKey> activeSuccessors(String oldId) {
        return successorsOf(oldId).stream().filter(ApiKey::isActive).toList();
    }

    protected boolean delivered(String keyId) {
        return keys.history(keyId).stream().anyMatch(e -> e.type() == SECRET_DELIVERED);
    }

    /** What must hold whatever happened, even right after a crash. */
    protected void assertInvariants(IssuedKey old) {
        List<ApiKey> active = activeSuccessors(old.id());
        assertThat(active).as("never two active successors").hasSizeLessThanOrEqualTo(1);
        assertThat(sink.deliveries()).as("every delivery happened while the old key was still active")
                .allMatch(RecordingSink.Delivery::replacedWasActive);
        ApiKey now = stored(old.id());
        boolean retired = !now.isActive() || now.expiresAt().isPresent();
        if (retired) {
            assertThat(active).as("a retired old key has a delivered successor").singleElement()
                    .satisfies(s -> assertThat(delivered(s.id())).isTrue());
            assertSinkHoldsWorkingTokenOf(now, active.get(0));
        }
    }

    protected void assertSinkHoldsWorkingTokenOf(ApiKey old, ApiKey successor) {
        String token = sink.current(old).orElseThrow();
        KeyManager fresh = track(node(store).build());
        VerificationResult r = fresh.verify(token);
        assertThat(r).isInstanceOf(Verified.class);
        assertThat(((Verified) r).key().id()).isEqualTo(successor.id());
    }

    // ------------------------------------------------------------------------------- happy paths

    @Test
    void whenAKeyIsDueThenItIsReplacedProbedDeliveredAndRevoked() {
        IssuedKey old = dueKey("Sync");
        IssuedKey fresh = node.issue(KeySpec.builder("acme", "Fresh").scopes("kb:read").build());

        List<AutoRotationResult> results = rotator(node, Duration.ZERO).runOnce();
        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.keyId()).isEqualTo(old.id());
            assertThat(r.outcome()).isEqualTo(Outcome.ROTATED);
            assertThat(r.oldKeyUntouched()).isFalse();
            assertThat(r.steps()).anySatisfy(s -> assertThat(s).startsWith("issued successor"))
                    .contains("probe passed", "delivered to test vault").last().asString().startsWith("revoked the old key");
        });
        ApiKey successor = results.get(0).successor().orElseThrow();
        assertThat(node.verify(old.token()).isVerified()).isFalse();
        assertSinkHoldsWorkingTokenOf(stored(old.id()), successor);
        assertThat(historyTypes(old.id())).containsExactly(ISSUED, ROTATED, REVOKED, ROTATION_COMPLETED);
        assertThat(historyTypes(successor.id())).containsExactly(ISSUED, SECRET_DELIVERED);
        assertThat(keys.history(successor.id()).get(1).actor()).isEqualTo("auto-rotator");
        assertThat(stored(successor.id()).lastUsedAt()).as("the probe made a real, recorded request").isEmpty();
        node.flush();
        assertThat(stored(successor.id()).lastUsedAt()).isPresent();
        assertThat(stored(fresh.id()).successorId()).as("a key that is not due is left alone").isEmpty();
        assertThat(results.get(0).toString()).doesNotContain(sink.current(stored(old.id())).orElseThrow());
        assertInvariants(old);
    }

    @Test
    void whenAnOverlapIsConfiguredThenTheOldKeyLivesUntilTheWindowEndsAndTheNextRunRevokesIt() {
        IssuedKey old = dueKey("Sync");
        Instant deliveredAt = clock.instant();
        AutoRotator rotator = rotator(node, Duration.ofHours(24));

        AutoRotationResult r = rotator.runOnce().get(0);
        assertThat(r.outcome()).isEqualTo(Outcome.WINDOW_OPEN);
        assertThat(r.oldKeyExpiresAt()).contains(deliveredAt.plus(Duration.ofHours(24)));
        assertThat(stored(old.id()).expiresAt()).contains(deliveredAt.plus(Duration.ofHours(24)));
        assertThat(node.verify(old.token()).isVerified()).isTrue();
        assertThat(historyTypes(old.id())).containsExactly(ISSUED, ROTATED, EXPIRY_CHANGED);
        assertInvariants(old);

        clock.advance(Duration.ofHours(12));
        assertThat(rotator.runOnce()).singleElement().satisfies(again -> assertThat(again.outcome()).isEqualTo(Outcome.WINDOW_OPEN));
        assertThat(successorsOf(old.id())).hasSize(1);

        clock.advance(Duration.ofHours(12));
        assertThat(node.verify(old.token()).isVerified()).isFalse();
        AutoRotationResult done = rotator.runOnce().get(0);
        assertThat(done.outcome()).isEqualTo(Outcome.ROTATED);
        assertThat(done.steps()).last().asString().contains("window").contains("ended");
        assertThat(stored(old.id()).status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(rotator.runOnce()).isEmpty();
        assertInvariants(old);
    }

    @Test
    void whenASupervisorSeesTheOldKeyQuietThenItClosesTheAutomatedWindowEarly() {
        IssuedKey old = dueKey("Sync");
        rotator(node, Duration.ofDays(3)).runOnce();
        node.flush(); // the probe's request is the successor's first use
        clock.advance(Duration.ofHours(25));

        RotationSupervisor.Report report = RotationSupervisor.builder(node).build().runOnce();
        assertThat(report.completed()).singleElement().satisfies(c -> assertThat(c.predecessorId()).isEqualTo(old.id()));
        assertThat(stored(old.id()).isActive()).isFalse();
        assertInvariants(old);
    }

    @Test
    void whenTheSinkIsAPropertiesFileThenTheFileHoldsAWorkingTokenUnderTheLineageName(@TempDir Path dir) throws IOException {
        IssuedKey old = dueKey("Sync");
        Path file = dir.resolve("keys.properties");
        PropertiesFileSecretsSink fileSink = PropertiesFileSecretsSink.of(file);
        AutoRotator rotator = AutoRotator.builder(node, fileSink).overlap(Duration.ZERO).actor("nightly-job").build();

        AutoRotationResult r = rotator.rotate(old.id());
        assertThat(r.outcome()).isEqualTo(Outcome.ROTATED);
        Properties props = new Properties();
        try (var in = Files.newBufferedReader(file)) {
            props.load(in);
        }
        String token = props.getProperty("acme.Sync");
        assertThat(node.verify(token).keyId()).contains(r.successor().orElseThrow().id());
        assertThat(historyOf(r.successor().get().id(), SECRET_DELIVERED)).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("nightly-job");
            assertThat(e.detail()).contains("properties file keys.properties");
        });

        clock.advance(Duration.ofDays(400));
        AutoRotationResult second = rotator.rotate(r.successor().get().id());
        assertThat(second.successor().orElseThrow().name()).isEqualTo("Sync v3");
        assertThat(fileSink.read(second.successor().get())).hasValueSatisfying(t ->
                assertThat(node.verify(t).keyId()).contains(second.successor().get().id()));
    }

    // ----------------------------------------------------------------------- failures, with rerun

    @Test
    void whenTheProbeFailsThenTheNewKeyIsRevokedTheOldIsUntouchedAndARerunSucceeds() {
        IssuedKey old = dueKey("Sync");
        probeAnswer = false;
        AutoRotator rotator = rotator(node, Duration.ZERO);

        AutoRotationResult failed = rotator.runOnce().get(0);
        assertThat(failed.outcome()).isEqualTo(Outcome.PROBE_FAILED);
        assertThat(failed.oldKeyUntouched()).isTrue();
        assertThat(failed.steps()).contains("probe failed: the probe answered false");
        assertThat(failed.message()).contains("the old key is untouched");
        ApiKey rejected = failed.successor().orElseThrow();
        assertThat(stored(rejected.id()).status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(stored(rejected.id()).revocation().orElseThrow().reason()).contains("probe failed");
        assertUntouched(old);
        assertThat(sink.deliveries()).isEmpty();
        assertInvariants(old);

        probeAnswer = true;
        AutoRotationResult ok = rotator.runOnce().get(0);
        assertThat(ok.outcome()).isEqualTo(Outcome.ROTATED);
        assertThat(successorsOf(old.id())).hasSize(2);
        assertThat(activeSuccessors(old.id())).extracting(ApiKey::id).containsExactly(ok.successor().orElseThrow().id());
        assertInvariants(old);
    }

    @Test
    void whenTheProbeThrowsWithTheTokenInItsMessageThenTheTokenIsNotStoredAnywhere() {
        IssuedKey old = dueKey("Sync");
        String[] seen = new String[1];
        probeHook = issued -> {
            seen[0] = issued.token();
            throw new IllegalStateException("GET /health with Bearer " + issued.token() + " returned 502\u202E");
        };

        AutoRotationResult failed = rotator(node, Duration.ZERO).runOnce().get(0);
        assertThat(failed.outcome()).isEqualTo(Outcome.PROBE_FAILED);
        String reason = stored(failed.successor().orElseThrow().id()).revocation().orElseThrow().reason();
        assertThat(reason).contains("IllegalStateException").contains("returned 502").doesNotContain(seen[0])
                .contains(failed.successor().get().hint());
        assertThat(failed.message()).doesNotContain(seen[0]);
        for (ApiKey k : keys.list("acme")) {
            assertThat(keys.history(k.id())).extracting(KeyEvent::detail).noneMatch(d -> d.contains(seen[0]));
        }
        assertUntouched(old);
    }

    @Test
    void whenTheSinkThrowsThenTheNewKeyIsRevokedTheOldIsUntouchedAndARerunSucceeds() {
        IssuedKey old = dueKey("Sync");
        sink.failNext(() -> new IOException("vault sealed"));
        AutoRotator rotator = rotator(node, Duration.ZERO);

        AutoRotationResult failed = rotator.runOnce().get(0);
        assertThat(failed.outcome()).isEqualTo(Outcome.SINK_FAILED);
        assertThat(failed.steps()).contains("secrets sink test vault failed: IOException: vault sealed");
        assertThat(stored(failed.successor().orElseThrow().id()).status()).isEqualTo(KeyStatus.REVOKED);
        assertUntouched(old);
        assertInvariants(old);

        AutoRotationResult ok = rotator.runOnce().get(0);
        assertThat(ok.outcome()).isEqualTo(Outcome.ROTATED);
        assertThat(sink.deliveries()).hasSize(1);
        assertInvariants(old);
    }

    @Test
    void whenTheStoreFailsForOneKeyThenItIsReportedAndTheOthersAreRotated() {
        IssuedKey first = dueKey("A");
        IssuedKey second = node.issue(KeySpec.builder("acme", "B").scopes("kb:read").build());
        clock.advance(Duration.ofDays(400));
        faulty.failOnce("insertSuccessor", id -> id.equals(first.id()), () -> new KeyStoreException("insertSuccessor", "connection reset"));

        List<AutoRotationResult> results = rotator(node, Duration.ZERO).runOnce();
        assertThat(results).extracting(AutoRotationResult::keyId, AutoRotationResult::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple(first.id(), Outcome.FAILED),
                org.assertj.core.groups.Tuple.tuple(second.id(), Outcome.ROTATED));
        assertThat(results.get(0).message()).contains("next run resumes");
        assertUntouched(first);
        assertThat(rotator(node, Duration.ZERO).runOnce()).singleElement()
                .satisfies(r -> assertThat(r.outcome()).isEqualTo(Outcome.ROTATED));
        assertInvariants(first);
        assertInvariants(second);
    }

    /** Where the process dies. */
    enum CrashPoint {
        /** The store's rotation step: nothing was issued. */
        ISSUING,
        /** The successor exists; the probe is running. */
        PROBING,
        /** The sink dies before storing the token. */
        DELIVERING,
        /** The sink stored the token and the process died before it returned. */
        AFTER_DELIVERY,
        /** The sink returned; writing the delivery receipt dies. */
        RECEIPT,
        /** The receipt is written; revoking the old key dies. */
        REVOKING_OLD,
        /** The old key is revoked; writing ROTATION_COMPLETED dies. */
        COMPLETION_ENTRY
    }

    @ParameterizedTest
    @EnumSource(CrashPoint.class)
    void whenTheProcessDiesBetweenAnyTwoStepsThenRerunningResumesWithoutBreakingAnInvariant(CrashPoint point) {
        IssuedKey old = dueKey("Sync");
        SimulatedCrash crash = new SimulatedCrash(point.name());
        switch (point) {
            case ISSUING -> faulty.failOnce("insertSuccessor", id -> id.equals(old.id()), () -> crash);
            case PROBING -> probeHook = issued -> {
                throw crash;
            };
            case DELIVERING -> sink.failNext(() -> crash);
            case AFTER_DELIVERY -> sink.failNextAfterStoring(() -> crash);
            case RECEIPT -> faulty.failOnce("appendEvent", e -> ((KeyEvent) e).type() == SECRET_DELIVERED, () -> crash);
            case REVOKING_OLD -> faulty.failOnce("revoke", id -> id.equals(old.id()), () -> crash);
            case COMPLETION_ENTRY -> faulty.failOnce("appendEvent", e -> ((KeyEvent) e).type() == ROTATION_COMPLETED, () -> crash);
        }

        AutoRotator doomed = rotator(node, Duration.ZERO);
        assertThatThrownBy(doomed::runOnce).isSameAs(crash);
        probeHook = issued -> {};
        assertInvariants(old);
        if (point != CrashPoint.COMPLETION_ENTRY) {
            assertThat(stored(old.id()).isActive()).as("the old key outlives a crash before its revocation").isTrue();
            assertThat(node.verify(old.token()).isVerified()).isTrue();
        }

        clock.advance(STALE);
        List<AutoRotationResult> rerun = restart(Duration.ZERO).runOnce();
        assertInvariants(old);
        if (point == CrashPoint.COMPLETION_ENTRY) {
            assertThat(rerun).as("the rotation was done; only its closing entry is missing").isEmpty();
        } else {
            assertThat(rerun).singleElement().satisfies(r -> assertThat(r.outcome()).isEqualTo(Outcome.ROTATED));
        }
        assertThat(stored(old.id()).status()).isEqualTo(KeyStatus.REVOKED);
        ApiKey successor = activeSuccessors(old.id()).get(0);
        assertSinkHoldsWorkingTokenOf(stored(old.id()), successor);

        int expectedSuccessors = switch (point) {
            case ISSUING, REVOKING_OLD, COMPLETION_ENTRY -> 1; // nothing undelivered was left behind
            case PROBING, DELIVERING, AFTER_DELIVERY, RECEIPT -> 2; // the undelivered one was revoked and replaced
        };
        assertThat(successorsOf(old.id())).hasSize(expectedSuccessors);
        if (expectedSuccessors == 2) {
            ApiKey abandoned = successorsOf(old.id()).stream().filter(k -> !k.isActive()).findFirst().orElseThrow();
            assertThat(abandoned.revocation().orElseThrow().reason()).contains("interrupted");
            assertThat(rerun.get(0).steps().get(0)).startsWith("revoked successor " + abandoned.id());
        }
        assertThat(restart(Duration.ZERO).runOnce()).as("a third run finds nothing to do").isEmpty();
    }

    @Test
    void whenTheProcessDiesWhileOpeningTheWindowThenTheRerunOpensItFromTheDeliveryTime() {
        IssuedKey old = dueKey("Sync");
        Instant deliveredAt = clock.instant();
        SimulatedCrash crash = new SimulatedCrash("shortenExpiry");
        faulty.failOnce("shortenExpiry", id -> id.equals(old.id()), () -> crash);
        assertThatThrownBy(rotator(node, Duration.ofHours(24))::runOnce).isSameAs(crash);
        assertUntouched(old);
        assertInvariants(old);

        clock.advance(Duration.ofHours(1));
        AutoRotationResult r = restart(Duration.ofHours(24)).runOnce().get(0);
        assertThat(r.outcome()).isEqualTo(Outcome.WINDOW_OPEN);
        assertThat(r.oldKeyExpiresAt()).contains(deliveredAt.plus(Duration.ofHours(24)));
        assertThat(r.steps().get(0)).startsWith("resumed");
        assertThat(successorsOf(old.id())).hasSize(1);
        assertInvariants(old);

        clock.advance(Duration.ofHours(23));
        assertThat(restart(Duration.ofHours(24)).runOnce()).singleElement()
                .satisfies(done -> assertThat(done.outcome()).isEqualTo(Outcome.ROTATED));
        assertInvariants(old);
    }

    @Test
    void whenAnUndeliveredSuccessorIsYoungThenARerunLeavesItToTheRunThatMayStillBeDeliveringIt() {
        IssuedKey old = dueKey("Sync");
        SimulatedCrash crash = new SimulatedCrash("probe");
        probeHook = issued -> {
            throw crash;
        };
        assertThatThrownBy(rotator(node, Duration.ZERO)::runOnce).isSameAs(crash);
        probeHook = issued -> {};

        clock.advance(Duration.ofMinutes(5));
        assertThat(restart(Duration.ZERO).runOnce()).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(Outcome.SKIPPED);
            assertThat(r.message()).contains("in flight");
        });
        assertThat(activeSuccessors(old.id())).hasSize(1);
        assertThat(sink.deliveries()).isEmpty();

        AutoRotator single = AutoRotator.builder(node, sink).probe(i -> probe(node, i)).overlap(Duration.ZERO)
                .staleAfter(Duration.ZERO).build();
        assertThat(single.rotate(old.id()).outcome()).isEqualTo(Outcome.ROTATED);
        assertInvariants(old);
    }

    @Test
    void whenTheSecretWasNotDeliveredThenNeitherTheSupervisorNorAPersonCompletesTheRotation() {
        IssuedKey old = dueKey("Sync");
        SimulatedCrash crash = new SimulatedCrash("sink");
        sink.failNext(() -> crash);
        assertThatThrownBy(rotator(node, Duration.ZERO)::runOnce).isSameAs(crash);
        node.flush(); // the probe used the successor; the old key is quiet from here on
        clock.advance(Duration.ofDays(2));

        RotationSupervisor.Report report = RotationSupervisor.builder(node).build().runOnce();
        assertThat(report.completed()).isEmpty();
        assertThat(report.stillOpen()).extracting(s -> s.predecessor().id()).containsExactly(old.id());
        CompletionResult byHand = node.rotation().complete(old.id(), "alice");
        assertThat(byHand.outcome()).isEqualTo(CompletionResult.Outcome.REFUSED);
        assertThat(byHand.reasons()).singleElement().satisfies(s -> assertThat(s).contains("not been delivered"));
        assertThat(node.rotation().forceComplete(old.id(), "I insist", "alice").outcome()).isEqualTo(CompletionResult.Outcome.REFUSED);
        assertUntouched(old);

        assertThat(restart(Duration.ZERO).runOnce()).singleElement()
                .satisfies(r -> assertThat(r.outcome()).isEqualTo(Outcome.ROTATED));
        assertInvariants(old);
    }

    @Test
    void whenARotationWasStartedByHandThenTheRotatorLeavesItAlone() {
        IssuedKey old = dueKey("Sync");
        IssuedKey manual = node.rotate(old.id());

        AutoRotationResult r = rotator(node, Duration.ZERO).runOnce().get(0);
        assertThat(r.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(r.message()).contains("started by hand").contains(manual.id());
        assertThat(stored(manual.id()).isActive()).isTrue();
        assertThat(stored(old.id()).isActive()).isTrue();
        assertThat(sink.deliveries()).isEmpty();
    }

    @Test
    void whenFilteredThenOnlyMatchingDueKeysAreRotatedAndAGivenKeyIsRotatedEvenIfNotDue() {
        IssuedKey prod = node.issue(KeySpec.builder("acme", "Prod").scopes("kb:read").environment("production").build());
        IssuedKey staging = node.issue(KeySpec.builder("acme", "Staging").scopes("kb:read").environment("staging").build());
        clock.advance(Duration.ofDays(400));
        IssuedKey young = node.issue(KeySpec.builder("acme", "Young").scopes("kb:read").environment("production").build());
        AutoRotator rotator = AutoRotator.builder(node, sink).overlap(Duration.ZERO)
                .filter(KeyQuery.all().withEnvironment("production")).build();

        assertThat(rotator.runOnce()).extracting(AutoRotationResult::keyId).containsExactly(prod.id());
        assertThat(stored(staging.id()).successorId()).isEmpty();
        assertThat(rotator.rotate(young.id()).outcome()).isEqualTo(Outcome.ROTATED);
        assertThat(rotator.rotate(young.id()).outcome()).as("a revoked key has nothing left to rotate").isEqualTo(Outcome.SKIPPED);
    }

    @Test
    void whenTheRotatorIsMisconfiguredThenTheBuilderSaysSo() {
        assertThatThrownBy(() -> AutoRotator.builder(node, sink).overlap(Duration.ofHours(1)).overlap(Duration.ZERO))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> AutoRotator.builder(node, sink).overlap(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AutoRotator.builder(node, sink).staleAfter(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AutoRotator.builder(node, sink).filter(KeyQuery.all().withStatus(KeyStatus.REVOKED)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AutoRotator.builder(node, sink).actor(" x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AutoRotator.builder(node, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> AutoRotator.builder(node, sink).probe(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> AutoRotator.builder(node, sink).build().rotate("AAAAAAAAAAAA"))
                .isInstanceOf(dev.keyvault.UnknownKeyException.class);
    }

    private void assertUntouched(IssuedKey old) {
        ApiKey now = stored(old.id());
        assertThat(now.status()).isEqualTo(KeyStatus.ACTIVE);
        assertThat(now.expiresAt()).isEqualTo(old.key().expiresAt());
        assertThat(keys.history(old.id())).extracting(KeyEvent::type)
                .allMatch(t -> t == ISSUED || t == ROTATED || t == KeyEventType.NOTE);
        assertThat(node.verify(old.token()).isVerified()).isTrue();
    }
}
