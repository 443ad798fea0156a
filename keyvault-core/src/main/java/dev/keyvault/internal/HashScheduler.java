package dev.keyvault.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.keyvault.CapacityExceededException;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Decides who may run a slow hash (Argon2id, bcrypt) and when. A slow hash costs tens of
 * milliseconds of CPU, and key ids are public, so anyone can make a node spend one by sending a
 * well-formed token with a wrong secret for a key it has not cached. Three rules keep such a flood
 * from starving everyone else:
 *
 * <ol>
 *   <li><b>One line per key id.</b> At most one slow hash per key id runs at a time
 *       ({@link #inLine}); a caller presenting the same secret as one already queued or running
 *       waits for that result instead of hashing again; at most {@value #MAX_SECRETS_PER_KEY}
 *       distinct secrets may wait for one key id, and a caller beyond that is refused at once with
 *       {@link CapacityExceededException} instead of holding a thread.</li>
 *   <li><b>Bounded, prioritized slots.</b> At most {@code permits} slow hashes run at once
 *       ({@link #compute}). Issuing and rotating keys go first; then verifications of key ids with
 *       fewer recent failures ({@link #penalize}, counted over {@value #PENALTY_WINDOW_MINUTES} minutes);
 *       arrival order breaks ties. A legitimate cold verify of a key nobody attacks therefore waits
 *       for at most the hashes already running, however many flood requests are queued.</li>
 *   <li><b>Everyone waits a bounded time.</b> The whole wait (line and slot) is bounded by the
 *       timeout, then {@link CapacityExceededException}.</li>
 * </ol>
 *
 * <p>What remains: an attacker who knows many key ids and sends each one only once ties with
 * legitimate first verifies (both have no failures yet) and is served in arrival order; the servlet
 * filter's per-client failure limit is the defence there. Thread-safe.
 */
public final class HashScheduler {
    /** Distinct secrets that may wait for one key id at once. Legitimate traffic has one. */
    static final int MAX_SECRETS_PER_KEY = 8;
    static final int PENALTY_WINDOW_MINUTES = 5;
    private static final int MAX_PENALIZED_KEYS = 100_000;

    /** Who asks for a slot, most urgent first. */
    public enum Lane {
        /** Hashing a new secret: issue, rotate, emergency rotation — an operator must be able to act during an attack. */
        ISSUE,
        /** Checking a presented secret. */
        VERIFY
    }

    private final int permits;
    private final long timeoutNanos;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}. */
    private int free;
    /** Guarded by {@link #lock}. */
    private final PriorityQueue<Waiter> waiting = new PriorityQueue<>(Waiter.ORDER);
    /** Guarded by {@link #lock}. */
    private long arrivals;
    private final ConcurrentHashMap<String, Line> lines = new ConcurrentHashMap<>();
    private final Cache<String, AtomicInteger> failures;
    private final AtomicLong joined = new AtomicLong();

    public HashScheduler(int permits, Duration timeout, Clock clock) {
        this.permits = Checks.positive("permits", permits);
        this.free = permits;
        this.timeoutNanos = Checks.positive("timeout", timeout).toNanos();
        this.failures = Caffeine.newBuilder()
                .maximumSize(MAX_PENALIZED_KEYS)
                .expireAfterWrite(Duration.ofMinutes(PENALTY_WINDOW_MINUTES))
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .build();
    }

    /** A deadline {@code timeout} from now, for one caller's whole wait. */
    public long deadline() {
        return System.nanoTime() + timeoutNanos;
    }

    // ------------------------------------------------------------------------------------ lines

    /**
     * Runs {@code body} as the only caller of {@code keyId}'s line, after the callers ahead of it; a
     * caller with an equal {@code flight} (the same secret) already queued or running is joined
     * instead: this returns its result, or throws its exception.
     *
     * @throws CapacityExceededException if too many distinct secrets wait for this key id, or the
     *                                   deadline passes first
     */
    @SuppressWarnings("unchecked")
    public <T> T inLine(String keyId, Object flight, long deadline, Supplier<T> body) {
        Line line = lines.compute(keyId, (k, l) -> {
            Line x = l == null ? new Line() : l;
            x.users++;
            return x;
        });
        try {
            CompletableFuture<Object> mine = new CompletableFuture<>();
            CompletableFuture<Object> running = line.flights.putIfAbsent(flight, mine);
            if (running != null) {
                joined.incrementAndGet();
                return (T) join(running, deadline);
            }
            try {
                if (line.flights.size() > MAX_SECRETS_PER_KEY) {
                    throw full();
                }
                if (!line.turn.tryLock(remaining(deadline), TimeUnit.NANOSECONDS)) {
                    throw timedOut();
                }
                try {
                    T result = body.get();
                    mine.complete(result);
                    return result;
                } finally {
                    line.turn.unlock();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                CapacityExceededException refused = new CapacityExceededException("interrupted while waiting to check a secret");
                mine.completeExceptionally(refused);
                throw refused;
            } catch (RuntimeException | Error e) {
                mine.completeExceptionally(e);
                throw e;
            } finally {
                line.flights.remove(flight, mine);
            }
        } finally {
            lines.computeIfPresent(keyId, (k, l) -> --l.users == 0 ? null : l);
        }
    }

    /**
     * Whether {@link #inLine} would refuse a caller of {@code keyId} with {@code flight} at once (its
     * line is full and no equal flight is in it): lets a caller shed such a request before any I/O.
     */
    public boolean isFull(String keyId, Object flight) {
        Line line = lines.get(keyId);
        return line != null && line.flights.size() >= MAX_SECRETS_PER_KEY && !line.flights.containsKey(flight);
    }

    /** The refusal of {@link #inLine} for a full line. */
    public CapacityExceededException full() {
        return new CapacityExceededException("too many different secrets are waiting to be checked for one key id; retry later");
    }

    private Object join(CompletableFuture<Object> running, long deadline) {
        try {
            return running.get(remaining(deadline), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CapacityExceededException("interrupted while waiting to check a secret");
        } catch (TimeoutException | CancellationException e) {
            throw timedOut();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    // ------------------------------------------------------------------------------------ slots

    /**
     * Runs {@code work} in one of the bounded slots, waiting by priority: {@code lane}, then the
     * recent failures of {@code keyId} (none for {@code null}), then arrival.
     *
     * @throws CapacityExceededException if no slot became free before {@code deadline}
     */
    public <T> T compute(Lane lane, String keyId, long deadline, Supplier<T> work) {
        acquire(lane, keyId == null ? 0 : penalty(keyId), deadline);
        try {
            return work.get();
        } finally {
            release();
        }
    }

    /** Runs {@code work} only if a slot is free and nobody waits (opportunistic work such as a rehash). */
    public boolean tryCompute(Runnable work) {
        lock.lock();
        try {
            if (free == 0 || !waiting.isEmpty()) {
                return false;
            }
            free--;
        } finally {
            lock.unlock();
        }
        try {
            work.run();
            return true;
        } finally {
            release();
        }
    }

    private void acquire(Lane lane, int penalty, long deadline) {
        lock.lock();
        try {
            if (free > 0 && waiting.isEmpty()) {
                free--;
                return;
            }
            Waiter w = new Waiter(lane.ordinal(), penalty, arrivals++, lock.newCondition());
            waiting.add(w);
            while (!w.granted) {
                long left = remaining(deadline);
                if (left <= 0) {
                    waiting.remove(w);
                    throw timedOut();
                }
                try {
                    w.signal.awaitNanos(left);
                } catch (InterruptedException e) {
                    if (w.granted) {
                        release(); // granted while being interrupted: hand the slot on
                    } else {
                        waiting.remove(w);
                    }
                    Thread.currentThread().interrupt();
                    throw new CapacityExceededException("interrupted while waiting for a hashing slot");
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void release() {
        lock.lock();
        try {
            Waiter next = waiting.poll();
            if (next == null) {
                free++;
            } else {
                next.granted = true;
                next.signal.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    // --------------------------------------------------------------------------------- failures

    /** A slow check of {@code keyId} found a wrong secret: its later checks queue behind other keys'. */
    public void penalize(String keyId) {
        failures.get(keyId, k -> new AtomicInteger()).incrementAndGet();
    }

    /** Failed slow checks of {@code keyId} within the window. */
    public int penalty(String keyId) {
        AtomicInteger n = failures.getIfPresent(keyId);
        return n == null ? 0 : n.get();
    }

    /** Callers that shared the result of a check of the same secret instead of running their own, since start. */
    public long joined() {
        return joined.get();
    }

    /** Distinct secrets queued or being checked for {@code keyId} now (for tests). */
    int secretsInLine(String keyId) {
        Line line = lines.get(keyId);
        return line == null ? 0 : line.flights.size();
    }

    /** The number of slots. */
    public int size() {
        return permits;
    }

    /** Callers waiting for a slot now (for monitoring and tests). */
    public int waiting() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    private CapacityExceededException timedOut() {
        return new CapacityExceededException("all " + permits + " hashing slots stayed busy for up to "
                + Duration.ofNanos(timeoutNanos) + "; retry later");
    }

    private static long remaining(long deadline) {
        return deadline - System.nanoTime();
    }

    private static final class Line {
        /** Guarded by the {@link #lines} map's lock for this key. */
        int users;
        /** Fair: callers of one key id take their turns in arrival order. */
        final ReentrantLock turn = new ReentrantLock(true);
        final ConcurrentHashMap<Object, CompletableFuture<Object>> flights = new ConcurrentHashMap<>();
    }

    private static final class Waiter {
        static final Comparator<Waiter> ORDER = Comparator.<Waiter>comparingInt(w -> w.lane)
                .thenComparingInt(w -> w.penalty)
                .thenComparingLong(w -> w.arrival);

        final int lane;
        final int penalty;
        final long arrival;
        final Condition signal;
        boolean granted;

        Waiter(int lane, int penalty, long arrival, Condition signal) {
            this.lane = lane;
            this.penalty = penalty;
            this.arrival = arrival;
            this.signal = signal;
        }
    }
}
