package dev.keyvault.internal;

import static java.util.Objects.requireNonNull;

import dev.keyvault.ApiKey;
import dev.keyvault.CreditBalance;
import dev.keyvault.Credits;
import dev.keyvault.DuplicateKeyException;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyEventListener;
import dev.keyvault.KeyEventType;
import dev.keyvault.ImportResult;
import dev.keyvault.KeyImport;
import dev.keyvault.KeyQuery;
import dev.keyvault.KeySpec;
import dev.keyvault.KeyStatus;
import dev.keyvault.KeyUpdate;
import dev.keyvault.LegacyTokenFormat;
import dev.keyvault.KeyStateException;
import dev.keyvault.Revocation;
import dev.keyvault.RevocationResult;
import dev.keyvault.RotateOptions;
import dev.keyvault.Syntax;
import dev.keyvault.UnknownKeyException;
import dev.keyvault.UsageEvent;
import dev.keyvault.UsageRetention;
import dev.keyvault.VerificationRequest;
import dev.keyvault.VerificationResult;
import dev.keyvault.internal.rotation.Texts;
import dev.keyvault.rotation.DueDateRecompute;
import dev.keyvault.rotation.RotationDue;
import dev.keyvault.rotation.RotationDueCounts;
import dev.keyvault.rotation.RotationDuePage;
import dev.keyvault.rotation.RotationDueQuery;
import dev.keyvault.rotation.RotationPolicy;
import dev.keyvault.spi.CreditAccount;
import dev.keyvault.spi.KeyHasher;
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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The primitives of one manager — issue, verify, rotate, revoke, record usage — and the state they
 * share (store, clock, format, hashing, verification cache, usage buffer, policy, listener). The
 * {@link dev.keyvault.KeyManager} facade and the rotation workflows are both built on this one
 * object: it is the seam between them, so neither calls into the other. Thread-safe.
 */
public final class KeyOperations {
    private static final long USED_AFTER_REVOKE_EVERY_MILLIS = 1_000;

    /**
     * What a manager is built from (the builder's settings, checked there). {@code cacheMaximumSize} is
     * -1 when the cache is bounded by {@code cacheMaximumBytes} instead.
     */
    public record Settings(KeyStore store, Clock clock, String keyPrefix, KeyHasher hasher, List<KeyHasher> additionalHashers,
            int maxConcurrentHashes, Duration hashingTimeout, long cacheMaximumSize, long cacheMaximumBytes,
            Duration statusRefreshInterval,
            RotationPolicy rotationPolicy, Duration rotationQuietPeriod, KeyEventListener listener, int maxBufferedRollups,
            long maxBufferedUsageBytes, int maxUserAgentsPerKeyMinute, int maxRollupsPerKeyMinute,
            LegacyTokenFormat legacyTokens, long creditLeaseSize, UsageRetention usageRetention) {}

    private final KeyStore store;
    private final Clock clock;
    private final TokenFormat format;
    private final HashingPolicy hashing;
    private final VerificationEngine engine;
    private final UsageCoalescer usage;
    private final RotationPolicy policy;
    private final Duration quietPeriod;
    private final KeyEventListener listener;
    private final SecureRandom random = new SecureRandom();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LegacyTokenFormat legacyTokens;
    private final ConcurrentHashMap<String, Long> usedAfterRevokeNotified = new ConcurrentHashMap<>();
    private final CreditLedger ledger;
    private final UsageRetention retention;
    /** Set once no active key without a rotation stamp was found: keys stored from then on are stamped. */
    private volatile boolean allStamped;

    public KeyOperations(Settings s) {
        this.store = s.store();
        this.clock = s.clock();
        this.format = new TokenFormat(s.keyPrefix());
        this.policy = s.rotationPolicy();
        this.quietPeriod = s.rotationQuietPeriod();
        this.listener = s.listener();
        this.legacyTokens = s.legacyTokens();
        this.hashing = new HashingPolicy(s.hasher(), s.additionalHashers(),
                new HashScheduler(s.maxConcurrentHashes(), s.hashingTimeout(), clock));
        this.ledger = new CreditLedger(store, s.creditLeaseSize());
        this.retention = s.usageRetention();
        this.engine = new VerificationEngine(store, format, hashing, clock, listener, s.cacheMaximumSize(),
                s.cacheMaximumBytes(), s.statusRefreshInterval(), s.legacyTokens(), ledger);
        this.usage = new UsageCoalescer(s.maxBufferedRollups(), s.maxBufferedUsageBytes(), s.maxUserAgentsPerKeyMinute(),
                s.maxUserAgentsPerKeyMinute(), s.maxRollupsPerKeyMinute(), listener);
    }

    // ---------------------------------------------------------------------------------------- issue

    public IssuedKey issue(KeySpec spec) {
        requireNonNull(spec, "spec");
        ensureOpen();
        Instant now = now();
        Optional<Instant> expiresAt = spec.expiresAt().map(KeyOperations::millis);
        expiresAt.ifPresent(e -> future("expiresAt", e, now));
        for (int attempt = 1; ; attempt++) {
            String id = TokenFormat.newKeyId(random);
            ApiKey key = ApiKey.builder(id, format.prefix(), spec.owner(), spec.name(), now)
                    .scopes(spec.scopes()).tier(spec.tier()).environment(spec.environment()).tags(spec.tags())
                    .riskClass(spec.riskClass()).expiresAt(expiresAt).ipAllowlist(spec.ipAllowlist()).metadata(spec.metadata())
                    .creditAccount(spec.credits().map(c -> id))
                    .build();
            try {
                IssuedKey issued = store(key, spec.actor(), "issued", null, spec.credits().map(c -> account(id, c, now)));
                SafeListener.call(listener, l -> l.onIssued(issued.key()));
                return issued;
            } catch (DuplicateKeyException e) {
                if (e.conflict() != DuplicateKeyException.Conflict.KEY_ID || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /** A new credit account for a key issued with credits; its id is the key's. */
    private static CreditAccount account(String keyId, Credits credits, Instant now) {
        return new CreditAccount(keyId, credits.balance(), credits.refill(), 0, credits.refill().nextAfter(now));
    }

    /** Hashes a fresh secret, stores the key (plain insert, or as successor), primes the cache. */
    private IssuedKey store(ApiKey key, String actor, String detail, Rotation rotation, Optional<CreditAccount> credits) {
        byte[] secret = TokenFormat.newSecret(random);
        try {
            String hash = hashing.hashNew(secret);
            StoredKey stored = new StoredKey(key, hash).withRotation(Optional.of(DueDates.stamp(key, policy)));
            if (rotation == null) {
                store.insert(stored, credits, new KeyEvent(key.id(), KeyEventType.ISSUED, key.createdAt(), actor, detail));
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

    // --------------------------------------------------------------------------------------- import

    /**
     * Brings one key over from the system keyvault replaces. Idempotent by its reference; every
     * refusal is a result, never half a key.
     */
    public ImportResult importKey(KeyImport imp) {
        requireNonNull(imp, "import");
        ensureOpen();
        String ref = imp.reference();
        String hash;
        String lookup;
        if (imp.plaintext().isPresent()) {
            if (legacyTokens == null) {
                return failed(ref, "a plaintext import needs the manager's legacy token format (KeyManagerBuilder.legacyTokens),"
                        + " which says what the token's lookup value and secret are");
            }
            Optional<LegacyTokenFormat.LegacyToken> parsed = legacyTokens.parse(imp.plaintext().get());
            if (parsed == null || parsed.isEmpty()) {
                return failed(ref, "the token is not in the legacy token format");
            }
            LegacyTokenFormat.LegacyToken t = parsed.get();
            try {
                hash = hashing.hashNew(t.secret());
                lookup = t.lookup();
            } finally {
                t.wipe();
            }
        } else {
            hash = imp.hash().orElseThrow();
            lookup = imp.legacyLookup().orElseThrow();
            if (hashing.readerOf(hash) == null) {
                return failed(ref, "no configured hasher reads " + HashSchemes.scheme(hash)
                        + " hashes: add it to KeyManagerBuilder.additionalHashers (KeyHashers.bcrypt(), pbkdf2(), unsaltedSha256())");
            }
        }
        KeySpec spec = imp.spec();
        Instant now = now();
        Instant createdAt = millis(imp.createdAt());
        Optional<Instant> expiresAt = spec.expiresAt().map(KeyOperations::millis);
        for (int attempt = 1; ; attempt++) {
            String id = TokenFormat.newKeyId(random);
            ApiKey key = ApiKey.builder(id, format.prefix(), spec.owner(), spec.name(), createdAt)
                    .scopes(spec.scopes()).tier(spec.tier()).environment(spec.environment()).tags(spec.tags())
                    .riskClass(spec.riskClass()).expiresAt(expiresAt).importedAt(Optional.of(now))
                    .ipAllowlist(spec.ipAllowlist()).metadata(spec.metadata()).creditAccount(spec.credits().map(c -> id))
                    .build();
            try {
                store.insert(new StoredKey(key, hash, Optional.of(lookup), Optional.of(ref))
                                .withRotation(Optional.of(DueDates.stamp(key, policy))),
                        spec.credits().map(c -> account(id, c, now)),
                        new KeyEvent(key.id(), KeyEventType.IMPORTED, now, spec.actor(),
                                Texts.clip("imported from the previous system: " + ref + ", created there " + createdAt, KeyEvent.MAX_DETAIL)));
                SafeListener.call(listener, l -> l.onIssued(key));
                return new ImportResult(ref, ImportResult.Outcome.IMPORTED, Optional.of(key), Optional.empty());
            } catch (DuplicateKeyException e) {
                switch (e.conflict()) {
                    case KEY_ID -> {
                        if (attempt == 3) {
                            throw e;
                        }
                    }
                    case IMPORT_REF -> {
                        return new ImportResult(ref, ImportResult.Outcome.ALREADY_IMPORTED, Optional.empty(), Optional.empty());
                    }
                    case ACTIVE_NAME -> {
                        return failed(ref, "the owner already has an active key named like this one");
                    }
                    case LEGACY_LOOKUP -> {
                        return failed(ref, "another imported key already has this legacy lookup value");
                    }
                }
            }
        }
    }

    private static ImportResult failed(String ref, String why) {
        return new ImportResult(ref, ImportResult.Outcome.FAILED, Optional.empty(), Optional.of(why));
    }

    // --------------------------------------------------------------------------------------- verify

    public VerificationResult verify(VerificationRequest request) {
        requireNonNull(request, "request");
        ensureOpen();
        return engine.verify(request);
    }

    // --------------------------------------------------------------------------------------- revoke

    /**
     * Revokes for good and marks compromised if asked; {@code NOT_FOUND} for an unknown id. On this
     * node no verify that starts after this returns succeeds.
     */
    public RevocationResult revoke(String keyId, String reason, String actor, boolean compromised) {
        Syntax.keyId(keyId);
        Syntax.text("reason", reason, Syntax.MAX_REASON);
        Syntax.text("actor", actor, Syntax.MAX_ACTOR);
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
        return store.find(keyId).map(StoredKey::key)
                .map(k -> new RevocationResult(keyId, RevocationResult.Outcome.ALREADY_REVOKED, Optional.of(k)))
                .orElseGet(() -> new RevocationResult(keyId, RevocationResult.Outcome.NOT_FOUND, Optional.empty()));
    }

    // --------------------------------------------------------------------------------------- rotate

    /** A plain rotation of an active key. */
    public IssuedKey rotate(String oldKeyId, RotateOptions options) {
        Syntax.keyId(oldKeyId);
        requireNonNull(options, "options");
        ensureOpen();
        ApiKey old = find(oldKeyId);
        if (!old.isActive()) {
            throw new KeyStateException("key " + oldKeyId + " is revoked; a revoked key cannot be rotated, issue a new key");
        }
        return rotateFrom(old, options, PredecessorCondition.MUST_BE_ACTIVE);
    }

    /**
     * The rotation itself. {@code condition} is {@code MAY_BE_REVOKED} only for the emergency rotation,
     * which revokes first; a plain rotation of a key revoked meanwhile changes nothing.
     */
    public IssuedKey rotateFrom(ApiKey old, RotateOptions options, PredecessorCondition condition) {
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
        Optional<Instant> successorExpiry = options.successorExpiresAt().map(KeyOperations::millis)
                .or(() -> old.expiresAt().map(e -> now.plus(Duration.between(old.createdAt(), e))));
        successorExpiry.ifPresent(e -> future("successorExpiresAt", e, now));
        Optional<Instant> overlap = options.overlapUntil().map(KeyOperations::millis);
        overlap.ifPresent(d -> future("overlapUntil", d, now));
        if (overlap.isPresent() && old.expiresAt().isPresent() && old.expiresAt().get().isBefore(overlap.get())) {
            overlap = old.expiresAt(); // never later than the old key's own expiry
        }
        String successorId = TokenFormat.newKeyId(random);
        // The successor keeps its predecessor's prefix: a test key rotated by a live manager stays a test key.
        ApiKey successor = old.successorBuilder(successorId, name, now).expiresAt(successorExpiry).build();
        List<KeyEvent> events = new ArrayList<>();
        events.add(new KeyEvent(old.id(), KeyEventType.ROTATED, now, options.actor(),
                Texts.rotatedDetail(successorId, name, options.reason())));
        events.add(new KeyEvent(successorId, KeyEventType.ISSUED, now, options.actor(), "successor of " + old.id()));
        if (overlap.isPresent()) {
            events.add(new KeyEvent(old.id(), KeyEventType.EXPIRY_CHANGED, now, options.actor(),
                    "rotation window: expires at " + overlap.get()));
        }
        IssuedKey issued = store(successor, options.actor(), null, new Rotation(old.id(), expected, overlap, events, condition),
                Optional.empty());
        engine.invalidate(old.id());
        ApiKey predecessor = old.withSuccessor(successorId, overlap.isPresent() ? overlap : old.expiresAt());
        SafeListener.call(listener, l -> l.onIssued(issued.key()));
        SafeListener.call(listener, l -> l.onRotated(predecessor, issued.key()));
        return issued;
    }

    /** Lowers a key's expiry (a rotation window's end) and drops this node's cached snapshot of it. */
    public void shortenExpiry(String keyId, Instant expiresAt, KeyEvent event) {
        store.shortenExpiry(keyId, expiresAt, event);
        engine.invalidate(keyId);
    }

    // ------------------------------------------------------------------------------ change in place

    /**
     * Changes a key in place (see {@code KeyManager.update}); on this node the change is effective
     * when this returns, on others through the change feed.
     */
    public ApiKey update(String keyId, KeyUpdate update) {
        Syntax.keyId(keyId);
        requireNonNull(update, "update");
        ensureOpen();
        InPlaceChanges.Applied applied = InPlaceChanges.apply(store, policy, now(), keyId, update);
        if (applied.after() == applied.before()) {
            return applied.after();
        }
        engine.changed(applied.after());
        // Set here or not, the next spend reads the store's generation: a lease of the old balance is void
        // then, and one a request took from the new balance meanwhile (after the write) is kept.
        applied.creditAccountBefore().ifPresent(ledger::revalidate);
        applied.after().creditAccount().ifPresent(ledger::revalidate);
        SafeListener.call(listener, l -> l.onUpdated(applied.before(), applied.after(), applied.scopesWidened()));
        return applied.after();
    }

    /** The credits of a key's rotation chain, if it has credits. */
    public Optional<CreditBalance> credits(String keyId) {
        Syntax.keyId(keyId);
        ensureOpen();
        ApiKey key = find(keyId);
        if (key.creditAccount().isEmpty()) {
            return Optional.empty();
        }
        String account = key.creditAccount().get();
        long nowMillis = clock.millis();
        return store.findCredits(account).map(a -> {
            CreditAccount v = CreditLedger.view(a, nowMillis);
            return new CreditBalance(keyId, account, v.balance(), ledger.leasedHere(account), v.refill(), v.nextRefillAt());
        });
    }

    public CreditLedger ledger() {
        return ledger;
    }

    // ---------------------------------------------------------------------------------------- usage

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

    /** Writes buffered usage; on failure it stays buffered and the exception is thrown. */
    public long flush() {
        return usage.flush(store);
    }

    /** {@link #flush()} for the background, and idle credit leases given back: failures go to the listener. */
    public void backgroundFlush() {
        try {
            usage.flush(store);
        } catch (dev.keyvault.KeyStoreException e) {
            usage.reportFailure(e);
        }
        try {
            ledger.returnIdle(clock.millis());
        } catch (dev.keyvault.KeyStoreException e) {
            SafeListener.call(listener, l -> l.onStoreFailure("credits", e));
        }
    }

    /** Gives back every unspent credit lease (on close). */
    public void returnCredits() {
        ledger.returnAll(clock.millis());
    }

    public UsageRetention retention() {
        return retention;
    }

    /** Applies the configured retention now, in batches. */
    public UsageRetention.Result applyRetention() {
        ensureOpen();
        return UsageRetentionRunner.apply(store, retention, now());
    }

    /**
     * Deletes every usage rollup of the owner's keys (revoked ones too), after writing this node's
     * buffered usage so none of it comes back later. Returns how many rollups were deleted.
     */
    public long eraseUsage(String owner) {
        Syntax.text("owner", owner, Syntax.MAX_OWNER);
        ensureOpen();
        usage.flush(store);
        List<String> ids = new ArrayList<>();
        for (StoredKey s : Paging.all(store, KeyQuery.all().withOwner(owner))) {
            ids.add(s.id());
        }
        return UsageRetentionRunner.erase(store, ids);
    }

    public UsageCoalescer usage() {
        return usage;
    }

    /** A request this node dropped without knowing its key, if any: no old key is quiet before a quiet period after it. */
    public Optional<Instant> unattributedUsageDrop() {
        return Optional.ofNullable(usage.unattributedDropSince());
    }

    // ------------------------------------------------------------------------------ rotation policy

    /** Active keys due within the policy's warning window at {@code at}, soonest first; tells the listener of each. */
    public List<RotationDue> rotationDue(Instant at) {
        List<RotationDue> due = dueEntries(at, KeyQuery.all());
        for (RotationDue d : due) {
            SafeListener.call(listener, l -> l.onRotationDue(d));
        }
        return due;
    }

    /** Active keys matching {@code filter} due within the warning window at {@code at}, soonest first (no listener calls). */
    public List<RotationDue> dueEntries(Instant at, KeyQuery filter) {
        requireNonNull(at, "at");
        requireNonNull(filter, "filter");
        ensureOpen();
        ensureStamped();
        return RotationDueScanner.all(store, policy, at, filter);
    }

    /** One page of keys due for rotation (see {@code RotationDueQuery}). */
    public RotationDuePage rotationDue(RotationDueQuery query) {
        requireNonNull(query, "query");
        ensureOpen();
        ensureStamped();
        return RotationDueScanner.page(store, policy, query);
    }

    /** How many keys every page of {@code query} holds, by urgency. */
    public RotationDueCounts rotationDueCounts(RotationDueQuery query) {
        requireNonNull(query, "query");
        ensureOpen();
        ensureStamped();
        return RotationDueScanner.counts(store, policy, query);
    }

    /** Recomputes stored due dates computed by another policy (or, with {@code all}, every one). */
    public DueDateRecompute recomputeDueDates(boolean all) {
        ensureOpen();
        DueDateRecompute r = DueDates.recompute(store, policy, all);
        allStamped = true;
        return r;
    }

    /** Stamps keys stored without a due date (before schema version 3), once per manager. */
    private void ensureStamped() {
        if (!allStamped) {
            DueDates.stampMissing(store, policy);
            allStamped = true;
        }
    }

    // -------------------------------------------------------------------------------------- queries

    /** The key, or {@link UnknownKeyException}. */
    public ApiKey find(String keyId) {
        return store.find(keyId).map(StoredKey::key).orElseThrow(() -> new UnknownKeyException(keyId));
    }

    public List<KeyEvent> history(String keyId) {
        return store.history(keyId);
    }

    /** Appends a history entry that accompanies no state change, its detail clipped to the limit. */
    public void note(String keyId, KeyEventType type, String actor, String detail) {
        store.appendEvent(new KeyEvent(keyId, type, now(), actor, Texts.clip(detail, KeyEvent.MAX_DETAIL)));
    }

    // ------------------------------------------------------------------------------------ the state

    public KeyStore store() {
        return store;
    }

    public Clock clock() {
        return clock;
    }

    /** Now, to the millisecond (what stores keep). */
    public Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    public String prefix() {
        return format.prefix();
    }

    public RotationPolicy policy() {
        return policy;
    }

    public Duration quietPeriod() {
        return quietPeriod;
    }

    public KeyEventListener listener() {
        return listener;
    }

    public HashingPolicy hashing() {
        return hashing;
    }

    public VerificationEngine engine() {
        return engine;
    }

    public void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this KeyManager is closed");
        }
    }

    /** Marks the manager closed; {@code true} the first time only. */
    public boolean markClosed() {
        return closed.compareAndSet(false, true);
    }

    public boolean isClosed() {
        return closed.get();
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
        return "KeyOperations[prefix=" + format.prefix() + ", store=" + store.getClass().getSimpleName() + ", hasher=" + hashing + "]";
    }
}
