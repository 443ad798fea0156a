package dev.keyvault;

import static java.util.Objects.requireNonNull;

import dev.keyvault.internal.Checks;
import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.rotation.RotationPolicy;
import dev.keyvault.spi.KeyHasher;
import dev.keyvault.spi.KeyStore;
import dev.keyvault.spi.PepperSource;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Configures a {@link KeyManager}; obtain one from {@link KeyManager#builder()}. Every setter checks
 * its argument at once ({@link NullPointerException}, {@link IllegalArgumentException}); setting
 * the same option twice is an {@link IllegalStateException}. Only {@link #store} is required. Not
 * thread-safe; the built manager is.
 */
public final class KeyManagerBuilder {
    KeyStore store;
    KeyHasher hasher;
    List<KeyHasher> additionalHashers;
    Clock clock = Clock.systemUTC();
    String keyPrefix = "kv";
    long cacheMaximumSize = -1;
    long cacheMaximumBytes = Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 16);
    Duration statusRefreshInterval = Duration.ofSeconds(30);
    RotationPolicy rotationPolicy = RotationPolicy.defaults();
    KeyEventListener listener = KeyEventListeners.noop();
    Duration usageFlushInterval = Duration.ofSeconds(1);
    int maxBufferedRollups = 100_000;
    long maxBufferedUsageBytes = 32L * 1024 * 1024;
    int maxUserAgentsPerKeyMinute = 20;
    int maxRollupsPerKeyMinute = 1_000;
    Duration changeFeedPollInterval = Duration.ofSeconds(1);
    Duration changeRetention = Duration.ofDays(7);
    int maxConcurrentHashes = Runtime.getRuntime().availableProcessors();
    Duration hashingTimeout = Duration.ofSeconds(5);
    Duration rotationQuietPeriod = Duration.ofHours(24);
    boolean requireEnvironment;
    LegacyTokenFormat legacyTokens;
    PepperSource pepperSource;
    boolean pepperDeclined;
    long creditLeaseSize = 100;
    UsageRetention usageRetention = UsageRetention.keepEverything();
    boolean recomputeDueDates = true;
    private final Set<String> set = new HashSet<>();

    KeyManagerBuilder() {}

    /**
     * A builder for unit tests of host applications, preset to: a fresh {@link InMemoryKeyStore}, the
     * given (movable) clock, HMAC-SHA-256 under a random pepper (cheap: tests issue thousands of
     * keys), and no background threads (usage is written by {@code flush()} and {@code close()},
     * other managers' changes are seen after {@code pollChangeFeed()}). Everything else — the prefix,
     * the rotation policy, a listener — can still be set once, as on any builder:
     * {@code KeyManagerBuilder.forTests(clock).keyPrefix("kb_live").build()}.
     */
    public static KeyManagerBuilder forTests(Clock clock) {
        requireNonNull(clock, "clock");
        byte[] pepper = new byte[32];
        new SecureRandom().nextBytes(pepper);
        try {
            return new KeyManagerBuilder()
                    .store(InMemoryKeyStore.create())
                    .clock(clock)
                    .hasher(KeyHashers.hmacSha256(pepper, "test"))
                    .usageFlushInterval(Duration.ZERO)
                    .changeFeedPollInterval(Duration.ZERO);
        } finally {
            Arrays.fill(pepper, (byte) 0);
        }
    }

    private void once(String option) {
        if (!set.add(option)) {
            throw new IllegalStateException(option + " was already set");
        }
    }

    /** Where keys, history and usage live. Required. Several managers (nodes) may share one store. */
    public KeyManagerBuilder store(KeyStore store) {
        requireNonNull(store, "store");
        once("store");
        this.store = store;
        return this;
    }

    /**
     * How new secrets are hashed, instead of the default: HMAC-SHA-256 under the {@link #pepper}
     * (keyvault's secrets carry 190 random bits, so a keyed one-way function protects them fully; see
     * the README's security model). Choose {@link KeyHashers#argon2id()} to keep a slow hash, at the
     * cost the README states. Keys stored under other parameters of the same algorithm are verified
     * and then rehashed. Setting a hasher and a pepper is an {@link IllegalStateException}: the
     * pepper keys the default hasher (give an HMAC hasher its pepper with {@link KeyHashers#hmacSha256(byte[], String)}).
     */
    public KeyManagerBuilder hasher(KeyHasher hasher) {
        requireNonNull(hasher, "hasher");
        once("hasher");
        this.hasher = hasher;
        return this;
    }

    /**
     * The peppers of the default hasher, current first: new keys are hashed with the first; keys
     * hashed under the others keep verifying and are re-hashed with it on their next verify. Read once,
     * at {@link #build()}. Default: the environment variable {@value Peppers#ENVIRONMENT_VARIABLE} (or
     * system property {@value Peppers#SYSTEM_PROPERTY}) if set; otherwise the manager hashes without a
     * pepper and logs a warning at build — fine for development, not for production (see
     * {@link KeyManager#pepperStatus()}).
     */
    public KeyManagerBuilder pepper(PepperSource source) {
        requireNonNull(source, "source");
        once("pepper");
        this.pepperSource = source;
        return this;
    }

    /**
     * Hash without a pepper on purpose, and without the warning: a one-way function of 190-bit
     * secrets still cannot be guessed from a stolen database, but whoever can write to the database
     * can then mint a key (see the README). Default: the pepper from the environment, if any.
     */
    public KeyManagerBuilder withoutPepper() {
        once("pepper");
        this.pepperSource = null;
        this.pepperDeclined = true;
        return this;
    }

    /**
     * Hashers that may verify keys stored under another algorithm (the key is rehashed with the
     * current hasher after a successful verify). Default: {@link KeyHashers#argon2id()}, which reads
     * Argon2id hashes of any parameters — the default of keyvault 0.1 — so they move to HMAC-SHA-256
     * as they are used. Older peppers need no entry here: list them in the {@link #pepper} source.
     */
    public KeyManagerBuilder additionalHashers(KeyHasher... hashers) {
        requireNonNull(hashers, "hashers");
        once("additionalHashers");
        List<KeyHasher> list = new ArrayList<>();
        for (KeyHasher h : hashers) {
            list.add(requireNonNull(h, "hasher"));
        }
        this.additionalHashers = List.copyOf(list);
        return this;
    }

    /** The source of time for creation, expiry, usage and cache refresh. Default: {@link Clock#systemUTC()}. */
    public KeyManagerBuilder clock(Clock clock) {
        requireNonNull(clock, "clock");
        once("clock");
        this.clock = clock;
        return this;
    }

    /**
     * The token prefix, segments of {@code [a-z][a-z0-9]{1,15}} joined by {@code _} such as
     * {@code kb_live}, so secret scanners and people can tell whose key it is. Default: {@code kv}.
     */
    public KeyManagerBuilder keyPrefix(String prefix) {
        Syntax.prefix(prefix);
        once("keyPrefix");
        this.keyPrefix = prefix;
        return this;
    }

    /**
     * How many keys' verifications this node caches, by count (the least valuable are evicted first);
     * 0 disables the cache, so every verify reads the store and checks the stored hash. Instead of
     * {@link #cacheMaximumBytes} (setting both is an {@link IllegalStateException}). Default: bounded
     * by bytes, see there.
     */
    public KeyManagerBuilder cacheMaximumSize(long size) {
        Checks.nonNegative("cacheMaximumSize", size);
        once("cacheMaximumSize");
        this.cacheMaximumSize = size;
        return this;
    }

    /**
     * How much heap this node's verification cache may use, estimated per entry (about 300 bytes for a
     * key with a few scopes, plus two bytes per character of its names). A key that falls out of the
     * cache costs a store read and a stored-hash check on its next verify. At least 64 KiB. Default:
     * 1/16 of the maximum heap, at most 64 MiB — about 200,000 keys.
     */
    public KeyManagerBuilder cacheMaximumBytes(long bytes) {
        if (bytes < 64 * 1024) {
            throw new IllegalArgumentException("cacheMaximumBytes must be at least 64 KiB, was " + bytes);
        }
        once("cacheMaximumBytes");
        this.cacheMaximumBytes = bytes;
        return this;
    }

    /**
     * How old a cached status snapshot may get before a verify re-reads it from the store (a lookup
     * by id, no rehash). A backstop for missed change-feed entries; revocations on this node and
     * through the feed act at once. Default: 30 seconds.
     */
    public KeyManagerBuilder statusRefreshInterval(Duration interval) {
        Checks.positive("statusRefreshInterval", interval);
        once("statusRefreshInterval");
        this.statusRefreshInterval = interval;
        return this;
    }

    /** Rotation cadence by risk class. Default: {@link RotationPolicy#defaults()}. */
    public KeyManagerBuilder rotationPolicy(RotationPolicy policy) {
        requireNonNull(policy, "policy");
        once("rotationPolicy");
        this.rotationPolicy = policy;
        return this;
    }

    /** Receives key events. Default: {@link KeyEventListeners#noop()}. */
    public KeyManagerBuilder listener(KeyEventListener listener) {
        requireNonNull(listener, "listener");
        once("listener");
        this.listener = listener;
        return this;
    }

    /**
     * How often buffered usage is written in the background; {@link Duration#ZERO} writes only on
     * {@link KeyManager#flush()} and {@link KeyManager#close()}. A crash loses at most this much
     * usage. Default: 1 second.
     */
    public KeyManagerBuilder usageFlushInterval(Duration interval) {
        Checks.nonNegative("usageFlushInterval", interval);
        once("usageFlushInterval");
        this.usageFlushInterval = interval;
        return this;
    }

    /**
     * The bound on buffered usage, in rollups (one per key, minute, method, endpoint, address, user
     * agent, consumer and status): this many live, and this many waiting for a failed store. Beyond
     * it usage is dropped and counted, and the keys' last use is still recorded. Default: 100,000.
     */
    public KeyManagerBuilder maxBufferedRollups(int max) {
        Checks.positive("maxBufferedRollups", max);
        once("maxBufferedRollups");
        this.maxBufferedRollups = max;
        return this;
    }

    /**
     * The bound on buffered usage in estimated bytes (a rollup costs about 350 bytes plus two per
     * character of its endpoint, address, user agent and consumer), live and waiting for a failed store
     * together. Beyond it usage is dropped and counted, and the keys' last use is still recorded.
     * At least 64 KiB. Default: 32 MiB.
     */
    public KeyManagerBuilder maxBufferedUsageBytes(long max) {
        if (max < 64 * 1024) {
            throw new IllegalArgumentException("maxBufferedUsageBytes must be at least 64 KiB");
        }
        once("maxBufferedUsageBytes");
        this.maxBufferedUsageBytes = max;
        return this;
    }

    /**
     * How many distinct user agents — and, separately, consumer labels — one key may have in one
     * minute of usage. Requests of others are counted under {@link UsageRollup#OTHER_AGENTS}
     * ({@link UsageRollup#OTHER_CONSUMERS}) with their own client address, so a flood of forged
     * agents cannot fill the buffer and every address stays visible. 1–10,000. Default: 20.
     */
    public KeyManagerBuilder maxUserAgentsPerKeyMinute(int max) {
        Checks.range("maxUserAgentsPerKeyMinute", max, 1, 10_000);
        once("maxUserAgentsPerKeyMinute");
        this.maxUserAgentsPerKeyMinute = max;
        return this;
    }

    /**
     * How many rollups one key may have in one minute. Beyond it the key's requests that would start
     * a new rollup are counted under {@link UsageRollup#OTHER_ADDRESSES} (one rollup per method,
     * endpoint and status), so one key used from very many addresses cannot fill the buffer or the
     * database. 10–1,000,000. Default: 1,000.
     */
    public KeyManagerBuilder maxRollupsPerKeyMinute(int max) {
        Checks.range("maxRollupsPerKeyMinute", max, 10, 1_000_000);
        once("maxRollupsPerKeyMinute");
        this.maxRollupsPerKeyMinute = max;
        return this;
    }

    /**
     * Accept the tokens of the system keyvault replaced, for keys imported from it
     * ({@link KeyManager#importKey}): a token not in keyvault's format is parsed by {@code format},
     * looked up by its lookup value and checked against the imported hash (add the readers of its
     * hash scheme, such as {@link KeyHashers#bcrypt()}, to {@link #additionalHashers}). Default: none,
     * every token not in keyvault's format is {@code MALFORMED}.
     */
    public KeyManagerBuilder legacyTokens(LegacyTokenFormat format) {
        requireNonNull(format, "format");
        once("legacyTokens");
        this.legacyTokens = format;
        return this;
    }

    /**
     * Refuse to issue keys without an environment ({@code KeySpec.Builder.environment}): for hosts
     * whose policies and reports are per environment, where a key in {@value KeySpec#NO_ENVIRONMENT}
     * would fall outside all of them. Default: keys without one are issued in
     * {@value KeySpec#NO_ENVIRONMENT}, and a compliance report filtered by environment lists them.
     */
    public KeyManagerBuilder requireEnvironment() {
        once("requireEnvironment");
        this.requireEnvironment = true;
        return this;
    }

    /**
     * How often this node reads the change feed to learn about revocations and rotations made by
     * other nodes; this is the revocation bound between nodes (a store with push notifications, such
     * as PostgreSQL, may wake it sooner). {@link Duration#ZERO} disables following (single node).
     * Default: 1 second.
     */
    public KeyManagerBuilder changeFeedPollInterval(Duration interval) {
        Checks.nonNegative("changeFeedPollInterval", interval);
        once("changeFeedPollInterval");
        this.changeFeedPollInterval = interval;
        return this;
    }

    /**
     * How long change-feed entries are kept (the key history is kept forever). A node paused for
     * longer drops its whole cache when it resumes. Default: 7 days.
     */
    public KeyManagerBuilder changeRetention(Duration retention) {
        Checks.positive("changeRetention", retention);
        once("changeRetention");
        this.changeRetention = retention;
        return this;
    }

    /** How many slow hashes (Argon2id) may run at once. Default: the number of processors. */
    public KeyManagerBuilder maxConcurrentHashes(int max) {
        Checks.positive("maxConcurrentHashes", max);
        once("maxConcurrentHashes");
        this.maxConcurrentHashes = max;
        return this;
    }

    /**
     * How long a cold verify waits for a hashing slot before {@link CapacityExceededException}.
     * Default: 5 seconds.
     */
    public KeyManagerBuilder hashingTimeout(Duration timeout) {
        Checks.positive("hashingTimeout", timeout);
        once("hashingTimeout");
        this.hashingTimeout = timeout;
        return this;
    }

    /**
     * How long an old key must go without any recorded request, once its successor is in use,
     * before its rotation window is safe to close (see {@link dev.keyvault.rotation.RotationWorkflows#status}). Long enough
     * to see daily jobs. Default: 24 hours.
     */
    public KeyManagerBuilder rotationQuietPeriod(Duration quietPeriod) {
        Checks.positive("rotationQuietPeriod", quietPeriod);
        once("rotationQuietPeriod");
        this.rotationQuietPeriod = quietPeriod;
        return this;
    }

    /**
     * How many usage credits a node takes from the store at a time (a lease), to spend without a
     * store write per request; a lease never takes more than half of what the store has left, but
     * always what the request needs. Larger leases mean fewer store writes and a larger bound: after an
     * in-place change of a balance, nodes may spend up to one lease each under the old balance, and a
     * crashed node loses its unspent lease. 1–1,000,000. Default: 100.
     */
    public KeyManagerBuilder creditLeaseSize(long size) {
        if (size < 1 || size > 1_000_000) {
            throw new IllegalArgumentException("creditLeaseSize must be 1-1000000, was " + size);
        }
        once("creditLeaseSize");
        this.creditLeaseSize = size;
        return this;
    }

    /**
     * How long usage rollups keep client addresses, and when they are deleted (see
     * {@link UsageRetention}); applied hourly by a manager with a background thread and by
     * {@link KeyManager#applyUsageRetention()}. Default: {@link UsageRetention#keepEverything()}.
     */
    public KeyManagerBuilder usageRetention(UsageRetention retention) {
        requireNonNull(retention, "retention");
        once("usageRetention");
        this.usageRetention = retention;
        return this;
    }

    /**
     * Whether a manager with a background thread recomputes, at start and then hourly, the stored
     * rotation due dates of keys stamped by another rotation policy (its fingerprint differs: other
     * cadences or another classifier id) — after a deploy that changed the policy, or of keys issued by
     * a tool with the default policy. Turn it off on managers that must not impose their policy (every
     * manager of one store should have the same one). The explicit call is
     * {@code rotation().recomputeDueDates}. Default: {@code true}.
     */
    public KeyManagerBuilder recomputeDueDatesInBackground(boolean recompute) {
        once("recomputeDueDatesInBackground");
        this.recomputeDueDates = recompute;
        return this;
    }

    /**
     * Builds the manager and starts its background thread (unless both intervals are zero).
     *
     * @throws IllegalStateException if no store was set
     */
    public KeyManager build() {
        if (store == null) {
            throw new IllegalStateException("a store is required: KeyManager.builder().store(...)");
        }
        if (set.contains("cacheMaximumSize") && set.contains("cacheMaximumBytes")) {
            throw new IllegalStateException("bound the cache by count (cacheMaximumSize) or by bytes (cacheMaximumBytes), not both");
        }
        if (hasher != null && set.contains("pepper") && !pepperDeclined) {
            throw new IllegalStateException("a pepper keys the default hasher; with hasher(...) set, give that hasher its own key");
        }
        return new KeyManager(this);
    }
}
