package dev.keyvault.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyvault.CapacityExceededException;
import dev.keyvault.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The scheduling rules of slow hashes, pinned down with work that blocks until the test lets it go:
 * who gets the next slot, who joins whom, who is refused. No timing is asserted.
 */
class HashSchedulerTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final MutableClock clock = MutableClock.create();
    private final Semaphore gate = new Semaphore(0);
    private final List<String> ran = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        gate.release(1_000);
        pool.shutdownNow();
    }

    /** Work that records its name when it starts and then waits for the gate. */
    private String gated(String name) {
        ran.add(name);
        try {
            if (!gate.tryAcquire(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the gate was never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return name;
    }

    private Future<String> submit(HashScheduler s, HashScheduler.Lane lane, String keyId, String name) {
        return pool.submit(() -> s.compute(lane, keyId, s.deadline(), () -> gated(name)));
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached");
            }
            Thread.sleep(1); // waiting for other threads to park, not moving time
        }
    }

    @Test
    void whenFloodedKeysAndAQuietKeyWaitThenTheQuietKeyGetsTheNextSlot() throws Exception {
        HashScheduler s = new HashScheduler(1, Duration.ofSeconds(30), clock);
        for (int i = 0; i < 3; i++) {
            s.penalize("flooded1");
            s.penalize("flooded2");
        }
        Future<String> running = submit(s, HashScheduler.Lane.VERIFY, "flooded1", "flood-running");
        await(() -> ran.size() == 1);
        List<Future<String>> queued = new ArrayList<>();
        queued.add(submit(s, HashScheduler.Lane.VERIFY, "flooded2", "flood-a"));
        queued.add(submit(s, HashScheduler.Lane.VERIFY, "flooded1", "flood-b"));
        await(() -> s.waiting() == 2);
        Future<String> quiet = submit(s, HashScheduler.Lane.VERIFY, "quiet", "legitimate");
        await(() -> s.waiting() == 3);

        gate.release(); // the running flood hash ends
        await(() -> ran.size() == 2);

        assertThat(ran.get(1)).isEqualTo("legitimate");
        gate.release(10);
        assertThat(quiet.get()).isEqualTo("legitimate");
        assertThat(running.get()).isEqualTo("flood-running");
        for (Future<String> f : queued) {
            f.get();
        }
        assertThat(ran).hasSize(4);
    }

    @Test
    void whenVerifiesQueueThenIssuingGoesFirst() throws Exception {
        HashScheduler s = new HashScheduler(1, Duration.ofSeconds(30), clock);
        submit(s, HashScheduler.Lane.VERIFY, "k1", "running");
        await(() -> ran.size() == 1);
        submit(s, HashScheduler.Lane.VERIFY, "k2", "verify-a");
        submit(s, HashScheduler.Lane.VERIFY, "k3", "verify-b");
        await(() -> s.waiting() == 2);
        Future<String> issue = submit(s, HashScheduler.Lane.ISSUE, null, "issue");
        await(() -> s.waiting() == 3);

        gate.release();
        await(() -> ran.size() == 2);

        assertThat(ran.get(1)).isEqualTo("issue");
        gate.release(10);
        assertThat(issue.get()).isEqualTo("issue");
    }

    @Test
    void whenEqualPenaltiesWaitThenTheyAreServedInArrivalOrder() throws Exception {
        HashScheduler s = new HashScheduler(1, Duration.ofSeconds(30), clock);
        submit(s, HashScheduler.Lane.VERIFY, "k0", "first");
        await(() -> ran.size() == 1);
        for (int i = 1; i <= 4; i++) {
            submit(s, HashScheduler.Lane.VERIFY, "k" + i, "n" + i);
            int n = i;
            await(() -> s.waiting() == n);
        }
        gate.release(10);
        await(() -> ran.size() == 5);
        assertThat(ran).containsExactly("first", "n1", "n2", "n3", "n4");
    }

    @Test
    void whenPenaltiesAgeOutThenTheKeyIsNoLongerPenalized() {
        HashScheduler s = new HashScheduler(1, Duration.ofSeconds(30), clock);
        s.penalize("k");
        s.penalize("k");
        assertThat(s.penalty("k")).isEqualTo(2);
        clock.advance(Duration.ofMinutes(HashScheduler.PENALTY_WINDOW_MINUTES).plusSeconds(1));
        assertThat(s.penalty("k")).isZero();
    }

    @Test
    void whenOneKeyIsCheckedBySeveralCallersThenTheyTakeTurnsAndTheSameSecretIsCheckedOnce() throws Exception {
        HashScheduler s = new HashScheduler(4, Duration.ofSeconds(30), clock);
        AtomicInteger bodies = new AtomicInteger();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(1);
        List<Future<String>> same = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            same.add(pool.submit(() -> s.inLine("key", "secret-1", s.deadline(), () -> {
                bodies.incrementAndGet();
                maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                started.countDown();
                String r = gated("secret-1");
                concurrent.decrementAndGet();
                return r;
            })));
        }
        started.await();
        await(() -> s.joined() == 19);
        Future<String> other = pool.submit(() -> s.inLine("key", "secret-2", s.deadline(), () -> {
            bodies.incrementAndGet();
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            String r = gated("secret-2");
            concurrent.decrementAndGet();
            return r;
        }));
        gate.release(100);
        for (Future<String> f : same) {
            assertThat(f.get()).isEqualTo("secret-1");
        }
        assertThat(other.get()).isEqualTo("secret-2");
        assertThat(maxConcurrent.get()).as("bodies of one key id running at once").isEqualTo(1);
        assertThat(bodies.get()).as("secret-1 checked once for its 20 callers, secret-2 once").isEqualTo(2);
    }

    @Test
    void whenTooManyDifferentSecretsWaitForOneKeyThenTheNextIsRefusedAtOnce() throws Exception {
        HashScheduler s = new HashScheduler(1, Duration.ofSeconds(30), clock);
        CountDownLatch first = new CountDownLatch(1);
        List<Future<String>> waiting = new ArrayList<>();
        waiting.add(pool.submit(() -> s.inLine("key", "s0", s.deadline(), () -> {
            first.countDown();
            return gated("s0");
        })));
        first.await();
        for (int i = 1; i < HashScheduler.MAX_SECRETS_PER_KEY; i++) {
            String secret = "s" + i;
            waiting.add(pool.submit(() -> s.inLine("key", secret, s.deadline(), () -> gated(secret))));
        }
        await(() -> s.secretsInLine("key") == HashScheduler.MAX_SECRETS_PER_KEY);

        // A ninth distinct secret is refused at once, though its deadline is far away.
        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(
                () -> s.inLine("key", "s-extra", s.deadline(), () -> "ran"));
        assertThat(refused).isInstanceOf(CapacityExceededException.class).hasMessageContaining("too many different secrets");
        Future<String> sameAsWaiting = pool.submit(() -> s.inLine("key", "s3", s.deadline(), () -> "own body"));
        await(() -> s.joined() == 1); // the same secret as one waiting joins it; it is not refused
        assertThat(s.inLine("other-key", "s", s.deadline(), () -> "x")).as("another key id has its own line").isEqualTo("x");
        gate.release(100);
        for (Future<String> f : waiting) {
            f.get();
        }
        assertThat(sameAsWaiting.get()).isEqualTo("s3");
    }

    @Test
    void whenNoSlotFreesBeforeTheDeadlineThenCapacityExceededAndTheQueueIsLeftClean() throws Exception {
        HashScheduler s = new HashScheduler(1, Duration.ofMillis(50), clock);
        Future<String> running = submit(s, HashScheduler.Lane.VERIFY, "k", "running");
        await(() -> ran.size() == 1);

        assertThatThrownBy(() -> s.compute(HashScheduler.Lane.VERIFY, "j", s.deadline(), () -> "never"))
                .isInstanceOf(CapacityExceededException.class);
        assertThat(s.waiting()).isZero();
        assertThat(s.tryCompute(() -> ran.add("opportunistic"))).as("no slot free").isFalse();

        gate.release();
        running.get();
        assertThat(s.tryCompute(() -> ran.add("opportunistic"))).isTrue();
        assertThat(s.compute(HashScheduler.Lane.VERIFY, "j", s.deadline(), () -> "now")).isEqualTo("now");
    }
}
