package dev.keyvault.rotation;

import static dev.keyvault.KeyEventType.EXPIRY_CHANGED;
import static dev.keyvault.KeyEventType.ISSUED;
import static dev.keyvault.KeyEventType.NOTE;
import static dev.keyvault.KeyEventType.REVOKED;
import static dev.keyvault.KeyEventType.ROTATED;
import static dev.keyvault.KeyEventType.ROTATION_COMPLETED;
import static dev.keyvault.KeyEventType.ROTATION_SAFE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.keyvault.IssuedKey;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyManager;
import dev.keyvault.KeyQuery;
import dev.keyvault.KeyStateException;
import dev.keyvault.KeyStatus;
import dev.keyvault.RejectionReason;
import dev.keyvault.RotateOptions;
import dev.keyvault.UnknownKeyException;
import dev.keyvault.VerificationResult.Rejected;
import dev.keyvault.VerificationResult;
import dev.keyvault.contract.StoreHarness;
import dev.keyvault.rotation.RotationStatus.ClientMigration;
import dev.keyvault.rotation.RotationStatus.State;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The rotation guide's standard flow — generate, update consumers, verify, revoke — as library calls,
 * step by step, with the consumer that gets missed and how keyvault finds it; and the
 * {@link RotationSupervisor} that closes windows without a person watching them.
 */
public abstract class StandardRotationContract extends RotationFixture {
    static final Client WEB = Client.labelled("10.0.0.1", "web-app");
    static final Client NIGHTLY = Client.agent("10.0.0.7", "sync-cron/2.1");
    static final Client WEEKLY = Client.agent("10.0.0.9", "weekly-report/1.0");

    protected StandardRotationContract(StoreHarness harness) {
        super(harness);
    }

    @Test
    void whenGuideIsFollowedStepByStepThenMissedConsumersAreFoundAndTheWindowClosesSafely() {
        IssuedKey old = issue("KB Sync — Production", "kb:read", "kb:write");
        request(old.token(), WEB, "/articles/**");
        request(old.token(), NIGHTLY, "/sync");
        request(old.token(), WEEKLY, "/reports");
        clock.advance(Duration.ofHours(1));

        // 1. Generate: the successor, with a 7-day hard deadline for the old key.
        Instant rotatedAt = clock.instant();
        IssuedKey next = keys.rotate(old.id(), RotateOptions.defaults()
                .withOverlapUntil(rotatedAt.plus(Duration.ofDays(7))).withActor("alice").withReason("yearly rotation"));
        assertThat(next.key().name()).isEqualTo("KB Sync — Production v2");
        assertThat(keys.verify(old.token()).isVerified()).isTrue();
        assertThat(keys.verify(next.token()).isVerified()).isTrue();
        assertThat(stored(old.id()).expiresAt()).contains(rotatedAt.plus(Duration.ofDays(7)));
        assertThat(historyTypes(old.id())).containsExactly(ISSUED, ROTATED, EXPIRY_CHANGED);
        assertThat(events.calls()).contains("rotated " + old.id() + " " + next.id());

        RotationStatus fresh = keys.rotation().status(old.id());
        assertThat(fresh.state()).isEqualTo(State.OPEN);
        assertThat(fresh.clients()).isEmpty();
        assertThat(fresh.successorUsed()).isFalse();
        assertThat(fresh.safeToRevoke()).isFalse();
        assertThat(fresh.deadline()).contains(rotatedAt.plus(Duration.ofDays(7)));
        assertThat(fresh.rotatedAt()).isEqualTo(rotatedAt);

        // 2. Update consumers: the web app moves; the nightly job is forgotten.
        clock.advance(Duration.ofMinutes(10));
        request(old.token(), WEB, "/articles/**");
        clock.advance(Duration.ofMinutes(5));
        request(next.token(), WEB, "/articles/**");
        clock.advance(Duration.ofHours(6));
        Instant nightlyRun = clock.instant();
        assertThat(request(old.token(), NIGHTLY, "/sync").isVerified()).isTrue();

        // 3. Verify: the status names the consumer that was missed, and completing is refused.
        clock.advance(Duration.ofHours(1));
        RotationStatus status = keys.rotation().status(old.id());
        assertThat(status.state()).isEqualTo(State.OPEN);
        assertThat(status.successorUsed()).isTrue();
        assertThat(status.safeToRevoke()).isFalse();
        assertThat(status.clients()).extracting(ClientMigration::client, ClientMigration::migrated)
                .containsExactly(tuple("10.0.0.7 (sync-cron/2.1)", false), tuple("web-app", true));
        ClientMigration missed = status.notMigrated().get(0);
        assertThat(missed.clientIps()).containsExactly("10.0.0.7");
        assertThat(missed.requestsOnOldKey()).isEqualTo(1);
        assertThat(missed.lastSeenOnOldKey()).isEqualTo(nightlyRun);
        assertThat(status.oldKeyQuietFor()).isEqualTo(Duration.ofHours(1));
        assertThat(status.predecessorLastUsedAt()).contains(nightlyRun);
        assertThat(status.successorLastUsedAt()).contains(rotatedAt.plus(Duration.ofMinutes(15)));

        CompletionResult refused = keys.rotation().complete(old.id(), "alice");
        assertThat(refused.outcome()).isEqualTo(CompletionResult.Outcome.REFUSED);
        assertThat(refused.isRevoked()).isFalse();
        assertThat(refused.blockingClients()).extracting(ClientMigration::client)
                .containsExactly("10.0.0.7 (sync-cron/2.1)", "web-app");
        assertThat(refused.reasons()).anySatisfy(r -> assertThat(r).contains("not yet on the successor: 10.0.0.7 (sync-cron/2.1)"));
        assertThat(refused.reasons()).anySatisfy(r -> assertThat(r).contains("quiet for 1h only"));
        assertThat(keys.verify(old.token()).isVerified()).isTrue();
        assertThat(keys.history(old.id())).last().satisfies(e -> {
            assertThat(e.type()).isEqualTo(NOTE);
            assertThat(e.actor()).isEqualTo("alice");
            assertThat(e.detail()).startsWith("completeRotation refused").contains("10.0.0.7 (sync-cron/2.1)");
        });

        // The team fixes the nightly job; its next run uses the new key. Not quiet long enough yet.
        clock.set(nightlyRun.plus(Duration.ofHours(23)));
        request(next.token(), NIGHTLY, "/sync");
        RotationStatus almost = keys.rotation().status(old.id());
        assertThat(almost.notMigrated()).isEmpty();
        assertThat(almost.state()).isEqualTo(State.OPEN);
        assertThat(keys.rotation().complete(old.id(), "alice").reasons())
                .singleElement().satisfies(r -> assertThat(r).contains("quiet for 23h only"));

        // 4. Revoke, once safe.
        clock.advance(Duration.ofHours(1));
        RotationStatus safe = keys.rotation().status(old.id());
        assertThat(safe.state()).isEqualTo(State.SAFE_TO_COMPLETE);
        assertThat(safe.safeToRevoke()).isTrue();
        assertThat(safe.blockingClients()).isEmpty();
        CompletionResult done = keys.rotation().complete(old.id(), "alice");
        assertThat(done.outcome()).isEqualTo(CompletionResult.Outcome.COMPLETED);
        assertThat(done.reasons()).isEmpty();
        assertThat(keys.verify(old.token())).isEqualTo(new Rejected(RejectionReason.REVOKED, Optional.of(old.id())));
        assertThat(keys.verify(next.token()).isVerified()).isTrue();
        assertThat(historyTypes(old.id())).endsWith(ROTATION_SAFE, REVOKED, ROTATION_COMPLETED);
        assertThat(events.calls("windowSafe")).containsExactly("windowSafe " + old.id() + " " + next.id());
        int historySize = keys.history(old.id()).size();
        assertThat(keys.rotation().complete(old.id(), "alice").outcome()).isEqualTo(CompletionResult.Outcome.ALREADY_COMPLETED);
        assertThat(keys.history(old.id())).hasSize(historySize);

        // The weekly report was missed entirely: it had not run since the rotation, so no status
        // could name it. Its next run gets a 401...
        clock.advance(Duration.ofDays(3));
        Instant weeklyRun = clock.instant();
        VerificationResult answer = request(old.token(), WEEKLY, "/reports");
        assertThat(answer).isEqualTo(new Rejected(RejectionReason.REVOKED, Optional.of(old.id())));
        assertThat(events.calls("usedAfterRevoke")).containsExactly("usedAfterRevoke " + old.id() + " 10.0.0.9 401");

        // ...and is found through the rotation status...
        RotationStatus after = keys.rotation().status(old.id());
        assertThat(after.state()).isEqualTo(State.COMPLETED);
        assertThat(after.safeToRevoke()).isFalse();
        assertThat(after.notMigrated()).singleElement().satisfies(c -> {
            assertThat(c.client()).isEqualTo("10.0.0.9 (weekly-report/1.0)");
            assertThat(c.requestsAfterRevocation()).isEqualTo(1);
        });

        // ...and in the old key's audit, with the 401 it got.
        UsageAudit audit = keys.rotation().usageAudit(old.id(), rotatedAt, clock.instant().plus(Duration.ofMinutes(1)));
        assertThat(audit.afterRevocation()).singleElement().satisfies(late -> {
            assertThat(late.client()).isEqualTo("10.0.0.9 (weekly-report/1.0)");
            assertThat(late.clientIp()).isEqualTo("10.0.0.9");
            assertThat(late.requests()).isEqualTo(1);
            assertThat(late.firstSeen()).isEqualTo(weeklyRun);
            assertThat(late.endpoints()).containsExactly("/reports");
        });
        assertThat(audit.endpoints()).filteredOn(e -> e.endpoint().equals("/reports"))
                .singleElement().satisfies(e -> assertThat(e.unauthorized()).isEqualTo(1));
    }

    @Test
    void whenSupervisorRunsThenItClosesSafeWindowsOnceAndEnforcesDeadlines() {
        IssuedKey a = issue("Billing export", "billing:read");
        IssuedKey b = issue("Search indexer", "search:read");
        IssuedKey c = issue("Mailer", "mail:send");
        IssuedKey a2 = keys.rotate(a.id());
        IssuedKey b2 = keys.rotate(b.id(), RotateOptions.defaults().withOverlapUntil(clock.instant().plus(Duration.ofDays(2))));
        IssuedKey c2 = keys.rotate(c.id());
        request(a2.token(), WEB, "/export");
        request(b.token(), NIGHTLY, "/index");
        request(c2.token(), WEB, "/mail");
        RotationSupervisor supervisor = RotationSupervisor.builder(keys).build();

        RotationSupervisor.Report first = supervisor.runOnce();
        assertThat(first.completed()).isEmpty();
        assertThat(first.windowsChecked()).isEqualTo(3);
        assertThat(first.stillOpen()).extracting(s -> s.predecessor().id()).containsExactlyInAnyOrder(a.id(), b.id(), c.id());

        clock.advance(Duration.ofHours(24).plusMinutes(1));
        request(c.token(), NIGHTLY, "/mail"); // c's old key is used again: not quiet
        RotationSupervisor.Report second = supervisor.runOnce();
        assertThat(second.completed()).singleElement().satisfies(r -> {
            assertThat(r.predecessorId()).isEqualTo(a.id());
            assertThat(r.outcome()).isEqualTo(CompletionResult.Outcome.COMPLETED);
        });
        assertThat(second.stillOpen()).extracting(s -> s.predecessor().id()).containsExactlyInAnyOrder(b.id(), c.id());
        assertThat(events.calls("windowSafe")).containsExactly("windowSafe " + a.id() + " " + a2.id());
        assertThat(stored(a.id()).status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(historyOf(a.id(), ROTATION_SAFE)).singleElement()
                .satisfies(e -> assertThat(e.actor()).isEqualTo("rotation-supervisor"));
        assertThat(historyTypes(a.id())).endsWith(ROTATION_SAFE, REVOKED, ROTATION_COMPLETED);

        clock.advance(Duration.ofDays(1)); // past b's deadline; its successor was never used
        request(c.token(), NIGHTLY, "/mail");
        assertThat(keys.verify(b.token())).isEqualTo(new Rejected(RejectionReason.EXPIRED, Optional.of(b.id())));
        RotationSupervisor.Report third = supervisor.runOnce();
        assertThat(third.completed()).singleElement().satisfies(r -> {
            assertThat(r.predecessorId()).isEqualTo(b.id());
            assertThat(r.status().state()).isEqualTo(State.DEADLINE_PASSED);
        });
        assertThat(stored(b.id()).revocation()).hasValueSatisfying(r -> assertThat(r.reason()).contains("deadline"));
        assertThat(keys.verify(b.token())).isEqualTo(new Rejected(RejectionReason.REVOKED, Optional.of(b.id())));
        assertThat(events.calls("windowSafe")).hasSize(1);
        assertThat(b2.key().isActive()).isTrue();

        RotationSupervisor.Report fourth = supervisor.runOnce();
        assertThat(fourth.completed()).isEmpty();
        assertThat(fourth.windowsChecked()).isEqualTo(1);
        assertThat(fourth.stillOpen()).extracting(s -> s.predecessor().id()).containsExactly(c.id());
        assertThat(historyOf(c.id(), NOTE)).as("the supervisor does not repeat refusals in the history").isEmpty();
    }

    @Test
    void whenUsageIsNotFlushedOnAnotherNodeThenStatusReflectsTheLastFlush() {
        IssuedKey old = issue("Sync", "kb:read");
        IssuedKey next = keys.rotate(old.id());
        request(next.token(), WEB, "/articles/**");
        KeyManager other = track(node(store).build());
        clock.advance(Duration.ofHours(25));
        request(other, old.token(), NIGHTLY, "GET", "/sync", 200);

        assertThat(keys.rotation().status(old.id()).state())
                .as("the other node's request is still in its buffer").isEqualTo(State.SAFE_TO_COMPLETE);
        other.flush();
        RotationStatus status = keys.rotation().status(old.id());
        assertThat(status.state()).isEqualTo(State.OPEN);
        assertThat(status.notMigrated()).extracting(ClientMigration::client).containsExactly("10.0.0.7 (sync-cron/2.1)");
    }

    @Test
    void whenRequestsWereBufferedOnThisNodeThenStatusFlushesThemFirst() {
        IssuedKey old = issue("Sync", "kb:read");
        IssuedKey next = keys.rotate(old.id());
        keys.recordUsage(next.id(), event(WEB, "GET", "/articles/**", 200));
        assertThat(keys.stats().unflushedRequests()).isEqualTo(1);

        assertThat(keys.rotation().status(old.id()).successorUsed()).isTrue();
        assertThat(keys.stats().unflushedRequests()).isZero();
    }

    @Test
    void whenQuietPeriodIsConfiguredThenTheWindowIsSafeAfterIt() {
        KeyManager quick = track(node(store).rotationQuietPeriod(Duration.ofHours(1)).build());
        assertThat(quick.rotation().quietPeriod()).isEqualTo(Duration.ofHours(1));
        assertThat(keys.rotation().quietPeriod()).isEqualTo(Duration.ofHours(24));
        IssuedKey old = quick.issue(dev.keyvault.KeySpec.builder("acme", "Sync").build());
        IssuedKey next = quick.rotate(old.id());
        request(quick, old.token(), NIGHTLY, "GET", "/sync", 200);
        request(quick, next.token(), NIGHTLY, "GET", "/sync", 200);

        clock.advance(Duration.ofMinutes(59));
        assertThat(quick.rotation().status(old.id()).state()).isEqualTo(State.OPEN);
        clock.advance(Duration.ofMinutes(1));
        assertThat(quick.rotation().status(old.id()).state()).isEqualTo(State.SAFE_TO_COMPLETE);
        assertThat(quick.rotation().complete(old.id(), "ops").outcome()).isEqualTo(CompletionResult.Outcome.COMPLETED);

        assertThatThrownBy(() -> KeyManager.builder().rotationQuietPeriod(Duration.ofHours(1)).rotationQuietPeriod(Duration.ofHours(2)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> KeyManager.builder().rotationQuietPeriod(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyManager.builder().rotationQuietPeriod(null)).isInstanceOf(NullPointerException.class);
    }

    /**
     * The old key's requests were dropped (the buffer was full) on this node or on another: the old
     * key is still not quiet until a whole quiet period after the last dropped request, because a
     * dropped request moves the key's last use all the same.
     */
    @Test
    void whenTheOldKeysUsageWasDroppedThenItIsNotQuietUntilAQuietPeriodAfterTheLastDrop() {
        IssuedKey old = issue("Sync", "kb:read");
        IssuedKey next = keys.rotate(old.id());
        KeyManager full = track(node(store).maxBufferedRollups(1).build());
        request(keys, next.token(), NIGHTLY, "GET", "/sync", 200);
        keys.flush();
        request(full, next.token(), WEB, "GET", "/sync", 200);          // takes the only rollup of the other node
        clock.advance(Duration.ofHours(1));
        Instant dropped = clock.instant();
        request(full, old.token(), WEB, "GET", "/sync", 200);           // a missed consumer, dropped there
        assertThat(full.stats().droppedRequests()).isEqualTo(1);
        full.flush();

        clock.advance(Duration.ofHours(23).plusMinutes(1));              // 24 h after the rotation
        RotationStatus status = keys.rotation().status(old.id());
        assertThat(status.state()).isEqualTo(State.OPEN);
        assertThat(status.oldKeyQuietSince()).isEqualTo(dropped);
        assertThat(keys.rotation().complete(old.id(), "ops").outcome()).isEqualTo(CompletionResult.Outcome.REFUSED);

        clock.advance(Duration.ofMinutes(59));                           // 24 h after the dropped request
        assertThat(keys.rotation().status(old.id()).state()).isEqualTo(State.SAFE_TO_COMPLETE);
    }

    @Test
    void whenKeyWasNeverRotatedOrIsUnknownThenStatusAndCompletionSaySo() {
        IssuedKey lone = issue("Lone", "kb:read");
        assertThatThrownBy(() -> keys.rotation().status(lone.id())).isInstanceOf(KeyStateException.class)
                .hasMessageContaining("has not been rotated");
        assertThatThrownBy(() -> keys.rotation().complete(lone.id(), "ops")).isInstanceOf(KeyStateException.class);
        assertThatThrownBy(() -> keys.rotation().status("AAAAAAAAAAAA")).isInstanceOf(UnknownKeyException.class);
        assertThatThrownBy(() -> keys.rotation().complete("AAAAAAAAAAAA", "ops")).isInstanceOf(UnknownKeyException.class);
        assertThatThrownBy(() -> keys.rotation().status("not a key id")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys.rotation().complete(lone.id(), " ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void whenSupervisorRunsOnItsOwnThreadThenItClosesTheSafeWindow() throws InterruptedException {
        IssuedKey old = issue("Sync", "kb:read");
        IssuedKey next = keys.rotate(old.id());
        request(next.token(), WEB, "/articles/**");
        clock.advance(Duration.ofHours(25));
        CountDownLatch safe = new CountDownLatch(1);
        events.whenWindowSafe(safe::countDown);

        try (RotationSupervisor supervisor = RotationSupervisor.builder(keys).actor("ops-scheduler").build()) {
            supervisor.start(Duration.ofMillis(20));
            assertThat(safe.await(30, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(() -> supervisor.start(Duration.ofSeconds(1))).isInstanceOf(IllegalStateException.class);
        }
        assertThat(historyOf(old.id(), ROTATION_SAFE)).extracting(KeyEvent::actor).containsExactly("ops-scheduler");
    }

    @Test
    void whenSupervisorIsMisconfiguredOrItsManagerClosedThenItSaysSoWithoutThrowingFromRun() {
        assertThatThrownBy(() -> RotationSupervisor.builder(keys).actor("a").actor("b")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> RotationSupervisor.builder(keys).filter(KeyQuery.all().withStatus(KeyStatus.REVOKED)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RotationSupervisor.builder(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> RotationSupervisor.builder(keys).build().start(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);

        KeyManager closed = node(store).build();
        closed.close();
        RotationSupervisor supervisor = RotationSupervisor.builder(closed).build();
        assertThatThrownBy(supervisor::runOnce).isInstanceOf(IllegalStateException.class);
        supervisor.run(); // logged, not thrown: a scheduler would otherwise cancel it
    }

    @Test
    void whenSupervisorIsFilteredThenItLeavesOtherWindowsAlone() {
        IssuedKey prod = issue("Sync", "kb:read");
        IssuedKey staging = keys.issue(dev.keyvault.KeySpec.builder("acme", "Sync staging").environment("staging").build());
        request(keys.rotate(prod.id()).token(), WEB, "/a");
        request(keys.rotate(staging.id()).token(), WEB, "/a");
        clock.advance(Duration.ofDays(2));

        RotationSupervisor.Report report = RotationSupervisor.builder(keys)
                .filter(KeyQuery.all().withEnvironment("production")).build().runOnce();
        assertThat(report.completed()).extracting(CompletionResult::predecessorId).containsExactly(prod.id());
        assertThat(stored(staging.id()).isActive()).isTrue();
        assertThat(report.windowsChecked()).isEqualTo(1);
    }
}
