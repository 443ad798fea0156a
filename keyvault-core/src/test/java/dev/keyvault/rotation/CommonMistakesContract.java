package dev.keyvault.rotation;

import static dev.keyvault.KeyEventType.NOTE;
import static dev.keyvault.KeyEventType.REVOKED;
import static dev.keyvault.KeyEventType.ROTATED;
import static dev.keyvault.KeyEventType.ROTATION_COMPLETED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyvault.DuplicateKeyException;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeySpec;
import dev.keyvault.KeyStateException;
import dev.keyvault.RejectionReason;
import dev.keyvault.RevocationResult;
import dev.keyvault.RotateOptions;
import dev.keyvault.VerificationResult.Rejected;
import dev.keyvault.contract.StoreHarness;
import dev.keyvault.rotation.RotationStatus.ClientMigration;
import dev.keyvault.rotation.RotationStatus.State;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The rotation guide's common mistakes, each prevented or flagged, and each leaving a trace in the
 * key's history.
 */
public abstract class CommonMistakesContract extends RotationFixture {
    static final Client APP = Client.labelled("10.1.0.1", "storefront");
    static final Client CRON = Client.agent("10.1.0.2", "cron/1.0");

    protected CommonMistakesContract(StoreHarness harness) {
        super(harness);
    }

    @Test
    void whenCompletingWhileTheOldKeyIsStillInUseThenItIsRefusedUnlessForcedAndForcingNamesWhoIsCutOff() {
        IssuedKey old = issue("Storefront", "shop:read");
        IssuedKey next = keys.rotate(old.id());
        request(next.token(), APP, "/products");
        request(old.token(), CRON, "/products");

        CompletionResult refused = keys.rotation().complete(old.id(), "bob");
        assertThat(refused.outcome()).isEqualTo(CompletionResult.Outcome.REFUSED);
        assertThat(refused.blockingClients()).extracting(ClientMigration::client).containsExactly("10.1.0.2 (cron/1.0)");
        assertThat(keys.verify(old.token()).isVerified()).isTrue();

        CompletionResult forced = keys.rotation().forceComplete(old.id(), "vendor contract ended today", "bob");
        assertThat(forced.outcome()).isEqualTo(CompletionResult.Outcome.FORCED);
        assertThat(forced.isRevoked()).isTrue();
        assertThat(forced.blockingClients()).extracting(ClientMigration::client).containsExactly("10.1.0.2 (cron/1.0)");
        assertThat(forced.reasons()).last().isEqualTo("forced by bob: vendor contract ended today");
        assertThat(keys.verify(old.token())).isEqualTo(new Rejected(RejectionReason.REVOKED, Optional.of(old.id())));
        assertThat(historyOf(old.id(), ROTATION_COMPLETED)).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("bob");
            assertThat(e.detail()).contains("forced by bob").contains("10.1.0.2 (cron/1.0)");
        });
        assertThat(stored(old.id()).revocation()).hasValueSatisfying(r ->
                assertThat(r.reason()).isEqualTo("rotation to " + next.id() + " force-completed: vendor contract ended today"));
    }

    @Test
    void whenPlainRevokeIsUsedMidRotationWhileTheKeyIsInUseThenItRevokesButTheHistoryFlagsIt() {
        IssuedKey old = issue("Storefront", "shop:read");
        IssuedKey next = keys.rotate(old.id());
        request(old.token(), CRON, "/products");
        keys.flush();

        RevocationResult r = keys.revoke(old.id(), "cleaning up", "bob");
        assertThat(r.outcome()).as("revoke stays the unconditional emergency primitive").isEqualTo(RevocationResult.Outcome.REVOKED);
        assertThat(historyOf(old.id(), NOTE)).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("bob");
            assertThat(e.detail()).contains("open rotation to " + next.id()).contains("without completing it")
                    .contains("10.1.0.2 (cron/1.0)").contains("401");
        });
    }

    /** The flag must see what this node has buffered too, not only what was flushed. */
    @Test
    void whenPlainRevokeIsUsedMidRotationWhileThisNodeHoldsUnflushedUsageThenTheHistoryStillFlagsIt() {
        IssuedKey old = issue("Storefront", "shop:read");
        IssuedKey next = keys.rotate(old.id());
        request(old.token(), CRON, "/products"); // buffered on this node, not flushed

        keys.revoke(old.id(), "cleaning up", "bob");

        assertThat(historyOf(old.id(), NOTE)).singleElement().satisfies(e -> assertThat(e.detail())
                .contains("open rotation to " + next.id()).contains("10.1.0.2 (cron/1.0)"));
    }

    @Test
    void whenPlainRevokeIsUsedOnAQuietFullyMigratedKeyThenNothingIsFlagged() {
        IssuedKey old = issue("Storefront", "shop:read");
        IssuedKey next = keys.rotate(old.id());
        request(next.token(), APP, "/products");
        clock.advance(Duration.ofDays(2));

        keys.revoke(old.id(), "rotation done", "bob");
        assertThat(historyOf(old.id(), NOTE)).isEmpty();
        IssuedKey lone = issue("Lone", "shop:read");
        keys.revoke(lone.id(), "unused", "bob");
        assertThat(historyOf(lone.id(), NOTE)).isEmpty();
    }

    @Test
    void whenTheReplacementReusesTheOldNameThenItIsRefused() {
        IssuedKey old = issue("Storefront", "shop:read");
        assertThatThrownBy(() -> keys.rotate(old.id(), RotateOptions.defaults().withSuccessorName("Storefront")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not reuse");
        assertThatThrownBy(() -> keys.issue(KeySpec.builder("acme", "Storefront").build()))
                .isInstanceOf(DuplicateKeyException.class);
        assertThat(successorsOf(old.id())).isEmpty();
        assertThat(historyOf(old.id(), ROTATED)).isEmpty();
    }

    @Test
    void whenRotatingARevokedKeyThenItIsRefused() {
        IssuedKey old = issue("Storefront", "shop:read");
        keys.revoke(old.id(), "left the company", "bob");
        assertThatThrownBy(() -> keys.rotate(old.id())).isInstanceOf(KeyStateException.class).hasMessageContaining("revoked");
        assertThat(successorsOf(old.id())).isEmpty();
    }

    @Test
    void whenRotatingAgainWhileTheFirstSuccessorIsActiveThenItIsRefused() {
        IssuedKey old = issue("Storefront", "shop:read");
        IssuedKey next = keys.rotate(old.id());
        assertThatThrownBy(() -> keys.rotate(old.id())).isInstanceOf(KeyStateException.class).hasMessageContaining(next.id());
        assertThat(successorsOf(old.id())).hasSize(1);
    }

    @Test
    void whenCompletingBeforeTheSuccessorIsUsedThenItIsRefusedEvenIfTheOldKeyIsQuiet() {
        IssuedKey old = issue("Storefront", "shop:read");
        keys.rotate(old.id());
        clock.advance(Duration.ofDays(3));

        CompletionResult r = keys.rotation().complete(old.id(), "bob");
        assertThat(r.outcome()).isEqualTo(CompletionResult.Outcome.REFUSED);
        assertThat(r.reasons()).containsExactly("the successor " + stored(old.id()).successorId().orElseThrow() + " has not been used yet");
        assertThat(r.status().oldKeyQuietFor()).isEqualTo(Duration.ofDays(3));
        assertThat(stored(old.id()).isActive()).isTrue();
    }

    @Test
    void whenTheSuccessorWasRevokedThenTheRotationIsAbandonedAndCannotBeCompleted() {
        IssuedKey old = issue("Storefront", "shop:read");
        IssuedKey next = keys.rotate(old.id());
        keys.revoke(next.id(), "issued by mistake", "bob");

        assertThat(keys.rotation().status(old.id()).state()).isEqualTo(State.ABANDONED);
        assertThat(keys.rotation().complete(old.id(), "bob").outcome()).isEqualTo(CompletionResult.Outcome.REFUSED);
        CompletionResult forced = keys.rotation().forceComplete(old.id(), "just do it", "bob");
        assertThat(forced.outcome()).isEqualTo(CompletionResult.Outcome.REFUSED);
        assertThat(forced.reasons()).singleElement().satisfies(s -> assertThat(s).contains("nothing to complete into"));
        assertThat(keys.verify(old.token()).isVerified()).isTrue();

        IssuedKey again = keys.rotate(old.id());
        assertThat(again.key().name()).isEqualTo("Storefront v2");
        assertThat(keys.rotation().status(old.id()).successor().id()).isEqualTo(again.id());
    }

    @Test
    void whenTheOldKeyIsForgottenThenItsDeadlineStillEndsIt() {
        IssuedKey old = issue("Storefront", "shop:read");
        IssuedKey next = keys.rotate(old.id(), RotateOptions.defaults().withOverlapUntil(clock.instant().plus(Duration.ofDays(7))));
        request(old.token(), CRON, "/products");
        clock.advance(Duration.ofDays(7));

        assertThat(request(old.token(), CRON, "/products")).isEqualTo(new Rejected(RejectionReason.EXPIRED, Optional.of(old.id())));
        assertThat(keys.rotation().status(old.id()).state()).isEqualTo(State.DEADLINE_PASSED);
        CompletionResult r = keys.rotation().complete(old.id(), "bob");
        assertThat(r.outcome()).isEqualTo(CompletionResult.Outcome.COMPLETED);
        assertThat(r.blockingClients()).extracting(ClientMigration::client).containsExactly("10.1.0.2 (cron/1.0)");
        assertThat(keys.verify(next.token()).isVerified()).isTrue();
    }

    @Test
    void whenAnOverlapLaterThanTheOldExpiryIsAskedThenTheOldExpiryIsTheDeadline() {
        IssuedKey old = keys.issue(KeySpec.builder("acme", "Short lived").expiresAt(clock.instant().plus(Duration.ofDays(2))).build());
        keys.rotate(old.id(), RotateOptions.defaults().withOverlapUntil(clock.instant().plus(Duration.ofDays(7))));
        assertThat(keys.rotation().status(old.id()).deadline()).contains(clock.instant().plus(Duration.ofDays(2)));
    }

    @Test
    void whenAnyStepIsTakenThenItIsInTheKeysHistory() {
        IssuedKey old = issue("Storefront", "shop:read");
        IssuedKey next = keys.rotate(old.id(), RotateOptions.defaults().withActor("alice").withReason("quarterly"));
        keys.rotation().complete(old.id(), "bob");
        request(next.token(), APP, "/products");
        clock.advance(Duration.ofDays(1));
        keys.rotation().complete(old.id(), "carol");

        assertThat(keys.history(old.id())).extracting(KeyEvent::type, KeyEvent::actor).containsExactly(
                org.assertj.core.groups.Tuple.tuple(dev.keyvault.KeyEventType.ISSUED, "system"),
                org.assertj.core.groups.Tuple.tuple(ROTATED, "alice"),
                org.assertj.core.groups.Tuple.tuple(NOTE, "bob"),
                org.assertj.core.groups.Tuple.tuple(dev.keyvault.KeyEventType.ROTATION_SAFE, "carol"),
                org.assertj.core.groups.Tuple.tuple(REVOKED, "carol"),
                org.assertj.core.groups.Tuple.tuple(ROTATION_COMPLETED, "carol"));
        assertThat(historyOf(old.id(), ROTATED)).singleElement().satisfies(e -> assertThat(e.detail()).contains(next.id()).endsWith("quarterly"));
        assertThat(keys.history(next.id())).extracting(KeyEvent::type).containsExactly(dev.keyvault.KeyEventType.ISSUED);
    }
}
