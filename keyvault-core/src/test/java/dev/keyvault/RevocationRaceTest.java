package dev.keyvault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.spi.KeyHasher;
import dev.keyvault.spi.KeyStore;
import dev.keyvault.spi.StoredKey;
import dev.keyvault.support.DelegatingKeyStore;
import dev.keyvault.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Revocation is linearizable on the revoking node: no verify that starts after {@code revoke}
 * returns may succeed, whether the verifying threads hit the cache or race a cold verify that read
 * the store just before the revoke.
 */
class RevocationRaceTest {
    private static final int THREADS = 8;

    @Test
    void whenEightThreadsVerifyHotWhileAnotherRevokesThenNoVerifyStartedAfterRevokeSucceeds() throws Exception {
        for (int round = 0; round < 20; round++) {
            race(KeyHashers.hmacSha256(), 10_000);
        }
    }

    @Test
    void whenEightThreadsVerifyColdWhileAnotherRevokesThenNoVerifyStartedAfterRevokeSucceeds() throws Exception {
        // Cache disabled and a slow hash widen the window in which a verify holds a pre-revoke read.
        for (int round = 0; round < 5; round++) {
            race(KeyHashers.argon2id(256, 1, 1), 0);
        }
    }

    @Test
    void whenAColdVerifyReadTheStoreJustBeforeARevokeThenItLeavesNoStaleActiveEntryInTheCache() throws Exception {
        MutableClock clock = MutableClock.create();
        InMemoryKeyStore real = InMemoryKeyStore.create();
        CountDownLatch readDone = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        AtomicBoolean armed = new AtomicBoolean();
        KeyStore pausing = new DelegatingKeyStore(real) {
            @Override
            protected Optional<StoredKey> afterFind(Optional<StoredKey> found) {
                if (armed.compareAndSet(true, false)) {
                    readDone.countDown();
                    try {
                        proceed.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return found;
            }
        };
        KeyManager issuer = KeyManager.builder().store(real).clock(clock).hasher(KeyHashers.hmacSha256())
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build();
        KeyManager node = KeyManager.builder().store(pausing).clock(clock).hasher(KeyHashers.hmacSha256())
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build();
        IssuedKey key = issuer.issue(KeySpec.builder("acme", "Raced").build());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            armed.set(true);
            Future<VerificationResult> early = pool.submit(() -> node.verify(key.token()));
            readDone.await(); // the cold verify holds an ACTIVE snapshot read before the revoke

            node.revoke(key.id(), "leaked", "alice");
            proceed.countDown();
            early.get(); // it started before the revoke returned, so either answer is allowed

            assertThat(node.verify(key.token()))
                    .isEqualTo(new VerificationResult.Rejected(RejectionReason.REVOKED, Optional.of(key.id())));
        } finally {
            pool.shutdownNow();
            node.close();
            issuer.close();
        }
    }

    /**
     * Invalidation is per key: revocations of other keys — on this node, or read from the change feed —
     * while a cold verify is in flight must not keep its result out of the cache. (With one global
     * invalidation counter, unrelated churn every few milliseconds kept a valid key cold for good.)
     */
    @Test
    void whenOtherKeysAreRevokedWhileAColdVerifyIsInFlightThenTheVerifiedKeyIsStillCached() throws Exception {
        MutableClock clock = MutableClock.create();
        InMemoryKeyStore real = InMemoryKeyStore.create();
        CountDownLatch readDone = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        AtomicBoolean armed = new AtomicBoolean();
        AtomicLong finds = new AtomicLong();
        KeyStore pausing = new DelegatingKeyStore(real) {
            @Override
            protected void before(String operation) {
                if (operation.equals("find")) {
                    finds.incrementAndGet();
                }
            }

            @Override
            protected Optional<StoredKey> afterFind(Optional<StoredKey> found) {
                if (armed.compareAndSet(true, false)) {
                    readDone.countDown();
                    try {
                        proceed.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return found;
            }
        };
        KeyManager issuer = KeyManager.builder().store(real).clock(clock).hasher(KeyHashers.hmacSha256())
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build();
        KeyManager node = KeyManager.builder().store(pausing).clock(clock).hasher(KeyHashers.hmacSha256())
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build();
        IssuedKey key = issuer.issue(KeySpec.builder("acme", "Busy").build());
        List<IssuedKey> others = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            others.add(issuer.issue(KeySpec.builder("acme", "Other " + i).build()));
        }
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            armed.set(true);
            Future<VerificationResult> cold = pool.submit(() -> node.verify(key.token()));
            readDone.await();
            for (int i = 0; i < 3; i++) {
                node.revoke(others.get(i).id(), "churn", "test");              // on this node
            }
            for (int i = 3; i < 6; i++) {
                issuer.revoke(others.get(i).id(), "churn", "test");            // elsewhere, seen through the feed
            }
            assertThat(node.pollChangeFeed()).isPositive();
            proceed.countDown();
            assertThat(cold.get().isVerified()).isTrue();

            long findsBefore = finds.get();
            assertThat(node.verify(key.token()).isVerified()).isTrue();
            assertThat(finds.get()).as("store reads by the second verify: it must be a cache hit").isEqualTo(findsBefore);
            assertThat(node.stats().cachedKeys()).isPositive();
        } finally {
            pool.shutdownNow();
            node.close();
            issuer.close();
        }
    }

    private static void race(KeyHasher hasher, long cacheSize) throws Exception {
        MutableClock clock = MutableClock.create();
        InMemoryKeyStore store = InMemoryKeyStore.create();
        KeyManager issuer = KeyManager.builder().store(store).clock(clock).hasher(hasher)
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build();
        KeyManager node = KeyManager.builder().store(store).clock(clock).hasher(hasher)
                .cacheMaximumSize(cacheSize == 0 ? 0 : 10_000)
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build();
        IssuedKey key = issuer.issue(KeySpec.builder("acme", "Raced").build());
        if (cacheSize > 0) {
            assertThat(node.verify(key.token()).isVerified()).isTrue(); // warm: the race is on the hot path
        }
        // (the cold-install race is pinned down deterministically by the test above)
        AtomicBoolean revoked = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong verifiedAfter = new AtomicLong();
        AtomicLong checkedAfter = new AtomicLong();
        AtomicLong verifiedBefore = new AtomicLong();
        CountDownLatch running = new CountDownLatch(THREADS);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                workers.add(pool.submit(() -> {
                    running.countDown();
                    while (!stop.get()) {
                        boolean startedAfterRevoke = revoked.get();
                        boolean ok = node.verify(key.token()).isVerified();
                        if (startedAfterRevoke) {
                            checkedAfter.incrementAndGet();
                            if (ok) {
                                verifiedAfter.incrementAndGet();
                            }
                        } else if (ok) {
                            verifiedBefore.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            running.await();
            long warm = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (verifiedBefore.get() < THREADS && System.nanoTime() < warm) {
                Thread.onSpinWait(); // revoke while verifies are in flight on every thread
            }
            assertThat(node.revoke(key.id(), "race", "test").outcome()).isEqualTo(RevocationResult.Outcome.REVOKED);
            revoked.set(true);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (checkedAfter.get() < 2_000 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            stop.set(true);
            for (Future<?> f : workers) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
            node.close();
            issuer.close();
        }
        assertThat(checkedAfter.get()).as("verifies started after revoke").isPositive();
        assertThat(verifiedAfter.get()).as("Verified results among verifies started after revoke").isZero();
    }
}
