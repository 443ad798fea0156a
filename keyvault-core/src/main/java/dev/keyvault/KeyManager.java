package dev.keyvault;

import static java.util.Objects.requireNonNull;

import dev.keyvault.internal.Background;
import dev.keyvault.internal.ChangeFeedFollower;
import dev.keyvault.internal.HashScheduler;
import dev.keyvault.internal.HashingPolicy;
import dev.keyvault.internal.Checks;
import dev.keyvault.internal.Paging;
import dev.keyvault.internal.RotationDueScanner;
import dev.keyvault.internal.RotationNames;
import dev.keyvault.internal.SafeListener;
import dev.keyvault.internal.TokenFormat;
import dev.keyvault.internal.UsageCoalescer;
import dev.keyvault.internal.VerificationEngine;
import dev.keyvault.internal.rotation.Texts;
import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.spi.KeyStore;
import dev.keyvault.spi.PredecessorCondition;
import dev.keyvault.spi.RevokeOutcome;
import dev.keyvault.spi.StoredKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issues, verifies, rotates and revokes API keys, and records their usage. Build one with
 * {@link #builder()} (or {@link #inMemory(Clock)} in tests), share it across the application, and
 * {@link #close()} it on shutdown so buffered usage is written.
 *
 * <pre>{@code
 * KeyManager keys = KeyManager.builder().store(store).keyPrefix("kb_live").build();
 * IssuedKey issued = keys.issue(KeySpec.builder("acme", "CI deploy").scopes("kb:read").build());
 * // hand issued.token() to the consumer once; keyvault keeps only a hash
 * if (keys.verify(token) instanceof VerificationResult.Verified v) { ... v.owner() ... }
 * }</pre>
 *
 * <p><b>Verify</b> never throws for a bad token; it returns a {@link VerificationResult}. A key this
 * node has verified before costs a SHA-256 and a constant-time compare (no slow hash, no I/O) until
 * its status snapshot is older than the refresh interval; expiry is checked against the clock on
 * every call. <b>Revoke</b> is final and effective on this node before it returns; other nodes
 * sharing the store drop the key within one change-feed poll interval.
 *
 * <p>Thread-safe. Operator calls ({@code issue}, {@code rotate}, {@code revoke}, queries) go to the
 * store in the caller's thread; {@link #recordUsage} never does.
 */
public final class KeyManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KeyManager.class);
    private static final long USED_AFTER_REVOKE_EVERY_MILLIS = 1_000;

    private final KeyStore store;
    private final Clock clock;
    private final TokenFormat format;
    private final HashingPolicy hashing;
    private final VerificationEngine engine;
    private final UsageCoalescer usage;
    private final ChangeFeedFollower follower;
    private final RotationPolicy policy;
    private final KeyEventListener listener;
    private final Duration rotationQuietPeriod;
    private final RotationWorkflows workflows;
    private final SecureRandom random = new SecureRandom();
    private final ScheduledExecutorService scheduler;
    private final AutoCloseable subscription;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ConcurrentHashMap<String, Long> usedAfterRevokeNotified = new ConcurrentHashMap<>();

    KeyManager(KeyManagerBuilder b) {
        this.store = b.store;
        this.clock = b.clock;
        this.format = new TokenFormat(b.keyPrefix);
        this.policy = b.rotationPolicy;
        this.listener = b.listener;
        this.rotationQuietPeriod = b.rotationQuietPeriod;
        this.workflows = new RotationWorkflows(this);
        this.hashing = new HashingPolicy(b.hasher, b.additionalHashers,
                new HashScheduler(b.maxConcurrentHashes, b.hashingTimeout, clock));
        this.engine = new VerificationEngine(store, format, hashing, clock, listener, b.cacheMaximumSize,
                b.statusRefreshInterval);
        this.usage = new UsageCoalescer(b.maxBufferedRollups, b.maxBufferedUsageBytes, b.maxUserAgentsPerKeyMinute,
                b.maxUserAgentsPerKeyMinute, b.maxRollupsPerKeyMinute, listener);
        boolean follow = !b.changeFeedPollInterval.isZero();
        // Always follow from the sequence current at build time, so a manual pollChangeFeed() sees
        // every change made since this manager started, even with background polling off.
        this.follower = new ChangeFeedFollower(store, engine);
        boolean background = follow || !b.usageFlushInterval.isZero();
        this.scheduler = background ? Background.newScheduler() : null;
        if (!b.usageFlushInterval.isZero()) {
            Background.every(scheduler, b.usageFlushInterval.toMillis(), "usage flush", this::backgroundFlush);
        }
        if (follow) {
            Duration retention = b.changeRetention;
            long[] lastPrune = {Long.MIN_VALUE};
            Background.every(scheduler, b.changeFeedPollInterval.toMillis(), "change feed poll", () -> {
                backgroundPoll();
                long now = clock.millis();
                if (now - lastPrune[0] >= TimeUnit.HOURS.toMillis(1)) {
                    lastPrune[0] = now;
                    store.pruneChanges(Instant.ofEpochMilli(now).minus(retention));
                }
            });
            AtomicBoolean wakeQueued = new AtomicBoolean();
            this.subscription = store.subscribe(() -> {
                if (!closed.get() && wakeQueued.compareAndSet(false, true)) {
                    try {
                        scheduler.execute(Background.guard("change feed wake-up", () -> {
                            wakeQueued.set(false);
                            backgroundPoll();
                        }));
                    } catch (java.util.concurrent.RejectedExecutionException e) {
                        wakeQueued.set(false);
                    }
                }
            });
        } else {
            this.subscription = () -> {};
        }
    }

    /** A builder with the defaults documented on each of its setters. */
    public static KeyManagerBuilder builder() {
        return new KeyManagerBuilder();
    }

    /**
     * A manager for unit tests of host applications: a fresh {@link InMemoryKeyStore}, the given
     * (movable) clock, HMAC-SHA-256 hashing under a random pepper (cheap, so tests issue thousands
     * of keys quickly), and no background threads: usage is written by {@link #flush()} and
     * {@link #close()}, changes by other managers on the same store are seen after
     * {@link #pollChangeFeed()}.
     */
    public static KeyManager inMemory(Clock clock) {
        byte[] pepper = new byte[32];
        new SecureRandom().nextBytes(pepper);
        return builder()
                .store(InMemoryKeyStore.create())
                .clock(clock)
                .hasher(KeyHashers.hmacSha256(pepper, "test"))
                .usageFlushInterval(Duration.ZERO)
                .changeFeedPollInterval(Duration.ZERO)
                .build();
    }

    // ---------------------------------------------------------------------------------------- issue

    /**
     * Issues a key. The returned {@link IssuedKey} holds the only copy of the token.
     *
     * @throws DuplicateKeyException    if the owner already has an active key with this name
     * @throws IllegalArgumentException if the expiry is not in the future
     * @throws KeyStoreException        if the store fails
     */
    public IssuedKey issue(KeySpec spec) {
        requireNonNull(spec, "spec");
        ensureOpen();
        Instant now = now();
        Optional<Instant> expiresAt = spec.expiresAt().map(KeyManager::millis);
        expiresAt.ifPresent(e -> future("expiresAt", e, now));
        for (int attempt = 1; ; attempt++) {
            String id = TokenFormat.newKeyId(random);
            ApiKey key = new ApiKey(id, format.prefix(), spec.owner(), spec.name(), spec.scopes(), spec.tier(),
                    spec.environment(), spec.tags(), spec.riskClass(), now, expiresAt, Optional.empty(), KeyStatus.ACTIVE,
                    Optional.empty(), Optional.empty(), Optional.empty(), false);
            try {
                IssuedKey issued = store(key, spec.actor(), "issued", null);
                SafeListener.call(listener, l -> l.onIssued(issued.key()));
                return issued;
            } catch (DuplicateKeyException e) {
                if (e.conflict() != DuplicateKeyException.Conflict.KEY_ID || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /** Hashes a fresh secret, stores the key (plain insert, or as successor), primes the cache. */
    private IssuedKey store(ApiKey key, String actor, String detail, Rotation rotation) {
        byte[] secret = TokenFormat.newSecret(random);
        try {
            String hash = hashing.hashNew(secret);
            StoredKey stored = new StoredKey(key, hash);
            if (rotation == null) {
                store.insert(stored, new KeyEvent(key.id(), KeyEventType.ISSUED, key.createdAt(), actor, detail));
            } else if (!store.insertSuccessor(rotation.predecessorId, rotation.expectedSuccessor, stored,
                    rotation.overlapUntil, rotation.events, rotation.condition)) {
                throw concurrentChange(rotation.predecessorId);
            }
            if (key.prefix().equals(format.prefix())) {
                engine.prime(key.id(), secret, key);
            }
            return new IssuedKey(key, formatOf(key.prefix()).format(key.id(), secret));
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** Why a rotation's atomic step changed nothing: a revoke or another rotation came first. */
    private KeyStateException concurrentChange(String predecessorId) {
        boolean revoked = store.find(predecessorId).map(s -> !s.key().isActive()).orElse(false);
        return new KeyStateException(revoked
                ? "key " + predecessorId + " was revoked while it was being rotated; no successor was issued"
                : "key " + predecessorId + " was rotated concurrently; exactly one successor was kept");
    }

    /** This manager's format, or the format of another prefix (a successor keeps its predecessor's). */
    private TokenFormat formatOf(String prefix) {
        return prefix.equals(format.prefix()) ? format : new TokenFormat(prefix);
    }

    private record Rotation(String predecessorId, Optional<String> expectedSuccessor, Optional<Instant> overlapUntil,
            List<KeyEvent> events, PredecessorCondition condition) {}

    // --------------------------------------------------------------------------------------- verify

    /**
     * Checks a presented token. Never throws for a bad token — null, empty, huge, non-ASCII, wrong
     * prefix, bad checksum, unknown id, wrong secret, revoked or expired are all
     * {@link VerificationResult.Rejected} results. Malformed tokens are rejected without I/O or
     * hashing.
     *
     * @throws KeyStoreException          if the store fails on a key this node has not cached (fail closed)
     * @throws CapacityExceededException  if no hashing slot became free within the hashing timeout
     * @throws HashingException           if the stored hash could not be checked (the key may be fine)
     */
    public VerificationResult verify(String token) {
        ensureOpen();
        return engine.verify(token);
    }

    // --------------------------------------------------------------------------------------- revoke

    /**
     * Revokes a key for good: it keeps its record, history and usage, and never verifies again. On
     * this node no verify that starts after this returns will succeed; other nodes learn through the
     * change feed. Idempotent: see {@link RevocationResult}.
     *
     * <p>Unconditional, because an emergency must never be blocked. To finish a rotation use
     * {@link #completeRotation}, which refuses while clients are still on the old key; a key revoked
     * here during an open rotation while still in use gets a {@code NOTE} in its history naming the
     * clients that will now be refused.
     *
     * @param keyId  the key id (not the token)
     * @param reason why, kept with the key (text, at most 500 characters)
     * @param actor  who, kept with the key (text, at most 200 characters)
     * @throws IllegalArgumentException if {@code keyId} is not a key id
     * @throws KeyStoreException        if the store fails; the key is then not revoked
     */
    public RevocationResult revoke(String keyId, String reason, String actor) {
        RevocationResult result = revoke(keyId, reason, actor, false);
        workflows.flagRevokedMidRotation(result, actor);
        return result;
    }

    RevocationResult revoke(String keyId, String reason, String actor, boolean compromised) {
        TokenFormat.checkKeyId(keyId);
        Checks.text("reason", reason, Checks.MAX_REASON);
        Checks.text("actor", actor, Checks.MAX_ACTOR);
        ensureOpen();
        Optional<StoredKey> before = store.find(keyId);
        if (before.isEmpty()) {
            return new RevocationResult(keyId, RevocationResult.Outcome.NOT_FOUND, Optional.empty());
        }
        Instant now = now();
        Revocation revocation = new Revocation(now, reason, actor);
        List<KeyEvent> events = new ArrayList<>();
        events.add(new KeyEvent(keyId, KeyEventType.REVOKED, now, actor, reason));
        if (compromised) {
            events.add(new KeyEvent(keyId, KeyEventType.COMPROMISED, now, actor, reason));
        }
        RevokeOutcome outcome = store.revoke(keyId, revocation, compromised, events);
        if (outcome == RevokeOutcome.REVOKED) {
            ApiKey revoked = before.get().key().withRevocation(revocation, compromised || before.get().key().compromised());
            engine.markRevoked(revoked);
            SafeListener.call(listener, l -> l.onRevoked(revoked));
            return new RevocationResult(keyId, RevocationResult.Outcome.REVOKED, Optional.of(revoked));
        }
        engine.invalidate(keyId);
        if (outcome == RevokeOutcome.NOT_FOUND) {
            return new RevocationResult(keyId, RevocationResult.Outcome.NOT_FOUND, Optional.empty());
        }
        if (compromised && !before.get().key().compromised()) {
            // Marking an already compromised key again would only repeat the entry (an emergency rerun).
            store.markCompromised(keyId, new KeyEvent(keyId, KeyEventType.COMPROMISED, now, actor, reason));
        }
        Optional<ApiKey> now2 = store.find(keyId).map(StoredKey::key);
        return now2.map(k -> new RevocationResult(keyId, RevocationResult.Outcome.ALREADY_REVOKED, Optional.of(k)))
                .orElseGet(() -> new RevocationResult(keyId, RevocationResult.Outcome.NOT_FOUND, Optional.empty()));
    }

    // --------------------------------------------------------------------------------------- rotate

    /** {@link #rotate(String, RotateOptions)} with {@link RotateOptions#defaults()}. */
    public IssuedKey rotate(String oldKeyId) {
        return rotate(oldKeyId, RotateOptions.defaults());
    }

    /**
     * Issues the successor of a key: same owner, scopes, tier, environment, tags and risk class; the
     * name {@code "<name> v2"} (then {@code v3}, …) unless given; linked both ways. The old key keeps
     * verifying (until {@code overlapUntil}, if given) so consumers can move without downtime; revoke
     * it once they have. Two concurrent rotations of one key produce exactly one successor.
     *
     * @throws UnknownKeyException      if there is no such key
     * @throws KeyStateException        if the key is revoked, already has an active successor, or was
     *                                  rotated concurrently
     * @throws IllegalArgumentException if the successor name equals the old name, or a given time is
     *                                  not in the future
     * @throws DuplicateKeyException    if the owner already has an active key with the successor's name
     */
    public IssuedKey rotate(String oldKeyId, RotateOptions options) {
        TokenFormat.checkKeyId(oldKeyId);
        requireNonNull(options, "options");
        ensureOpen();
        ApiKey old = store.find(oldKeyId).orElseThrow(() -> new UnknownKeyException(oldKeyId)).key();
        if (!old.isActive()) {
            throw new KeyStateException("key " + oldKeyId + " is revoked; a revoked key cannot be rotated, issue a new key");
        }
        return rotateFrom(old, options, PredecessorCondition.MUST_BE_ACTIVE);
    }

    /**
     * The rotation itself. {@code condition} is {@code MAY_BE_REVOKED} only for the emergency rotation,
     * which revokes first; a plain rotation of a key revoked meanwhile changes nothing.
     */
    IssuedKey rotateFrom(ApiKey old, RotateOptions options, PredecessorCondition condition) {
        Optional<String> expected = Optional.empty();
        if (old.successorId().isPresent()) {
            String successorId = old.successorId().get();
            boolean live = store.find(successorId).map(s -> s.key().isActive()).orElse(false);
            if (live) {
                throw new KeyStateException("key " + old.id() + " was already rotated to " + successorId
                        + "; rotate that key instead, or revoke it first");
            }
            expected = old.successorId();
        }
        Instant now = now();
        String name = options.successorName().orElseGet(() -> RotationNames.next(old.name()));
        if (name.equals(old.name())) {
            throw new IllegalArgumentException("a replacement must not reuse the old key's name");
        }
        Optional<Instant> successorExpiry = options.successorExpiresAt().map(KeyManager::millis)
                .or(() -> old.expiresAt().map(e -> now.plus(Duration.between(old.createdAt(), e))));
        successorExpiry.ifPresent(e -> future("successorExpiresAt", e, now));
        Optional<Instant> overlap = options.overlapUntil().map(KeyManager::millis);
        overlap.ifPresent(d -> future("overlapUntil", d, now));
        if (overlap.isPresent() && old.expiresAt().isPresent() && old.expiresAt().get().isBefore(overlap.get())) {
            overlap = old.expiresAt(); // never later than the old key's own expiry
        }
        String successorId = TokenFormat.newKeyId(random);
        // The successor keeps its predecessor's prefix: a test key rotated by a live manager stays a test key.
        ApiKey successor = new ApiKey(successorId, old.prefix(), old.owner(), name, old.scopes(), old.tier(),
                old.environment(), old.tags(), old.riskClass(), now, successorExpiry, Optional.empty(), KeyStatus.ACTIVE,
                Optional.empty(), Optional.of(old.id()), Optional.empty(), false);
        List<KeyEvent> events = new ArrayList<>();
        events.add(new KeyEvent(old.id(), KeyEventType.ROTATED, now, options.actor(),
                Texts.rotatedDetail(successorId, name, options.reason())));
        events.add(new KeyEvent(successorId, KeyEventType.ISSUED, now, options.actor(), "successor of " + old.id()));
        if (overlap.isPresent()) {
            events.add(new KeyEvent(old.id(), KeyEventType.EXPIRY_CHANGED, now, options.actor(),
                    "rotation window: expires at " + overlap.get()));
        }
        IssuedKey issued = store(successor, options.actor(), null, new Rotation(old.id(), expected, overlap, events, condition));
        engine.invalidate(old.id());
        ApiKey predecessor = old.withSuccessor(successorId, overlap.isPresent() ? overlap : old.expiresAt());
        SafeListener.call(listener, l -> l.onIssued(issued.key()));
        SafeListener.call(listener, l -> l.onRotated(predecessor, issued.key()));
        return issued;
    }

    // ---------------------------------------------------------------------------------------- usage

    /**
     * Records one use of a key. Never touches the store: the event is folded into in-memory
     * per-minute rollups that are written by the background flusher, {@link #flush()} and
     * {@link #close()}. Works for revoked keys too (that is how a missed consumer is found), and
     * then fires {@link KeyEventListener#onUsedAfterRevoke}.
     *
     * @throws IllegalArgumentException if {@code keyId} is not a key id
     */
    public void recordUsage(String keyId, UsageEvent event) {
        requireNonNull(event, "event");
        ensureOpen();
        usage.record(keyId, event);
        if (engine.isKnownRevoked(keyId)) {
            usedAfterRevoke(keyId, event);
        }
    }

    private void usedAfterRevoke(String keyId, UsageEvent event) {
        long now = clock.millis();
        Long last = usedAfterRevokeNotified.get(keyId);
        if (last != null && now - last < USED_AFTER_REVOKE_EVERY_MILLIS) {
            return;
        }
        if (usedAfterRevokeNotified.size() > 10_000) {
            usedAfterRevokeNotified.clear();
        }
        if (last == null ? usedAfterRevokeNotified.putIfAbsent(keyId, now) == null
                : usedAfterRevokeNotified.replace(keyId, last, now)) {
            SafeListener.call(listener, l -> l.onUsedAfterRevoke(keyId, event));
        }
    }

    /**
     * Writes all usage recorded so far. On failure the usage stays buffered (bounded) for the next
     * flush and the exception is thrown.
     *
     * @return the number of requests written
     * @throws KeyStoreException if the store fails
     */
    public long flush() {
        return usage.flush(store);
    }

    private void backgroundFlush() {
        try {
            usage.flush(store);
        } catch (KeyStoreException e) {
            usage.reportFailure(e);
        }
    }

    /** The key's usage rollups whose minute lies in {@code [from, to)}, as of the last flush. */
    public List<UsageRollup> usage(String keyId, Instant from, Instant to) {
        TokenFormat.checkKeyId(keyId);
        requireNonNull(from, "from");
        requireNonNull(to, "to");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to is before from");
        }
        return store.usage(keyId, from, to);
    }

    // ------------------------------------------------------------------------------------- rotation policy

    /**
     * Active, unexpired keys that are overdue, due, or due within the policy's warning window at
     * {@code at}, soonest first, each with its risk class, due date and a reason. Revoked keys are not
     * listed. Fires {@link KeyEventListener#onRotationDue} for each.
     */
    public List<RotationDue> rotationDue(Instant at) {
        requireNonNull(at, "at");
        ensureOpen();
        List<RotationDue> due = RotationDueScanner.scan(store, policy, at);
        for (RotationDue d : due) {
            SafeListener.call(listener, l -> l.onRotationDue(d));
        }
        return due;
    }

    /** The clock this manager reads; a filter or workflow in front of it should use the same one. */
    public Clock clock() {
        return clock;
    }

    /** The rotation policy this manager applies. */
    public RotationPolicy rotationPolicy() {
        return policy;
    }

    // --------------------------------------------------------------------------- rotation workflows

    /**
     * Where the rotation of {@code oldKeyId} stands: both keys' last use, every client seen on the old
     * key since the rotation and whether it has moved to the successor, how long the old key has been
     * quiet, whether it is safe to revoke, and the hard deadline. Flushes this node's buffered usage
     * first; usage other nodes have not flushed yet (at most their flush interval) is not included.
     * Works after completion too: clients seen on the revoked key are the consumers that were missed.
     *
     * @throws UnknownKeyException if there is no such key
     * @throws KeyStateException   if the key has never been rotated
     * @throws KeyStoreException   if the store fails
     */
    public RotationStatus rotationStatus(String oldKeyId) {
        ensureOpen();
        return workflows.status(oldKeyId);
    }

    /**
     * Closes a rotation window the safe way: revokes {@code oldKeyId} if its successor is in use and
     * it has been quiet for the {@linkplain #rotationQuietPeriod() quiet period} (or its deadline has
     * passed), and otherwise refuses with a result naming the clients still on it. Use this, not
     * {@link #revoke}, to finish a rotation: {@code revoke} is the unconditional primitive for
     * emergencies and only flags (in the history) a key revoked mid-rotation while in use. A successor
     * issued by the {@link AutoRotator} whose secret was never delivered is refused too. Every call
     * leaves a history entry ({@code ROTATION_SAFE}, {@code REVOKED}, {@code ROTATION_COMPLETED}, or
     * a {@code NOTE} with the refusal). Idempotent.
     *
     * @throws UnknownKeyException if there is no such key
     * @throws KeyStateException   if the key has never been rotated
     * @throws KeyStoreException   if the store fails
     */
    public CompletionResult completeRotation(String oldKeyId, String actor) {
        ensureOpen();
        return workflows.complete(oldKeyId, actor, Optional.empty());
    }

    /**
     * {@link #completeRotation} that revokes the old key even when clients are still on it (they will
     * get 401s): the result and the history name them and {@code reason}. Still refused when the
     * successor is revoked, or was issued by the {@link AutoRotator} and not yet delivered, since
     * nobody could then move to it.
     */
    public CompletionResult forceCompleteRotation(String oldKeyId, String reason, String actor) {
        ensureOpen();
        return workflows.complete(oldKeyId, actor, Optional.of(Checks.text("reason", reason, Checks.MAX_REASON)));
    }

    /**
     * The guide's emergency flow for a leaked key: revoke first (effective on this node when the
     * revocation step returns, on other nodes through the change feed) and mark it compromised, then
     * issue the successor with the same owner, scopes and tier, then audit the leaked key's usage over
     * the {@linkplain EmergencyRotation#AUDIT_WINDOW last week}. If the key already had an active
     * successor (a rotation was under way) that successor is kept, since its secret did not leak.
     * Rerunnable: a key that is already revoked is marked compromised and gets its successor.
     *
     * @throws UnknownKeyException if there is no such key (nothing was changed)
     * @throws KeyStoreException   if the store fails; if the key was revoked by then it stays revoked,
     *                             and running this again issues the successor
     */
    public EmergencyRotation emergencyRotate(String keyId, String reason, String actor) {
        ensureOpen();
        return workflows.emergency(keyId, reason, actor);
    }

    /**
     * What {@code keyId} was used for with rollup minutes in {@code [from, to)}: requests per hour,
     * endpoints (with 403 refusals for scope), client IPs (with first/last seen, and those never seen
     * before {@code from}), spike hours, and requests after revocation. Works on revoked keys. Flushes
     * this node's buffered usage first. Reads the key's whole usage history before {@code from} to tell
     * new addresses from known ones: an investigation call, not for every page view.
     *
     * @throws UnknownKeyException      if there is no such key
     * @throws IllegalArgumentException if {@code to} is before {@code from}
     * @throws KeyStoreException        if the store fails
     */
    public UsageAudit usageAudit(String keyId, Instant from, Instant to) {
        ensureOpen();
        TokenFormat.checkKeyId(keyId);
        flush();
        return workflows.audit(keyId, from, to);
    }

    /**
     * Which keys selected by {@code filter} (owner, environment, tag; paging is ignored) were not
     * created or rotated within {@code maxAge}, with owner, age and risk class; full-access and
     * compromised keys are flagged too. For example every production key within 90 days:
     * {@code complianceReport(Duration.ofDays(90), KeyQuery.all().withEnvironment("production"))}.
     *
     * @throws IllegalArgumentException if {@code maxAge} is not positive, or the filter selects revoked keys
     */
    public ComplianceReport complianceReport(Duration maxAge, KeyQuery filter) {
        ensureOpen();
        return workflows.compliance(maxAge, filter);
    }

    /**
     * Revokes every active key {@code selector} selects (an owner's, or a tag's), each on its own so
     * one failure does not stop the rest; with {@code dryRun} only lists them. Keys in an open rotation
     * are revoked like any other: this is the bulk emergency and off-boarding tool.
     */
    public RevokeAllResult revokeAll(RevokeSelector selector, String reason, String actor, boolean dryRun) {
        ensureOpen();
        return workflows.revokeAll(selector, reason, actor, dryRun);
    }

    /** How long an old key must go unused before its rotation window is safe to close. */
    public Duration rotationQuietPeriod() {
        return rotationQuietPeriod;
    }

    RotationWorkflows workflows() {
        return workflows;
    }

    KeyEventListener listener() {
        return listener;
    }

    /** Lowers a key's expiry (a rotation window's end) and drops this node's cached snapshot of it. */
    void shortenExpiry(String keyId, Instant expiresAt, KeyEvent event) {
        store.shortenExpiry(keyId, expiresAt, event);
        engine.invalidate(keyId);
    }

    // -------------------------------------------------------------------------------------- queries

    /** The key with this id, including revoked keys. */
    public Optional<ApiKey> get(String keyId) {
        TokenFormat.checkKeyId(keyId);
        return store.find(keyId).map(StoredKey::key);
    }

    /** The owner's keys, revoked ones included (see {@link ApiKey#status()}), oldest first. */
    public List<ApiKey> list(String owner) {
        Checks.text("owner", owner, Checks.MAX_OWNER);
        return list(KeyQuery.all().withOwner(owner));
    }

    /** Every key matching {@code query} (all pages), oldest first. */
    public List<ApiKey> list(KeyQuery query) {
        requireNonNull(query, "query");
        List<ApiKey> keys = new ArrayList<>();
        for (StoredKey s : Paging.all(store, query)) {
            keys.add(s.key());
        }
        keys.sort(Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::id));
        return keys;
    }

    /** The key's history, oldest first: issue, rotations, revocation, and every workflow step. */
    public List<KeyEvent> history(String keyId) {
        TokenFormat.checkKeyId(keyId);
        return store.history(keyId);
    }

    /**
     * Reads the change feed now instead of waiting for the poll interval, dropping cached state of
     * keys changed by other nodes. Returns how many changes were read. Useful in tests; the manager
     * polls by itself unless built with a zero poll interval.
     */
    public int pollChangeFeed() {
        ensureOpen();
        return follower.poll();
    }

    private void backgroundPoll() {
        try {
            follower.poll();
        } catch (KeyStoreException e) {
            SafeListener.call(listener, l -> l.onStoreFailure("changesSince", e));
        }
    }

    /** Counters for monitoring. */
    public Stats stats() {
        return new Stats(engine.cachedKeys(), usage.unflushedRequests(), usage.droppedRequests(), usage.foldedRequests(),
                usage.bufferedRollups(), usage.bufferedBytes(), follower.lastSequence(), hashing.scheduler().waiting());
    }

    /**
     * @param cachedKeys        keys whose verification is cached on this node
     * @param unflushedRequests usage recorded but not yet written
     * @param droppedRequests   usage dropped because the buffer was full, since start (their keys'
     *                          last use is still recorded)
     * @param foldedRequests    usage counted under an "other" label (see {@link UsageRollup#OTHER_AGENTS}), since start
     * @param bufferedRollups   rollups held in memory now
     * @param bufferedBytes     their estimated size
     * @param feedSequence      the last change-feed sequence this node applied
     * @param hashesWaiting     slow hashes (Argon2id) waiting for a slot right now
     */
    public record Stats(long cachedKeys, long unflushedRequests, long droppedRequests, long foldedRequests,
            int bufferedRollups, long bufferedBytes, long feedSequence, int hashesWaiting) {}

    // ---------------------------------------------------------------------------------------- close

    /**
     * Stops the background thread and writes buffered usage. Idempotent. After close every method
     * except {@code close} and {@code flush} throws {@link IllegalStateException}. The store is not
     * closed: it belongs to whoever created it.
     *
     * @throws KeyStoreException if the final flush fails (the usage it held is then lost, and counted)
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            subscription.close();
        } catch (Exception e) {
            LOG.debug("closing the change-feed subscription failed: {}", e.toString());
        }
        if (scheduler != null) {
            scheduler.shutdown();
            try {
                if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                    scheduler.shutdownNow();
                }
            } catch (InterruptedException e) {
                scheduler.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        usage.flush(store);
    }

    void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this KeyManager is closed");
        }
    }

    Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    KeyStore store() {
        return store;
    }

    /** A request this node dropped without knowing its key, if any: no old key is quiet before a quiet period after it. */
    Optional<Instant> unattributedUsageDrop() {
        return Optional.ofNullable(usage.unattributedDropSince());
    }

    private static Instant millis(Instant t) {
        try {
            return Instant.ofEpochMilli(t.toEpochMilli());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("time out of range: " + t);
        }
    }

    private static void future(String what, Instant t, Instant now) {
        if (!t.isAfter(now)) {
            throw new IllegalArgumentException(what + " must be in the future, was " + t);
        }
    }

    @Override
    public String toString() {
        return "KeyManager[prefix=" + format.prefix() + ", store=" + store.getClass().getSimpleName()
                + ", hasher=" + hashing + "]";
    }
}
