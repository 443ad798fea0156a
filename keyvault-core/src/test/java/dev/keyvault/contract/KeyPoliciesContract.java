package dev.keyvault.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyvault.ApiKey;
import dev.keyvault.CreditBalance;
import dev.keyvault.CreditRefill;
import dev.keyvault.Credits;
import dev.keyvault.IpAllowlist;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyManager;
import dev.keyvault.KeyQuery;
import dev.keyvault.KeySpec;
import dev.keyvault.KeyStoreException;
import dev.keyvault.RejectionReason;
import dev.keyvault.UsageEvent;
import dev.keyvault.VerificationRequest;
import dev.keyvault.VerificationResult;
import dev.keyvault.VerificationResult.Rejected;
import dev.keyvault.VerificationResult.Verified;
import dev.keyvault.rotation.UsageAudit;
import dev.keyvault.support.DelegatingKeyStore;
import dev.keyvault.support.FailingKeyStore;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Key policies over a store: IP allowlists, usage credits with refill, and metadata, as
 * {@link KeyManager} applies them after the secret matched. Every store runs this suite unchanged
 * (see {@link StoreHarness}); the managers, clock and cleanup are {@link ManagerFixture}'s.
 */
public abstract class KeyPoliciesContract extends ManagerFixture {

    protected KeyPoliciesContract(StoreHarness harness) {
        super(harness);
    }

    private static VerificationRequest from(String token, String address) {
        return VerificationRequest.of(token).withClientAddress(address);
    }

    private static Rejected refused(RejectionReason reason, String keyId) {
        return new Rejected(reason, Optional.of(keyId));
    }

    // =============================================================================== allowlist

    @Test
    void whenAKeyHasAnAllowlistThenOnlyAddressesInsideItVerifyOnTheHotAndColdPaths() {
        IssuedKey k = keys.issue(KeySpec.builder("acme", "office only").scopes("kb:read")
                .ipAllowlist("203.0.113.0/24", "198.51.100.7", "2001:db8:abcd::/48").build());
        KeyManager cold = track(node().build());
        Rejected outside = refused(RejectionReason.IP_NOT_ALLOWED, k.id());

        for (KeyManager node : List.of(keys, cold, cold)) {
            assertThat(node.verify(from(k.token(), "203.0.113.1"))).isInstanceOf(Verified.class);
            assertThat(node.verify(from(k.token(), "203.0.113.255"))).isInstanceOf(Verified.class);
            assertThat(node.verify(from(k.token(), "198.51.100.7"))).isInstanceOf(Verified.class);
            assertThat(node.verify(from(k.token(), "2001:db8:abcd:12::1"))).isInstanceOf(Verified.class);
            assertThat(node.verify(from(k.token(), "2001:DB8:ABCD::FFFF"))).isInstanceOf(Verified.class);
            assertThat(node.verify(from(k.token(), "::ffff:203.0.113.9"))).as("IPv4-mapped").isInstanceOf(Verified.class);
            assertThat(node.verify(from(k.token(), "fe80::1%eth0"))).isEqualTo(outside);
            assertThat(node.verify(from(k.token(), "2001:db8:abcd:12::1%eth0"))).as("zone ignored").isInstanceOf(Verified.class);

            assertThat(node.verify(from(k.token(), "203.0.114.1"))).isEqualTo(outside);
            assertThat(node.verify(from(k.token(), "198.51.100.8"))).isEqualTo(outside);
            assertThat(node.verify(from(k.token(), "2001:db8:abce::1"))).isEqualTo(outside);
            assertThat(node.verify(k.token())).as("no address: fails closed").isEqualTo(outside);
            for (String notAnAddress : List.of("unknown", "localhost", "203.0.113", "203.0.113.1.5", "0203.0.113.1", "::g",
                    "203.0.113.1_", "1.2.3.4.in-addr.arpa")) {
                assertThat(node.verify(from(k.token(), notAnAddress))).as(notAnAddress).isEqualTo(outside);
            }
        }
        assertThat(outside.keyId()).contains(k.id());
    }

    @Test
    void whenTheSecretIsWrongOrTheKeyIsDeadThenThatIsWhatAnOutsiderLearnsNotTheAllowlist() {
        IssuedKey k = keys.issue(KeySpec.builder("acme", "a").ipAllowlist("10.0.0.0/8")
                .expiresAt(clock.instant().plus(Duration.ofDays(1))).build());
        IssuedKey r = keys.issue(KeySpec.builder("acme", "r").ipAllowlist("10.0.0.0/8").build());
        keys.revoke(r.id(), "gone", "ops");

        assertThat(keys.verify(from(ForgedTokens.withRandomSecret(k.token(), k.id()), "192.0.2.1")))
                .isEqualTo(Rejected.of(RejectionReason.INVALID));
        assertThat(keys.verify(from(r.token(), "192.0.2.1"))).isEqualTo(refused(RejectionReason.REVOKED, r.id()));
        clock.advance(Duration.ofDays(2));
        assertThat(keys.verify(from(k.token(), "192.0.2.1"))).isEqualTo(refused(RejectionReason.EXPIRED, k.id()));
    }

    @Test
    void whenRefusedRequestsAreRecordedThenTheAuditListsTheAttemptsFromOutsideApartFromScopeRefusals() {
        IssuedKey k = keys.issue(KeySpec.builder("acme", "k").scopes("kb:read").ipAllowlist("10.0.0.0/8").build());
        Instant start = clock.instant();
        for (int i = 0; i < 3; i++) {
            VerificationResult r = keys.verify(from(k.token(), "192.0.2.66"));
            keys.recordUsage(r.keyId().orElseThrow(), UsageEvent.of(clock.instant(), "GET", "/kb/**", "192.0.2.66", 403)
                    .withRefusal(((Rejected) r).reason()));
        }
        keys.recordUsage(k.id(), UsageEvent.of(clock.instant(), "POST", "/kb/**", "10.1.2.3", 403));
        keys.recordUsage(k.id(), UsageEvent.of(clock.instant(), "GET", "/kb/**", "10.1.2.3", 200));
        keys.flush();

        UsageAudit audit = keys.rotation().usageAudit(k.id(), start, clock.instant().plusSeconds(60));
        assertThat(audit.outsideAllowlist()).singleElement().satisfies(o -> {
            assertThat(o.clientIp()).isEqualTo("192.0.2.66");
            assertThat(o.requests()).isEqualTo(3);
            assertThat(o.endpoints()).containsExactly("/kb/**");
        });
        assertThat(audit.requestsOutsideAllowlist()).isEqualTo(3);
        assertThat(audit.refusedForScope()).as("a 403 for the allowlist is not a scope refusal").isEqualTo(1);
        assertThat(audit.totalRequests()).isEqualTo(5);
        assertThat(keys.usage(k.id(), start, clock.instant().plusSeconds(60))).filteredOn(u -> u.isRefused())
                .singleElement().satisfies(u -> assertThat(u.refusal()).isEqualTo("IP_NOT_ALLOWED"));
    }

    @Test
    void whenAUsageEventClaimsARefusalThatNoPolicyGivesThenItIsRefused() {
        UsageEvent e = UsageEvent.of(clock.instant(), "GET", "/x", "10.0.0.1", 401);
        for (RejectionReason r : List.of(RejectionReason.MALFORMED, RejectionReason.UNKNOWN, RejectionReason.INVALID,
                RejectionReason.REVOKED, RejectionReason.EXPIRED)) {
            assertThatThrownBy(() -> e.withRefusal(r)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> e.withRefusal(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void whenAKeyIsRotatedThenTheSuccessorInheritsItsAllowlistMetadataAndCredits() {
        IssuedKey old = keys.issue(KeySpec.builder("acme", "Sync").ipAllowlist("10.0.0.0/8")
                .metadata(Map.of("plan", "pro", "customer", "cus_1")).credits(Credits.of(10)).build());
        IssuedKey next = keys.rotate(old.id());

        assertThat(next.key().ipAllowlist()).isEqualTo(IpAllowlist.of("10.0.0.0/8"));
        assertThat(next.key().metadata()).isEqualTo(Map.of("plan", "pro", "customer", "cus_1"));
        assertThat(next.key().creditAccount()).contains(old.id());
        assertThat(keys.get(next.id()).orElseThrow().metadata()).containsEntry("plan", "pro");
        assertThat(keys.verify(from(next.token(), "192.0.2.1"))).isEqualTo(refused(RejectionReason.IP_NOT_ALLOWED, next.id()));
    }

    // ================================================================================= credits

    @Test
    void whenCreditsAreSpentByManyThreadsOnOneNodeThenExactlyTheBalanceIsServed() throws Exception {
        IssuedKey k = keys.issue(KeySpec.builder("acme", "metered").credits(Credits.of(1_000)).build());
        KeyManager node = track(node().build()); // a node that did not issue it: its first verify is cold
        AtomicInteger verified = new AtomicInteger();
        AtomicInteger exhausted = new AtomicInteger();
        race(8, () -> {
            for (int i = 0; i < 200; i++) {
                VerificationResult r = node.verify(k.token());
                if (r.isVerified()) {
                    verified.incrementAndGet();
                } else {
                    assertThat(r).isEqualTo(refused(RejectionReason.CREDITS_EXHAUSTED, k.id()));
                    exhausted.incrementAndGet();
                }
            }
        });
        assertThat(verified.get()).isEqualTo(1_000);
        assertThat(exhausted.get()).isEqualTo(600);
        node.close();
        assertThat(store.findCredits(k.id()).orElseThrow().balance()).isZero();
    }

    @Test
    void whenTheCostVariesThenItIsSpentAsGivenAndZeroOnlyChecks() {
        IssuedKey k = keys.issue(KeySpec.builder("acme", "metered").credits(Credits.of(10)).build());
        VerificationRequest one = VerificationRequest.of(k.token());

        assertThat(keys.verify(one.withCost(0))).isInstanceOf(Verified.class);
        assertThat(keys.verify(one.withCost(7))).isInstanceOf(Verified.class);
        assertThat(keys.verify(one.withCost(4))).as("only 3 left").isEqualTo(refused(RejectionReason.CREDITS_EXHAUSTED, k.id()));
        assertThat(keys.verify(one.withCost(3))).isInstanceOf(Verified.class);
        assertThat(keys.verify(one.withCost(0))).as("nothing left to check").isEqualTo(refused(RejectionReason.CREDITS_EXHAUSTED, k.id()));
        assertThat(keys.verify(one)).isEqualTo(refused(RejectionReason.CREDITS_EXHAUSTED, k.id()));
        IssuedKey free = keys.issue(KeySpec.builder("acme", "unmetered").build());
        assertThat(keys.verify(VerificationRequest.of(free.token()).withCost(VerificationRequest.MAX_COST))).isInstanceOf(Verified.class);
    }

    @Test
    void whenTheDailyRefillTimeComesThenTheBalanceIsSetToTheAmountNotAddedTo() {
        clock.set(Instant.parse("2026-06-01T10:00:00Z"));
        IssuedKey k = keys.issue(KeySpec.builder("acme", "daily")
                .credits(Credits.of(5).withRefill(CreditRefill.daily(LocalTime.of(12, 0), 3))).build());
        for (int i = 0; i < 5; i++) {
            assertThat(keys.verify(k.token()).isVerified()).isTrue();
        }
        assertThat(keys.verify(k.token()).isVerified()).isFalse();
        assertThat(keys.credits(k.id())).hasValueSatisfying(c -> {
            assertThat(c.inStore()).isZero();
            assertThat(c.nextRefillAt()).contains(Instant.parse("2026-06-01T12:00:00Z"));
        });

        clock.set(Instant.parse("2026-06-01T12:00:00Z"));
        assertThat(keys.credits(k.id()).orElseThrow().inStore()).as("the refill is due").isEqualTo(3);
        int served = 0;
        while (keys.verify(k.token()).isVerified()) {
            served++;
        }
        assertThat(served).isEqualTo(3);

        // unused credits do not carry over: a day later there are 3 again, not 3 + what was left
        IssuedKey other = keys.issue(KeySpec.builder("acme", "daily 2")
                .credits(Credits.of(2).withRefill(CreditRefill.daily(LocalTime.of(12, 0), 3))).build());
        clock.set(Instant.parse("2026-06-02T12:00:01Z"));
        int served2 = 0;
        while (keys.verify(other.token()).isVerified()) {
            served2++;
        }
        assertThat(served2).isEqualTo(3);
        assertThat(keys.credits(other.id()).orElseThrow().nextRefillAt()).contains(Instant.parse("2026-06-03T12:00:00Z"));
    }

    @Test
    void whenTheMonthlyRefillDayIsPastTheEndOfTheMonthThenItIsTheMonthsLastDay() {
        clock.set(Instant.parse("2027-01-31T00:00:00Z"));
        IssuedKey k = keys.issue(KeySpec.builder("acme", "monthly")
                .credits(Credits.of(1).withRefill(CreditRefill.monthly(31, 2))).build());
        assertThat(keys.credits(k.id()).orElseThrow().nextRefillAt()).contains(Instant.parse("2027-02-28T00:00:00Z"));
        assertThat(keys.verify(k.token()).isVerified()).isTrue();
        assertThat(keys.verify(k.token()).isVerified()).isFalse();
        clock.set(Instant.parse("2027-02-28T00:00:00Z"));
        assertThat(keys.verify(k.token()).isVerified()).isTrue();
        assertThat(keys.verify(k.token()).isVerified()).isTrue();
        assertThat(keys.verify(k.token()).isVerified()).isFalse();
        assertThat(keys.credits(k.id()).orElseThrow().nextRefillAt()).contains(Instant.parse("2027-03-31T00:00:00Z"));
    }

    @Test
    void whenAKeyIsRotatedThenTheOldAndTheNewKeySpendFromOneBalance() {
        IssuedKey old = keys.issue(KeySpec.builder("acme", "chain").credits(Credits.of(50)).build());
        IssuedKey next = keys.rotate(old.id());
        KeyManager other = track(node().build());
        int served = 0;
        for (int i = 0; i < 100; i++) {
            KeyManager node = i % 3 == 0 ? other : keys;
            if (node.verify(i % 2 == 0 ? old.token() : next.token()).isVerified()) {
                served++;
            }
        }
        assertThat(served).as("rotating never doubles what can be spent").isEqualTo(50);
        assertThat(keys.credits(next.id()).orElseThrow().account()).isEqualTo(old.id());
    }

    @Test
    void whenAManagerClosesThenItGivesBackWhatItLeasedAndDidNotSpend() {
        IssuedKey k = keys.issue(KeySpec.builder("acme", "lease").credits(Credits.of(1_000)).build());
        KeyManager node = node().creditLeaseSize(100).build();
        assertThat(node.verify(k.token()).isVerified()).isTrue();
        CreditBalance during = node.credits(k.id()).orElseThrow();
        assertThat(during.inStore()).isEqualTo(900);
        assertThat(during.leasedHere()).isEqualTo(99);
        node.close();
        assertThat(keys.credits(k.id()).orElseThrow().inStore()).isEqualTo(999);
    }

    @Test
    void whenTheBalanceIsNearlyGoneThenALeaseTakesAtMostHalfOfWhatIsLeft() {
        IssuedKey k = keys.issue(KeySpec.builder("acme", "small").credits(Credits.of(10)).build());
        KeyManager a = track(node().creditLeaseSize(100).build());
        KeyManager b = track(node().creditLeaseSize(100).build());
        assertThat(a.verify(k.token()).isVerified()).isTrue();
        assertThat(a.credits(k.id()).orElseThrow().leasedHere()).as("5 of 10 leased, one spent").isEqualTo(4);
        assertThat(b.verify(k.token()).isVerified()).isTrue();
        assertThat(b.credits(k.id()).orElseThrow().inStore()).isEqualTo(2);
        int served = 2;
        for (int i = 0; i < 20; i++) {
            if ((i % 2 == 0 ? a : b).verify(k.token()).isVerified()) {
                served++;
            }
        }
        assertThat(served).isEqualTo(10);
    }

    @Test
    void whenTheBalanceIsEmptyThenTheStoreIsAskedAgainAtMostOnceASecond() {
        IssuedKey k = keys.issue(KeySpec.builder("acme", "empty").credits(Credits.of(0)).build());
        AtomicInteger reads = new AtomicInteger();
        KeyManager node = track(node(new DelegatingKeyStore(store) {
            @Override
            protected void before(String operation) {
                if (operation.equals("findCredits")) {
                    reads.incrementAndGet();
                }
            }
        }).build());
        for (int i = 0; i < 1_000; i++) {
            assertThat(node.verify(k.token())).isEqualTo(refused(RejectionReason.CREDITS_EXHAUSTED, k.id()));
        }
        assertThat(reads.get()).isEqualTo(1);
        keys.update(k.id(), dev.keyvault.KeyUpdate.builder().credits(Credits.of(5)).build());
        clock.advance(Duration.ofMillis(999));
        assertThat(node.verify(k.token()).isVerified()).as("not asked again within the second").isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(node.verify(k.token()).isVerified()).isTrue();
        assertThat(reads.get()).isEqualTo(2);
    }

    @Test
    void whenTheStoreIsDownThenLeasedCreditsAreStillSpentAndThenVerifyFailsClosed() {
        IssuedKey k = keys.issue(KeySpec.builder("acme", "outage").credits(Credits.of(1_000)).build());
        FailingKeyStore failing = new FailingKeyStore(store);
        KeyManager node = track(node(failing).creditLeaseSize(3).build());
        assertThat(node.verify(k.token()).isVerified()).isTrue();
        failing.down();
        assertThat(node.verify(k.token()).isVerified()).isTrue();
        assertThat(node.verify(k.token()).isVerified()).isTrue();
        assertThatThrownBy(() -> node.verify(k.token())).isInstanceOf(KeyStoreException.class);
        failing.up();
        assertThat(node.verify(k.token()).isVerified()).isTrue();
    }

    @Test
    void whenTwoNodesSpendOneBalanceThenTogetherTheyNeverSpendMoreAndNothingIsLostOnClose() throws Exception {
        IssuedKey k = keys.issue(KeySpec.builder("acme", "shared").credits(Credits.of(500)).build());
        KeyManager a = node().creditLeaseSize(40).build();
        KeyManager b = node().creditLeaseSize(40).build();
        AtomicInteger served = new AtomicInteger();
        race(4, () -> {
            for (int i = 0; i < 300; i++) {
                if ((i % 2 == 0 ? a : b).verify(k.token()).isVerified()) {
                    served.incrementAndGet();
                }
            }
        });
        a.close();
        b.close();
        assertThat(served.get()).isEqualTo(500);
        assertThat(store.findCredits(k.id()).orElseThrow().balance()).isZero();
    }

    // ================================================================================ metadata

    @Test
    void whenIssuedWithMetadataThenTheVerifiedKeyCarriesItAndListsFilterByIt() {
        IssuedKey pro = keys.issue(KeySpec.builder("acme", "pro").metadata(Map.of("plan", "pro", "customer", "cus_42")).build());
        IssuedKey free = keys.issue(KeySpec.builder("acme", "free").metadata(Map.of("plan", "free")).build());
        IssuedKey none = keys.issue(KeySpec.builder("acme", "none").build());
        KeyManager cold = track(node().build());

        assertThat(cold.verify(pro.token())).isInstanceOfSatisfying(Verified.class,
                v -> assertThat(v.metadata()).containsExactly(Map.entry("customer", "cus_42"), Map.entry("plan", "pro")));
        assertThat(keys.verify(none.token())).isInstanceOfSatisfying(Verified.class, v -> assertThat(v.metadata()).isEmpty());
        assertThat(keys.list(KeyQuery.all().withMetadata("plan", "pro"))).extracting(ApiKey::id).containsExactly(pro.id());
        assertThat(keys.list(KeyQuery.all().withMetadata("plan", "free"))).extracting(ApiKey::id).containsExactly(free.id());
        assertThat(keys.list(KeyQuery.all().withMetadata("plan", "pro").withMetadata("customer", "cus_42")))
                .extracting(ApiKey::id).containsExactly(pro.id());
        assertThat(keys.list(KeyQuery.all().withMetadata("plan", "pro").withMetadata("customer", "cus_43"))).isEmpty();
        assertThat(keys.list(KeyQuery.all().withMetadata("plan", "PRO"))).isEmpty();
    }

    private static void race(int threads, ThrowingRunnable task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    task.run();
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
