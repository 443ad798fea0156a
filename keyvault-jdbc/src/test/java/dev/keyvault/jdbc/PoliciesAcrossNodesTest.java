package dev.keyvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.Credits;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyHashers;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.KeyUpdate;
import dev.keyvault.VerificationResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Key policies across two managers ("nodes"), each with its own store instance and connection pool, on
 * the real PostgreSQL: usage credits spent by both under concurrent load (never more than the balance;
 * nothing lost by a node that closes; at most one lease each after the balance is set; at most its
 * lease lost by a node that crashes), and an in-place change reaching the other node within the bound
 * of revocations (measured and printed like {@link RevocationAcrossNodesTest}).
 */
class PoliciesAcrossNodesTest {
    private static final int LEASE = 50;
    private static final int THREADS_PER_NODE = 4;

    private static KeyManager node(TestDatabase.PostgresSchema db, Duration poll) {
        return KeyManager.builder().store(JdbiKeyStore.builder(db.newPool()).build())
                .hasher(KeyHashers.hmacSha256()).creditLeaseSize(LEASE)
                .changeFeedPollInterval(poll).statusRefreshInterval(Duration.ofHours(1)).usageFlushInterval(Duration.ZERO)
                .build();
    }

    @Test
    void whenTwoNodesSpendOneRotationChainUnderLoadThenTheyNeverOverspendAndClosingLosesNothing() throws Exception {
        try (TestDatabase.PostgresSchema db = (TestDatabase.PostgresSchema) TestDatabase.postgres()) {
            JdbiKeyStore store = db.migratedStore();
            int balance = 6_000;
            KeyManager a = node(db, Duration.ofSeconds(1));
            KeyManager b = node(db, Duration.ofSeconds(1));
            IssuedKey old = a.issue(KeySpec.builder("acme", "metered").credits(Credits.of(balance)).build());
            IssuedKey next = a.rotate(old.id()); // the overlap: both tokens spend from one balance
            AtomicInteger served = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            load(List.of(a, b), 9_000, (node, i) -> node.verify(i % 2 == 0 ? old.token() : next.token()), served, refused);
            long leasedBeforeClose = a.credits(old.id()).orElseThrow().leasedHere() + b.credits(old.id()).orElseThrow().leasedHere();
            a.close();
            b.close();

            long left = store.findCredits(old.id()).orElseThrow().balance();
            System.out.printf(Locale.ROOT, "credits on two PostgreSQL nodes: %d served, %d refused, %d left in the store"
                    + " (%d given back on close)%n", served.get(), refused.get(), left, leasedBeforeClose);
            assertThat(served.get()).as("never more than the balance").isLessThanOrEqualTo(balance);
            assertThat(served.get() + left).as("spent + left = the balance: nothing lost by closing nodes").isEqualTo(balance);
            assertThat(left).as("what the nodes held at the end was at most one lease each").isLessThanOrEqualTo(2L * LEASE);
            assertThat(served.get() + refused.get()).isEqualTo(9_000);
        }
    }

    @Test
    void whenTheBalanceIsSetUnderLoadThenEachNodeSpendsAtMostOneLeaseUnderTheOldBalance() throws Exception {
        try (TestDatabase.PostgresSchema db = (TestDatabase.PostgresSchema) TestDatabase.postgres()) {
            db.migratedStore();
            KeyManager a = node(db, Duration.ofMillis(200));
            KeyManager b = node(db, Duration.ofMillis(200));
            IssuedKey k = a.issue(KeySpec.builder("acme", "reset").credits(Credits.of(1_000_000)).build());
            // Requests are counted by when they began: after the update returned (the new balance is in the store
            // and this node's old lease is void), and after it was called (what they spend may still be old credits).
            AtomicBoolean calling = new AtomicBoolean();
            AtomicBoolean returned = new AtomicBoolean();
            AtomicInteger servedSinceCall = new AtomicInteger();
            AtomicInteger servedAfterReturn = new AtomicInteger();
            int newBalance = 500;
            ExecutorService pool = Executors.newFixedThreadPool(2 * THREADS_PER_NODE + 1);
            try {
                CyclicBarrier start = new CyclicBarrier(2 * THREADS_PER_NODE + 1);
                List<Future<?>> workers = new ArrayList<>();
                for (int t = 0; t < 2 * THREADS_PER_NODE; t++) {
                    KeyManager node = t % 2 == 0 ? a : b;
                    workers.add(pool.submit(() -> {
                        start.await(30, TimeUnit.SECONDS);
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                        int refusedInARow = 0;
                        // until this thread has seen the new balance run out: 20 refusals in a row after the update
                        while (refusedInARow < 20 && System.nanoTime() < deadline) {
                            boolean sinceCall = calling.get();
                            boolean afterReturn = returned.get();
                            boolean served = node.verify(k.token()).isVerified();
                            if (served && sinceCall) {
                                servedSinceCall.incrementAndGet();
                            }
                            if (served && afterReturn) {
                                servedAfterReturn.incrementAndGet();
                            }
                            refusedInARow = served || !afterReturn ? 0 : refusedInARow + 1;
                        }
                        return null;
                    }));
                }
                start.await(30, TimeUnit.SECONDS);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300)); // both nodes hold leases now
                calling.set(true);
                a.update(k.id(), KeyUpdate.builder().credits(Credits.of(newBalance)).actor("billing").build());
                returned.set(true);
                for (Future<?> w : workers) {
                    w.get(180, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            a.close();
            b.close();
            System.out.printf(Locale.ROOT, "balance set to %d under load on two nodes: %d served after the set returned"
                    + " (bound %d), %d since it was called%n", newBalance, servedAfterReturn.get(), newBalance + 2 * LEASE,
                    servedSinceCall.get());
            assertThat(servedAfterReturn.get()).as("the new balance plus at most one old lease per node")
                    .isLessThanOrEqualTo(newBalance + 2 * LEASE);
            assertThat(servedSinceCall.get()).as("the new balance was spent (and old credits before the set landed)")
                    .isGreaterThanOrEqualTo(newBalance - 2 * THREADS_PER_NODE);
        }
    }

    @Test
    void whenANodeCrashesThenOnlyItsUnspentLeaseIsLost() {
        try (TestDatabase.PostgresSchema db = (TestDatabase.PostgresSchema) TestDatabase.postgres()) {
            JdbiKeyStore store = db.migratedStore();
            KeyManager survivor = node(db, Duration.ZERO);
            IssuedKey k = survivor.issue(KeySpec.builder("acme", "crash").credits(Credits.of(1_000)).build());
            KeyManager crashing = node(db, Duration.ZERO);
            for (int i = 0; i < 7; i++) {
                assertThat(crashing.verify(k.token()).isVerified()).isTrue();
            }
            long lost = crashing.credits(k.id()).orElseThrow().leasedHere();
            // the crashing node is never closed: its lease is not given back
            int served = 7;
            while (survivor.verify(k.token()) instanceof VerificationResult.Verified) {
                served++;
            }
            survivor.close();
            long left = store.findCredits(k.id()).orElseThrow().balance();
            assertThat(lost).isEqualTo(LEASE - 7);
            assertThat(left).isZero();
            assertThat(served + lost).as("lost: exactly the crashed node's unspent lease").isEqualTo(1_000);
        }
    }

    @Test
    void whenAKeyIsChangedOnOneNodeThenTheOtherAppliesItWithinTheRevocationBound() {
        try (TestDatabase.PostgresSchema db = (TestDatabase.PostgresSchema) TestDatabase.postgres()) {
            db.migratedStore();
            Duration poll = Duration.ofSeconds(1);
            Duration bound = Duration.ofSeconds(5); // as RevocationAcrossNodesTest: ten polls, at least five seconds
            List<Long> micros = new ArrayList<>();
            try (KeyManager a = node(db, poll); KeyManager b = node(db, poll)) {
                List<IssuedKey> keys = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    IssuedKey key = a.issue(KeySpec.builder("acme", "key " + i).scopes("kb:read", "kb:write").build());
                    assertThat(b.verify(key.token()).isVerified()).isTrue();
                    keys.add(key);
                }
                java.util.SplittableRandom random = new java.util.SplittableRandom();
                for (IssuedKey key : keys) {
                    LockSupport.parkNanos(random.nextLong(TimeUnit.MILLISECONDS.toNanos(20)));
                    long start = System.nanoTime();
                    a.update(key.id(), KeyUpdate.builder().scopes("kb:read").build());
                    long deadline = start + bound.toNanos();
                    while (((VerificationResult.Verified) b.verify(key.token())).grants("kb:write")) {
                        assertThat(System.nanoTime()).as("the change is seen by B within %s", bound).isLessThan(deadline);
                        LockSupport.parkNanos(200_000);
                    }
                    micros.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start));
                }
            }
            Collections.sort(micros);
            System.out.printf(Locale.ROOT, "in-place change A -> B, PostgreSQL, LISTEN/NOTIFY, poll 1 s: p50 %.1f ms, p99 %.1f ms,"
                    + " max %.1f ms (%d changes)%n", RevocationAcrossNodesTest.percentile(micros, 50) / 1000.0,
                    RevocationAcrossNodesTest.percentile(micros, 99) / 1000.0, micros.get(micros.size() - 1) / 1000.0, micros.size());
        }
    }

    interface Call {
        VerificationResult verify(KeyManager node, int i);
    }

    private static void load(List<KeyManager> nodes, int total, Call call, AtomicInteger served, AtomicInteger refused)
            throws Exception {
        int threads = nodes.size() * THREADS_PER_NODE;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            AtomicInteger issued = new AtomicInteger();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                KeyManager node = nodes.get(t % nodes.size());
                futures.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    for (int i; (i = issued.getAndIncrement()) < total; ) {
                        if (call.verify(node, i).isVerified()) {
                            served.incrementAndGet();
                        } else {
                            refused.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(180, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
