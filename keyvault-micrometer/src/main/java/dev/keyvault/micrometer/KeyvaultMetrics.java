package dev.keyvault.micrometer;

import static java.util.Objects.requireNonNull;

import dev.keyvault.CapacityExceededException;
import dev.keyvault.HashingException;
import dev.keyvault.KeyManager;
import dev.keyvault.KeyStoreException;
import dev.keyvault.VerificationRequest;
import dev.keyvault.VerificationResult;
import dev.keyvault.rotation.RotationDueCounts;
import dev.keyvault.rotation.RotationDueQuery;
import dev.keyvault.spi.KeyStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The meters of a {@link KeyManager}, for any Micrometer registry (Spring Boot binds it by itself
 * when it is a bean). Every meter carries the tag {@code prefix} (the manager's key prefix, such as
 * {@code kb_live}), and only tags of a few values besides: never a key id, owner or address.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>{@code keyvault.verify}</td><td>timer</td><td>{@code result} ({@code verified},
 *       {@code rejected}, {@code unavailable}), {@code reason} ({@code none}, {@code malformed},
 *       {@code unknown}, {@code invalid}, {@code revoked}, {@code expired}, {@code ip_not_allowed},
 *       {@code credits_exhausted}; for unavailable
 *       {@code store}, {@code capacity}, {@code hashing}, {@code other}), {@code cache}
 *       ({@code hot}, {@code cold}, {@code unknown})</td><td>verifications made through
 *       {@link #verify}: outcome and time, hot (from this node's cache, no I/O) or cold (it read
 *       the store)</td></tr>
 *   <tr><td>{@code keyvault.cache.keys}</td><td>gauge</td><td></td><td>keys whose verification
 *       this node caches</td></tr>
 *   <tr><td>{@code keyvault.hashing.waiting}</td><td>gauge</td><td></td><td>slow hashes waiting
 *       for a slot now</td></tr>
 *   <tr><td>{@code keyvault.usage.unflushed}</td><td>gauge</td><td></td><td>requests recorded and
 *       not yet written</td></tr>
 *   <tr><td>{@code keyvault.usage.buffered.rollups}</td><td>gauge</td><td></td><td>rollups held
 *       in memory</td></tr>
 *   <tr><td>{@code keyvault.usage.buffered.size}</td><td>gauge, bytes</td><td></td><td>their
 *       estimated size</td></tr>
 *   <tr><td>{@code keyvault.usage.dropped}</td><td>counter</td><td></td><td>requests whose usage
 *       did not fit the buffer</td></tr>
 *   <tr><td>{@code keyvault.usage.folded}</td><td>counter</td><td></td><td>requests counted under
 *       an "other" label</td></tr>
 *   <tr><td>{@code keyvault.feed.sequence}</td><td>gauge</td><td></td><td>the last change-feed
 *       entry this node applied</td></tr>
 *   <tr><td>{@code keyvault.feed.lag}</td><td>gauge</td><td></td><td>change-feed entries the
 *       store has and this node has not applied (with {@link Builder#store})</td></tr>
 *   <tr><td>{@code keyvault.rotation.due}</td><td>gauge</td><td>{@code urgency}
 *       ({@code overdue}, {@code due}, {@code upcoming})</td><td>active keys due for rotation,
 *       from {@link KeyManager#rotationDue}</td></tr>
 * </table>
 *
 * <p><b>Verifications</b> are measured where they are made: call {@link #verify} instead of
 * {@code KeyManager.verify} (the Spring integration does). Hot and cold are told apart when the
 * manager's store is a {@link MeteredKeyStore} given to {@link Builder#store}; otherwise the
 * {@code cache} tag is {@code unknown}.
 *
 * <p><b>Keys due for rotation</b> come from {@link KeyManager#rotationDueCounts}, which the store
 * counts over its due-date index without reading the keys and which tells no listener (a gauge read
 * is not a rotation reminder): counted at most once per {@link Builder#rotationDueRefresh} (default
 * one minute), on the thread that reads the gauge, and the last figures are kept if the store fails. The
 * <b>feed lag</b> reads the store's latest sequence at most once per {@link Builder#feedRefresh}
 * (default 5 seconds). Every other gauge reads {@link KeyManager#stats()}, in memory.
 *
 * <p>Immutable once built, and thread-safe; it may be bound to several registries.
 */
public final class KeyvaultMetrics implements MeterBinder {
    private static final Logger LOG = LoggerFactory.getLogger(KeyvaultMetrics.class);

    /** Outcomes, in the order of the timers' index: verified, the seven rejections, four failures. */
    private static final String[][] OUTCOMES = {
        {"verified", "none"},
        {"rejected", "malformed"}, {"rejected", "unknown"}, {"rejected", "invalid"}, {"rejected", "revoked"},
        {"rejected", "expired"},
        {"rejected", "ip_not_allowed"},
        {"rejected", "credits_exhausted"},
        {"unavailable", "store"}, {"unavailable", "capacity"}, {"unavailable", "hashing"}, {"unavailable", "other"},
    };
    private static final String[] CACHE = {"hot", "cold", "unknown"};
    private static final int HOT = 0;
    private static final int COLD = 1;
    private static final int UNKNOWN = 2;

    private final KeyManager keys;
    private final Optional<KeyStore> store;
    private final boolean classifies;
    private final Tags tags;
    private final Duration rotationDueRefresh;
    private final Duration feedRefresh;
    private final List<BoundTimers> bound = new CopyOnWriteArrayList<>();
    private final Cached<long[]> rotationDue;
    private final Cached<Long> latestSequence;

    private KeyvaultMetrics(Builder b) {
        this.keys = b.keys;
        this.store = Optional.ofNullable(b.store);
        this.classifies = b.store instanceof MeteredKeyStore;
        this.tags = Tags.of("prefix", keys.keyPrefix()).and(b.tags);
        this.rotationDueRefresh = b.rotationDueRefresh;
        this.feedRefresh = b.feedRefresh;
        this.rotationDue = new Cached<>(rotationDueRefresh, this::readRotationDue);
        this.latestSequence = new Cached<>(feedRefresh, () -> b.store.latestSequence());
    }

    /** A builder for the meters of {@code keys}; see its setters for the defaults. */
    public static Builder builder(KeyManager keys) {
        return new Builder(requireNonNull(keys, "keys"));
    }

    /** The meters of {@code keys} with every default: no store (no feed lag, {@code cache} unknown). */
    public static KeyvaultMetrics of(KeyManager keys) {
        return builder(keys).build();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        requireNonNull(registry, "registry");
        gauge(registry, "keyvault.cache.keys", "keys whose verification this node caches", "keys",
                m -> m.keys.stats().cachedKeys());
        gauge(registry, "keyvault.hashing.waiting", "slow hashes waiting for a slot", "hashes",
                m -> m.keys.stats().hashesWaiting());
        gauge(registry, "keyvault.usage.unflushed", "requests recorded and not yet written", "requests",
                m -> m.keys.stats().unflushedRequests());
        gauge(registry, "keyvault.usage.buffered.rollups", "usage rollups held in memory", "rollups",
                m -> m.keys.stats().bufferedRollups());
        gauge(registry, "keyvault.usage.buffered.size", "estimated size of the usage rollups held in memory", "bytes",
                m -> m.keys.stats().bufferedBytes());
        FunctionCounter.builder("keyvault.usage.dropped", this, m -> m.stat(() -> m.keys.stats().droppedRequests()))
                .description("requests whose usage did not fit the buffer (their keys' last use is still recorded)")
                .baseUnit("requests").tags(tags).register(registry);
        FunctionCounter.builder("keyvault.usage.folded", this, m -> m.stat(() -> m.keys.stats().foldedRequests()))
                .description("requests counted under an 'other' user agent, consumer or address")
                .baseUnit("requests").tags(tags).register(registry);
        gauge(registry, "keyvault.feed.sequence", "the last change-feed entry this node applied", null,
                m -> m.keys.stats().feedSequence());
        if (store.isPresent()) {
            gauge(registry, "keyvault.feed.lag", "change-feed entries the store has and this node has not applied", "entries",
                    KeyvaultMetrics::feedLagNow);
        }
        String[] urgencies = {"overdue", "due", "upcoming"};
        for (int i = 0; i < urgencies.length; i++) {
            int index = i;
            Gauge.builder("keyvault.rotation.due", this, m -> m.rotationDueCount(index))
                    .description("active keys due for rotation, by urgency")
                    .baseUnit("keys").tags(tags).tag("urgency", urgencies[i]).register(registry);
        }
        bound.add(new BoundTimers(registry, tags));
    }

    private void gauge(MeterRegistry registry, String name, String description, String unit,
            ToDoubleFunction<KeyvaultMetrics> value) {
        Gauge.Builder<KeyvaultMetrics> b = Gauge.builder(name, this, m -> m.stat(() -> value.applyAsDouble(m)))
                .description(description).tags(tags);
        if (unit != null) {
            b.baseUnit(unit);
        }
        b.register(registry);
    }

    /** A figure, or NaN if it cannot be read (a closed manager, a failing store): gauges never throw. */
    private double stat(java.util.function.DoubleSupplier figure) {
        try {
            return figure.getAsDouble();
        } catch (RuntimeException e) {
            LOG.debug("keyvault metric unavailable: {}", e.getClass().getName());
            return Double.NaN;
        }
    }

    /**
     * Verifies as {@link KeyManager#verify(VerificationRequest)} does, and records the outcome and
     * its time in {@code keyvault.verify} of every registry this is bound to. Exceptions are the
     * manager's, rethrown after being counted.
     */
    public VerificationResult verify(VerificationRequest request) {
        requireNonNull(request, "request");
        long lookupsBefore = classifies ? MeteredKeyStore.lookups() : 0;
        long start = System.nanoTime();
        VerificationResult result;
        try {
            result = keys.verify(request);
        } catch (RuntimeException e) {
            record(failureIndex(e), cache(lookupsBefore), System.nanoTime() - start);
            throw e;
        }
        record(outcomeIndex(result), cache(lookupsBefore), System.nanoTime() - start);
        return result;
    }

    private int cache(long lookupsBefore) {
        if (!classifies) {
            return UNKNOWN;
        }
        return MeteredKeyStore.lookups() == lookupsBefore ? HOT : COLD;
    }

    private void record(int outcome, int cache, long nanos) {
        for (BoundTimers t : bound) {
            t.timer(outcome, cache).record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    private static int outcomeIndex(VerificationResult result) {
        if (result instanceof VerificationResult.Rejected rejected) {
            return switch (rejected.reason()) {
                case MALFORMED -> 1;
                case UNKNOWN -> 2;
                case INVALID -> 3;
                case REVOKED -> 4;
                case EXPIRED -> 5;
                case IP_NOT_ALLOWED -> 6;
                case CREDITS_EXHAUSTED -> 7;
            };
        }
        return 0;
    }

    private static int failureIndex(RuntimeException e) {
        if (e instanceof KeyStoreException) {
            return 8;
        }
        if (e instanceof CapacityExceededException) {
            return 9;
        }
        if (e instanceof HashingException) {
            return 10;
        }
        return 11;
    }

    private double feedLagNow() {
        return feedLag().orElse(0L);
    }

    /**
     * How many change-feed entries the store has that this node has not applied, as of the last
     * read of the store's latest sequence (at most {@link Builder#feedRefresh} old); empty without
     * a {@link Builder#store store}.
     *
     * @throws dev.keyvault.KeyStoreException if the store cannot be read and no earlier figure is known
     */
    public Optional<Long> feedLag() {
        if (store.isEmpty()) {
            return Optional.empty();
        }
        long latest = latestSequence.get();
        return Optional.of(Math.max(0, latest - keys.stats().feedSequence()));
    }

    private double rotationDueCount(int index) {
        return rotationDue.get()[index];
    }

    /** The counts per urgency, counted by the store over the due-date index; no listener is told (a gauge only reads). */
    private long[] readRotationDue() {
        RotationDueCounts counts = keys.rotationDueCounts(RotationDueQuery.asOf(keys.clock().instant()));
        return new long[] {counts.overdue(), counts.due(), counts.upcoming()};
    }

    @Override
    public String toString() {
        return "KeyvaultMetrics[" + tags.stream().map(Tag::getValue).toList() + ", rotationDueRefresh=" + rotationDueRefresh
                + ", feedRefresh=" + feedRefresh + "]";
    }

    /** The timers of one registry, created on first use so unused outcomes add no series. */
    private static final class BoundTimers {
        private final MeterRegistry registry;
        private final Tags tags;
        private final AtomicReferenceArray<Timer> timers = new AtomicReferenceArray<>(OUTCOMES.length * CACHE.length);

        BoundTimers(MeterRegistry registry, Tags tags) {
            this.registry = registry;
            this.tags = tags;
        }

        Timer timer(int outcome, int cache) {
            int i = outcome * CACHE.length + cache;
            Timer t = timers.get(i);
            if (t == null) {
                t = Timer.builder("keyvault.verify")
                        .description("API key verifications, by outcome, hot (cached) or cold (read the store)")
                        .tags(tags)
                        .tag("result", OUTCOMES[outcome][0])
                        .tag("reason", OUTCOMES[outcome][1])
                        .tag("cache", CACHE[cache])
                        .register(registry); // the registry returns the same timer to racing threads
                timers.set(i, t);
            }
            return t;
        }
    }

    /**
     * A value read at most once per interval, by whichever thread asks first; the others get the
     * previous value meanwhile. A failed read keeps the previous value (or rethrows if there is none).
     */
    private final class Cached<T> {
        private final long intervalMillis;
        private final java.util.function.Supplier<T> reader;
        private final ReentrantLock lock = new ReentrantLock();
        private volatile T value;
        private volatile long readAt = Long.MIN_VALUE;

        Cached(Duration interval, java.util.function.Supplier<T> reader) {
            this.intervalMillis = interval.toMillis();
            this.reader = reader;
        }

        T get() {
            long now = keys.clock().millis();
            T v = value;
            if (v != null && now - readAt < intervalMillis) {
                return v;
            }
            if (v != null && !lock.tryLock()) {
                return v; // another thread is reading it
            }
            if (v == null) {
                lock.lock();
            }
            try {
                if (value != null && keys.clock().millis() - readAt < intervalMillis) {
                    return value;
                }
                try {
                    value = reader.get();
                } catch (RuntimeException e) {
                    if (value == null) {
                        throw e;
                    }
                    LOG.debug("keyvault metric kept its last value: {}", e.getClass().getName());
                }
                readAt = now;
                return value;
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Configures {@link KeyvaultMetrics}. Every setter checks its argument at once; setting one
     * twice is an {@link IllegalStateException}. Not thread-safe.
     */
    public static final class Builder {
        private final KeyManager keys;
        private KeyStore store;
        private Tags tags = Tags.empty();
        private Duration rotationDueRefresh = Duration.ofMinutes(1);
        private Duration feedRefresh = Duration.ofSeconds(5);
        private final java.util.Set<String> set = new java.util.HashSet<>();

        private Builder(KeyManager keys) {
            this.keys = keys;
        }

        private void once(String option) {
            if (!set.add(option)) {
                throw new IllegalStateException(option + " was already set");
            }
        }

        /**
         * The store the manager was built with: adds {@code keyvault.feed.lag}, and — when it is a
         * {@link MeteredKeyStore} — tells hot verifications from cold ones. Default: none.
         */
        public Builder store(KeyStore store) {
            requireNonNull(store, "store");
            once("store");
            this.store = store;
            return this;
        }

        /** Tags added to every meter (low-cardinality ones, such as the application). Default: none. */
        public Builder tags(Iterable<Tag> tags) {
            requireNonNull(tags, "tags");
            once("tags");
            this.tags = Tags.of(tags);
            return this;
        }

        /**
         * How old the figures of {@code keyvault.rotation.due} may get: each refresh is one count
         * over the store's due-date index. At least one second. Default: one minute.
         */
        public Builder rotationDueRefresh(Duration interval) {
            requireNonNull(interval, "interval");
            if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("rotationDueRefresh must be at least 1 second, was " + interval);
            }
            once("rotationDueRefresh");
            this.rotationDueRefresh = interval;
            return this;
        }

        /**
         * How old the store's latest sequence behind {@code keyvault.feed.lag} may get. Zero reads it
         * on every gauge read. Default: 5 seconds.
         */
        public Builder feedRefresh(Duration interval) {
            requireNonNull(interval, "interval");
            if (interval.isNegative()) {
                throw new IllegalArgumentException("feedRefresh must not be negative, was " + interval);
            }
            once("feedRefresh");
            this.feedRefresh = interval;
            return this;
        }

        public KeyvaultMetrics build() {
            return new KeyvaultMetrics(this);
        }
    }
}
