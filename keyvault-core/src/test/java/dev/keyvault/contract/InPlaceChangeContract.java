package dev.keyvault.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyvault.ApiKey;
import dev.keyvault.CreditRefill;
import dev.keyvault.Credits;
import dev.keyvault.DuplicateKeyException;
import dev.keyvault.IpAllowlist;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyEventType;
import dev.keyvault.KeyManager;
import dev.keyvault.KeyManagerBuilder;
import dev.keyvault.KeyQuery;
import dev.keyvault.KeySpec;
import dev.keyvault.KeyStateException;
import dev.keyvault.KeyUpdate;
import dev.keyvault.RejectionReason;
import dev.keyvault.UnknownKeyException;
import dev.keyvault.VerificationRequest;
import dev.keyvault.VerificationResult.Rejected;
import dev.keyvault.VerificationResult.Verified;
import dev.keyvault.rotation.RecordingListener;
import dev.keyvault.rotation.RiskClass;
import dev.keyvault.rotation.RotationDue;
import dev.keyvault.spi.StoredKey;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Changing a key in place ({@link KeyManager#update}) over a store: every field the issue allows,
 * the rules (revoked keys, names, the bound on extending an expiry), the history with before and
 * after, the recomputed risk class and due date, and the change reaching another node through the
 * change feed. Every store runs this suite unchanged (see {@link StoreHarness}).
 */
public abstract class InPlaceChangeContract extends ManagerFixture {
    private final RecordingListener events = new RecordingListener();

    protected InPlaceChangeContract(StoreHarness harness) {
        super(harness);
    }

    @Override
    protected KeyManagerBuilder firstNode() {
        return node().listener(events);
    }

    private static KeyUpdate.Builder change() {
        return KeyUpdate.builder().actor("alice@acme");
    }

    private List<KeyEvent> history(String id, KeyEventType type) {
        return keys.history(id).stream().filter(e -> e.type() == type).toList();
    }

    private Verified verified(KeyManager node, String token) {
        return (Verified) node.verify(VerificationRequest.of(token).withClientAddress("10.1.2.3"));
    }

    @Test
    void whenRenamedAndRetieredThenTheChangeIsAtomicRecordedWithBeforeAndAfterAndEffectiveAtOnce() {
        IssuedKey k = issue("Old name", "kb:read");
        assertThat(verified(keys, k.token()).key().name()).isEqualTo("Old name");

        ApiKey after = keys.update(k.id(), change().name("New name").tier("gold").build());

        assertThat(after.name()).isEqualTo("New name");
        assertThat(after.tier()).isEqualTo("gold");
        assertThat(keys.get(k.id())).contains(after);
        assertThat(verified(keys, k.token()).key()).as("this node: at once").isEqualTo(after);
        assertThat(history(k.id(), KeyEventType.UPDATED)).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("alice@acme");
            assertThat(e.detail()).contains("name: \"Old name\" -> \"New name\"").contains("tier: standard -> gold");
        });
        assertThat(events.calls("updated")).containsExactly("updated " + k.id());
        assertThat(keys.list(KeyQuery.all().withOwner("acme"))).extracting(ApiKey::name).containsExactly("New name");
        IssuedKey reuse = keys.issue(KeySpec.builder("acme", "Old name").build());
        assertThat(reuse.key().name()).as("the old name is free again").isEqualTo("Old name");
    }

    @Test
    void whenScopesAreWidenedThenItIsItsOwnEventAndTheRiskClassAndDueDateAreRecomputed() {
        Instant t0 = clock.instant();
        IssuedKey k = issue("Reader", "kb:read");
        assertThat(keys.rotationDue(t0.plus(Duration.ofDays(100))).entries()).isEmpty();

        ApiKey wide = keys.update(k.id(), change().scopes("kb:read", "*").build());

        assertThat(wide.scopes()).containsExactly("*", "kb:read");
        assertThat(history(k.id(), KeyEventType.SCOPES_WIDENED)).singleElement().satisfies(e ->
                assertThat(e.detail()).contains("added [*]").contains("scopes widened"));
        assertThat(history(k.id(), KeyEventType.UPDATED)).singleElement().satisfies(e ->
                assertThat(e.detail()).contains("risk class READ_ONLY -> FULL_ACCESS").contains("rotation due"));
        assertThat(events.calls("updated")).containsExactly("updated " + k.id() + " widened");
        assertThat(keys.rotationDue(t0.plus(Duration.ofDays(100))).overdue()).singleElement().satisfies(d -> {
            assertThat(d.key().id()).isEqualTo(k.id());
            assertThat(d.riskClass()).isEqualTo(RiskClass.FULL_ACCESS);
            assertThat(d.dueAt()).isEqualTo(t0.plus(Duration.ofDays(90)));
        });
        assertThat(verified(keys, k.token()).grants("anything:at-all")).isTrue();

        ApiKey narrow = keys.update(k.id(), change().scopes("kb:read").build());
        assertThat(narrow.scopes()).containsExactly("kb:read");
        assertThat(history(k.id(), KeyEventType.SCOPES_WIDENED)).as("narrowing is not widening").hasSize(1);
        assertThat(history(k.id(), KeyEventType.UPDATED)).last().satisfies(e -> assertThat(e.detail()).contains("removed [*]"));
        assertThat(keys.rotationDue(t0.plus(Duration.ofDays(100))).entries()).isEmpty();
        assertThat(verified(keys, k.token()).grants("kb:write")).isFalse();
    }

    @Test
    void whenAWildcardIsReplacedByWhatItAlreadyGrantedThenThatIsNotAWidening() {
        IssuedKey k = issue("Wild", "kb:*");
        keys.update(k.id(), change().scopes("kb:read", "kb:write").build());
        assertThat(history(k.id(), KeyEventType.SCOPES_WIDENED)).isEmpty();
        keys.update(k.id(), KeyUpdate.builder().scopes("kb:read", "billing:read").build());
        assertThat(history(k.id(), KeyEventType.SCOPES_WIDENED)).singleElement()
                .satisfies(e -> assertThat(e.actor()).isEqualTo("system"));
    }

    @Test
    void whenTheExpiryIsShortenedOrExtendedThenAnExtensionStopsAtTheRotationDueDate() {
        Instant t0 = clock.instant();
        IssuedKey k = keys.issue(KeySpec.builder("acme", "Expiring").scopes("kb:write")
                .expiresAt(t0.plus(Duration.ofDays(30))).build()); // WRITE: due after 180 days

        keys.update(k.id(), change().expiresAt(t0.plus(Duration.ofDays(10))).build());
        assertThat(keys.get(k.id()).orElseThrow().expiresAt()).contains(t0.plus(Duration.ofDays(10)));
        keys.update(k.id(), change().expiresAt(t0.plus(Duration.ofDays(180))).build());
        assertThat(keys.get(k.id()).orElseThrow().expiresAt()).contains(t0.plus(Duration.ofDays(180)));

        assertThatThrownBy(() -> keys.update(k.id(), change().expiresAt(t0.plus(Duration.ofDays(180)).plusMillis(1)).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rotation due date")
                .hasMessageContaining(t0.plus(Duration.ofDays(180)).toString());
        assertThatThrownBy(() -> keys.update(k.id(), change().noExpiry().build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rotation due date");
        assertThatThrownBy(() -> keys.update(k.id(), change().expiresAt(t0).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("future");
        // widening the scopes moves the due date, and so the bound, in the same change
        keys.update(k.id(), change().expiresAt(t0.plus(Duration.ofDays(50))).build());
        assertThatThrownBy(() -> keys.update(k.id(), change().scopes("*").expiresAt(t0.plus(Duration.ofDays(100))).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FULL_ACCESS");
        assertThat(keys.get(k.id()).orElseThrow().scopes()).containsExactly("kb:write");
        assertThat(history(k.id(), KeyEventType.UPDATED)).hasSize(3);

        IssuedKey forever = issue("Forever", "kb:read");
        keys.update(forever.id(), change().expiresAt(t0.plus(Duration.ofDays(400))).build()); // shortening from never
        clock.advance(Duration.ofDays(400));
        assertThat(keys.verify(forever.token())).isEqualTo(new Rejected(RejectionReason.EXPIRED, Optional.of(forever.id())));
    }

    @Test
    void whenTheAllowlistIsEditedThenItAppliesOnThisNodeAtOnceAndOnAnotherAfterTheFeed() {
        IssuedKey k = issue("Netted", "kb:read");
        KeyManager other = track(node().build());
        VerificationRequest outside = VerificationRequest.of(k.token()).withClientAddress("192.0.2.9");
        assertThat(other.verify(outside).isVerified()).isTrue(); // cached on the other node

        keys.update(k.id(), change().ipAllowlist(IpAllowlist.of("10.0.0.0/8")).build());
        assertThat(keys.verify(outside)).isEqualTo(new Rejected(RejectionReason.IP_NOT_ALLOWED, Optional.of(k.id())));
        other.pollChangeFeed();
        assertThat(other.verify(outside)).isEqualTo(new Rejected(RejectionReason.IP_NOT_ALLOWED, Optional.of(k.id())));
        assertThat(history(k.id(), KeyEventType.UPDATED)).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("IP allowlist: any address -> [10.0.0.0/8]"));

        keys.update(k.id(), change().ipAllowlist(IpAllowlist.none()).build());
        other.pollChangeFeed();
        assertThat(other.verify(outside).isVerified()).isTrue();
    }

    @Test
    void whenScopesAreNarrowedOnOneNodeThenAnotherNodeThatCachedTheKeySeesItAfterTheFeedWithoutANewHashCheck() {
        IssuedKey k = issue("Writer", "kb:read", "kb:write");
        KeyManager other = track(node().build());
        assertThat(verified(other, k.token()).grants("kb:write")).isTrue();
        String hashBefore = store.find(k.id()).map(StoredKey::hash).orElseThrow();

        keys.update(k.id(), change().scopes("kb:read").build());
        assertThat(verified(other, k.token()).grants("kb:write")).as("not before the feed (or the status refresh)").isTrue();
        assertThat(other.pollChangeFeed()).isPositive();
        assertThat(verified(other, k.token()).grants("kb:write")).isFalse();
        assertThat(store.find(k.id()).map(StoredKey::hash)).contains(hashBefore);
    }

    @Test
    void whenCreditsAreSetRemovedOrGivenThenTheChainsBalanceFollowsOnEveryNode() {
        IssuedKey k = issue("Metered", "kb:read");
        assertThat(keys.credits(k.id())).isEmpty();
        keys.update(k.id(), change().credits(Credits.of(2)).build());
        assertThat(keys.verify(k.token()).isVerified()).isTrue();
        assertThat(keys.verify(k.token()).isVerified()).isTrue();
        assertThat(keys.verify(k.token())).isEqualTo(new Rejected(RejectionReason.CREDITS_EXHAUSTED, Optional.of(k.id())));

        IssuedKey next = keys.rotate(k.id());
        KeyManager other = track(node().build());
        assertThat(other.verify(next.token())).as("one balance for the chain").isEqualTo(
                new Rejected(RejectionReason.CREDITS_EXHAUSTED, Optional.of(next.id())));

        clock.advance(Duration.ofSeconds(2));
        keys.update(k.id(), change().credits(Credits.of(3).withRefill(CreditRefill.daily(LocalTime.NOON, 3))).build());
        assertThat(history(next.id(), KeyEventType.UPDATED)).as("the chain's other key is told too").singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("credits of its rotation chain"));
        other.pollChangeFeed();
        assertThat(other.verify(next.token()).isVerified()).isTrue();
        assertThat(keys.credits(next.id()).orElseThrow().refill()).isEqualTo(CreditRefill.daily(LocalTime.NOON, 3));

        keys.update(next.id(), change().removeCredits().build());
        for (int i = 0; i < 10; i++) {
            assertThat(keys.verify(next.token()).isVerified()).isTrue();
        }
        assertThat(keys.credits(next.id())).isEmpty();
        assertThat(history(next.id(), KeyEventType.UPDATED)).last().satisfies(e -> assertThat(e.detail()).contains("credits removed"));
    }

    @Test
    void whenMetadataIsReplacedThenVerifiedKeysAndQueriesSeeTheNewValues() {
        IssuedKey k = keys.issue(KeySpec.builder("acme", "Tagged").metadata(Map.of("plan", "free", "region", "eu")).build());
        keys.update(k.id(), change().metadata(Map.of("plan", "pro", "seats", "12")).build());

        assertThat(verified(keys, k.token()).metadata()).containsExactly(Map.entry("plan", "pro"), Map.entry("seats", "12"));
        assertThat(keys.list(KeyQuery.all().withMetadata("plan", "pro"))).extracting(ApiKey::id).containsExactly(k.id());
        assertThat(keys.list(KeyQuery.all().withMetadata("plan", "free"))).isEmpty();
        assertThat(history(k.id(), KeyEventType.UPDATED)).singleElement().satisfies(e -> assertThat(e.detail())
                .contains("plan: \"free\" -> \"pro\"").contains("region removed").contains("seats set to \"12\""));
    }

    @Test
    void whenTheKeyIsRevokedUnknownOrTheNameTakenThenNothingChanges() {
        IssuedKey a = issue("A");
        IssuedKey b = issue("B");
        keys.revoke(a.id(), "gone", "ops");

        assertThatThrownBy(() -> keys.update(a.id(), change().tier("gold").build()))
                .isInstanceOf(KeyStateException.class).hasMessageContaining("revoked");
        assertThatThrownBy(() -> keys.update(StoreValues.newId(), change().tier("gold").build()))
                .isInstanceOf(UnknownKeyException.class);
        IssuedKey a2 = issue("A2");
        assertThatThrownBy(() -> keys.update(b.id(), change().name("A2").build())).isInstanceOf(DuplicateKeyException.class);
        assertThat(keys.get(b.id()).orElseThrow().name()).isEqualTo("B");
        assertThat(keys.history(b.id())).extracting(KeyEvent::type).containsExactly(KeyEventType.ISSUED);
        assertThat(a2.key().isActive()).isTrue();
        assertThatThrownBy(() -> keys.update("not-a-key-id", change().tier("gold").build())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys.update(b.id(), null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void whenAnUpdateChangesNothingThenNothingIsWritten() {
        IssuedKey k = issue("Same", "kb:read");
        long seq = store.latestSequence();
        ApiKey same = keys.update(k.id(), change().scopes("kb:read").tier("standard").build());
        assertThat(same).isEqualTo(keys.get(k.id()).orElseThrow());
        assertThat(store.latestSequence()).isEqualTo(seq);
        assertThat(events.calls("updated")).isEmpty();
    }

    @Test
    void whenTwoNodesChangeDifferentFieldsAtOnceThenBothChangesLand() throws Exception {
        IssuedKey k = issue("Busy", "kb:read");
        KeyManager other = track(node().build());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CyclicBarrier start = new CyclicBarrier(2);
            Future<?> a = pool.submit(() -> {
                start.await(30, TimeUnit.SECONDS);
                for (int i = 0; i < 10; i++) {
                    keys.update(k.id(), KeyUpdate.builder().tier("t" + i).build());
                }
                return null;
            });
            Future<?> b = pool.submit(() -> {
                start.await(30, TimeUnit.SECONDS);
                for (int i = 0; i < 10; i++) {
                    other.update(k.id(), KeyUpdate.builder().metadata(Map.of("n", Integer.toString(i))).build());
                }
                return null;
            });
            a.get(60, TimeUnit.SECONDS);
            b.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        ApiKey k2 = keys.get(k.id()).orElseThrow();
        assertThat(k2.tier()).isEqualTo("t9");
        assertThat(k2.metadata()).containsExactly(Map.entry("n", "9"));
        assertThat(history(k.id(), KeyEventType.UPDATED)).hasSize(20);
        assertThat(store.find(k.id()).orElseThrow().revision()).isEqualTo(20);
    }

    @Test
    void whenAnExplicitRiskClassIsSetOrDroppedThenTheDueDateFollows() {
        Instant t0 = clock.instant();
        IssuedKey k = issue("Classy", "kb:read");
        keys.update(k.id(), change().riskClass(RiskClass.BROAD).build());
        assertThat(keys.rotationDue(t0.plus(Duration.ofDays(80))).upcoming()).extracting(RotationDue::dueAt)
                .containsExactly(t0.plus(Duration.ofDays(90)));
        keys.update(k.id(), change().derivedRiskClass().build());
        assertThat(keys.rotationDue(t0.plus(Duration.ofDays(80))).entries()).isEmpty();
        assertThatThrownBy(() -> KeyUpdate.builder().riskClass(RiskClass.COMPROMISED)).isInstanceOf(IllegalArgumentException.class);
    }
}
