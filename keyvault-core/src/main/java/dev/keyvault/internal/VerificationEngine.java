package dev.keyvault.internal;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyEventListener;
import dev.keyvault.KeyEventType;
import dev.keyvault.KeyStoreException;
import dev.keyvault.LegacyTokenFormat;
import dev.keyvault.RejectionReason;
import dev.keyvault.VerificationRequest;
import dev.keyvault.VerificationResult;
import dev.keyvault.VerificationResult.Rejected;
import dev.keyvault.VerificationResult.Verified;
import dev.keyvault.spi.KeyHasher;
import dev.keyvault.spi.KeyStore;
import dev.keyvault.spi.StoredKey;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot and cold verification.
 *
 * <pre>
 * token ─► parse+checksum ─► cache[keyId] ─hit─► SHA-256(secret) == cached digest? ─► status/expiry ─► result
 *              │ bad: MALFORMED   │ miss
 *              ▼                  ▼
 *           reject          store.find ─absent or other prefix: UNKNOWN
 *                                 └─► stored-hash check ─► cache ─► status/expiry
 * </pre>
 *
 * <p>A slow stored-hash check (Argon2id) goes through the {@link HashScheduler}: one per key id at
 * a time, the same secret checked once for all callers presenting it at once, and a secret found
 * wrong is remembered ({@link RejectedSecrets}) so a replay costs no second slow hash. A caller that
 * waited in a key's line re-checks the cache first: once the right secret is cached, a wrong one is
 * answered by comparing digests.
 *
 * <p>Revocation on this node is linearizable: once {@link #markRevoked} returns, no verify that
 * starts afterwards returns {@code Verified}. A cold verify that read the store before a revoke
 * could otherwise put a stale ACTIVE snapshot into the cache after the revoke; so every read of
 * the store is registered in {@link InFlightReads}, every cache install is a compute that first
 * checks that no invalidation of that key happened since, and a verify that finds one re-reads the
 * store instead of installing what it read.
 *
 * <p>REVOKED and EXPIRED are only reported for the right secret: a stranger who knows a public key
 * id gets INVALID, learns nothing about its state and cannot record usage against it.
 *
 * <p>Key policies run last, only for a live key whose secret matched: the IP allowlist against the
 * request's client address (no address: refused), then the usage credits, spent from this node's
 * lease ({@link CreditLedger}) — a key without policies pays one field check for them.
 */
public final class VerificationEngine {
    private static final Logger LOG = LoggerFactory.getLogger(VerificationEngine.class);
    private static final Rejected MALFORMED = Rejected.of(RejectionReason.MALFORMED);
    private static final Rejected UNKNOWN = Rejected.of(RejectionReason.UNKNOWN);
    private static final Rejected INVALID = Rejected.of(RejectionReason.INVALID);

    private final KeyStore store;
    private final TokenFormat format;
    private final HashingPolicy hashing;
    private final Clock clock;
    private final KeyEventListener listener;
    private final VerificationCache cache;
    private final long refreshMillis;
    private final InFlightReads reads = new InFlightReads();
    private final RejectedSecrets rejected;
    /**
     * Ids this node has seen revoked: {@code recordUsage} checks it on every request, so it must be
     * cheaper than a cache lookup. Revocation is final, so entries never go stale; the set is
     * cleared if it ever grows past {@link #MAX_KNOWN_REVOKED} (it then only misses some
     * used-after-revoke notifications until keys are seen again).
     */
    private final Set<String> knownRevoked = ConcurrentHashMap.newKeySet();
    private static final int MAX_KNOWN_REVOKED = 100_000;
    /** Legacy lookup value to key id, learned from the store; cleared if it outgrows {@link #MAX_LEGACY_IDS}. */
    private final ConcurrentHashMap<String, String> legacyIds = new ConcurrentHashMap<>();
    private static final int MAX_LEGACY_IDS = 100_000;
    private final LegacyTokenFormat legacy;
    private final CreditLedger ledger;

    public VerificationEngine(KeyStore store, TokenFormat format, HashingPolicy hashing, Clock clock,
            KeyEventListener listener, long cacheMaximumSize, long cacheMaximumBytes, Duration statusRefresh,
            LegacyTokenFormat legacy, CreditLedger ledger) {
        this.legacy = legacy;
        this.ledger = ledger;
        this.store = store;
        this.format = format;
        this.hashing = hashing;
        this.clock = clock;
        this.listener = listener;
        this.refreshMillis = statusRefresh.toMillis();
        this.rejected = new RejectedSecrets(clock);
        // Bounded by size only: time-based eviction would read a clock on every hit (tens of ns on some
        // VMs), and an idle entry is harmless — its status is re-read after the refresh interval anyway.
        this.cache = cacheMaximumSize == 0 ? null : new VerificationCache(cacheMaximumSize, cacheMaximumBytes);
    }

    public VerificationResult verify(VerificationRequest request) {
        String token = request.token();
        ParsedToken parsed = format.parse(token);
        if (parsed == null) {
            return legacy == null ? MALFORMED : verifyLegacy(token, request);
        }
        try {
            return verify(parsed.keyId(), parsed, request);
        } finally {
            parsed.wipe();
        }
    }

    /**
     * A token of the system keyvault replaced: its lookup value leads to the imported key's id (looked
     * up once, then remembered), and from there it is verified like any key, by id — hot from the
     * cache, or cold against the imported hash.
     */
    private VerificationResult verifyLegacy(String token, VerificationRequest request) {
        Optional<LegacyTokenFormat.LegacyToken> parsed;
        try {
            parsed = legacy.parse(token);
        } catch (RuntimeException e) {
            LOG.debug("the legacy token format threw {}", e.getClass().getName());
            return MALFORMED;
        }
        if (parsed == null || parsed.isEmpty()) {
            return MALFORMED;
        }
        LegacyTokenFormat.LegacyToken t = parsed.get();
        try {
            String id = legacyIds.get(t.lookup());
            if (id == null) {
                Optional<StoredKey> found = store.findByLegacyLookup(t.lookup());
                if (found.isEmpty()) {
                    return UNKNOWN;
                }
                id = found.get().id();
                if (legacyIds.size() >= MAX_LEGACY_IDS) {
                    legacyIds.clear();
                }
                legacyIds.put(t.lookup(), id); // a lookup value belongs to one key for good
            }
            byte[] secret = t.secret();
            return verify(id, new PresentedSecret() {
                @Override
                public byte[] digest() {
                    return Sha256.digest(secret);
                }

                @Override
                public byte[] secret() {
                    return secret.clone();
                }
            }, request);
        } finally {
            t.wipe();
        }
    }

    private VerificationResult verify(String id, PresentedSecret token, VerificationRequest request) {
        CacheEntry hit = cache == null ? null : cache.get(id);
        if (hit != null) {
            if (!hit.matches(token.digest())) {
                return INVALID;
            }
            long now = clock.millis();
            if (!hit.revoked && now - hit.snapshotAtMillis >= refreshMillis) {
                return admit(refresh(id, hit, now), request, now);
            }
            VerificationResult r = hit.result(now);
            return hit.hasPolicies ? admit(r, request, now) : r;
        }
        VerificationResult r;
        try (InFlightReads.Read read = reads.begin(id)) {
            r = cold(id, token, read);
        }
        return admit(r, request, clock.millis());
    }

    /** The key policies of a live key whose secret matched: the IP allowlist, then the credits. */
    private VerificationResult admit(VerificationResult r, VerificationRequest request, long now) {
        if (!(r instanceof Verified v)) {
            return r;
        }
        ApiKey key = v.key();
        if (!key.ipAllowlist().isEmpty() && !key.ipAllowlist().allows(request.clientAddress().orElse(null))) {
            return new Rejected(RejectionReason.IP_NOT_ALLOWED, Optional.of(key.id()));
        }
        if (key.creditAccount().isPresent() && !ledger.spend(key.creditAccount().get(), request.cost(), now)) {
            return new Rejected(RejectionReason.CREDITS_EXHAUSTED, Optional.of(key.id()), ledger.refillAt(key.creditAccount().get()));
        }
        return r;
    }

    private VerificationResult cold(String id, PresentedSecret token, InFlightReads.Read read) {
        byte[] digest = token.digest();
        if (hashing.scheduler().isFull(id, ByteBuffer.wrap(digest))) {
            // A flood of distinct secrets for this key id is queued already: shed this one before any I/O.
            throw hashing.scheduler().full();
        }
        Optional<StoredKey> found = store.find(id);
        if (found.isEmpty()) {
            return UNKNOWN;
        }
        StoredKey stored = found.get();
        if (!stored.key().prefix().equals(format.prefix())) {
            // Test/live separation: a kb_test key re-labelled kb_live (checksum recomputed) is no live key.
            return UNKNOWN;
        }
        KeyHasher hasher = hashing.readerOf(stored.hash());
        if (hasher == null) {
            LOG.debug("key {} is hashed with an algorithm no configured hasher reads", id);
            return INVALID;
        }
        boolean ok = hasher.isExpensive() ? slowCheck(id, stored, hasher, token, digest) : check(stored, hasher, token);
        if (!ok) {
            return INVALID;
        }
        long now = clock.millis();
        CacheEntry entry = new CacheEntry(digest, stored.key(), now);
        CacheEntry installed = install(id, entry, read);
        if (installed != null) {
            remember(installed);
            return installed.result(now);
        }
        // The key changed (a revoke, a change-feed event) while we were checking: what we read may be stale.
        Optional<StoredKey> again = store.find(id);
        if (again.isEmpty()) {
            return UNKNOWN;
        }
        CacheEntry fresh = entry.withSnapshot(again.get().key(), now);
        remember(fresh);
        return fresh.result(clock.millis());
    }

    /** A cheap check (HMAC), and the rehash it may call for, right here. */
    private boolean check(StoredKey stored, KeyHasher hasher, PresentedSecret token) {
        byte[] secret = token.secret();
        try {
            if (!hasher.verify(stored.hash(), secret)) {
                return false;
            }
            if (hashing.needsRehash(hasher, stored.hash())) {
                rehash(stored, secret);
            }
            return true;
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** A slow check, scheduled: see the class comment. */
    private boolean slowCheck(String id, StoredKey stored, KeyHasher hasher, PresentedSecret token, byte[] digest) {
        if (rejected.contains(id, digest)) {
            return false;
        }
        long deadline = hashing.scheduler().deadline();
        return hashing.scheduler().inLine(id, ByteBuffer.wrap(digest), deadline, () -> {
            CacheEntry hit = cache == null ? null : cache.get(id);
            if (hit != null) {
                return hit.matches(digest); // checked meanwhile by the caller ahead
            }
            if (rejected.contains(id, digest)) {
                return false;
            }
            byte[] secret = token.secret();
            try {
                boolean ok = hashing.run(hasher, HashScheduler.Lane.VERIFY, id, deadline,
                        () -> hasher.verify(stored.hash(), secret));
                if (!ok) {
                    rejected.add(id, digest);
                    hashing.scheduler().penalize(id);
                } else if (hashing.needsRehash(hasher, stored.hash())) {
                    rehash(stored, secret);
                }
                return ok;
            } finally {
                Arrays.fill(secret, (byte) 0);
            }
        });
    }

    private void remember(CacheEntry entry) {
        if (entry.revoked) {
            if (knownRevoked.size() >= MAX_KNOWN_REVOKED) {
                knownRevoked.clear();
            }
            knownRevoked.add(entry.snapshot.id());
        }
    }

    /** Re-reads the status of a cached key (no rehash). If the store is down, keeps serving the snapshot. */
    private VerificationResult refresh(String id, CacheEntry hit, long now) {
        try (InFlightReads.Read read = reads.begin(id)) {
            Optional<StoredKey> found;
            try {
                found = store.find(id);
            } catch (KeyStoreException e) {
                // Fail static: a key this node verified keeps its last known state while the store is down
                // (no node can revoke without the store either). Retry after another refresh interval.
                SafeListener.call(listener, l -> l.onStoreFailure("refresh", e));
                install(id, hit.withSnapshot(hit.snapshot, now), read);
                return hit.result(now);
            }
            if (found.isEmpty()) {
                invalidate(id);
                return UNKNOWN;
            }
            CacheEntry refreshed = hit.withSnapshot(found.get().key(), now);
            CacheEntry installed = install(id, refreshed, read);
            CacheEntry current = installed != null ? installed : refreshed;
            remember(current);
            return current.result(now);
        }
    }

    /**
     * Puts {@code entry} unless the key was invalidated since {@code read} began; never replaces a
     * revoked snapshot with an active one. Returns what is cached now, or {@code null} if it declined.
     */
    private CacheEntry install(String id, CacheEntry entry, InFlightReads.Read read) {
        if (cache == null) {
            return read.isCurrent() ? entry : null;
        }
        CacheEntry[] out = new CacheEntry[1];
        cache.compute(id, (k, old) -> {
            if (!read.isCurrent()) {
                return old;
            }
            CacheEntry merged = old == null ? entry : old.withSnapshot(entry.snapshot, entry.snapshotAtMillis);
            out[0] = merged;
            return merged;
        });
        return out[0];
    }

    private void rehash(StoredKey stored, byte[] secret) {
        try {
            Optional<String> fresh = hashing.rehash(secret);
            if (fresh.isEmpty()) {
                return; // no slot free right now; the next cold verify retries
            }
            String algorithm = hashing.current().algorithm();
            KeyEvent event = new KeyEvent(stored.id(), KeyEventType.REHASHED, Instant.ofEpochMilli(clock.millis()),
                    "system", "rehashed with " + algorithm);
            if (store.replaceHash(stored.id(), stored.hash(), fresh.get(), event)) {
                SafeListener.call(listener, l -> l.onRehashed(stored.key(), algorithm));
            }
        } catch (RuntimeException e) {
            // The verify itself succeeded; the rehash is retried on the next cold verify.
            LOG.debug("rehash of key {} failed: {}", stored.id(), e.toString());
        }
    }

    /** Remembers a secret we just issued, so the first verify on this node is already hot. */
    public void prime(String id, byte[] secret, ApiKey key) {
        if (cache != null) {
            cache.put(id, new CacheEntry(Sha256.digest(secret), key, clock.millis()));
        }
    }

    /** Forgets the key's cached state (its status changed somewhere). */
    public void invalidate(String id) {
        reads.invalidate(id);
        if (cache != null) {
            CacheEntry old = cache.get(id);
            cache.invalidate(id);
            if (old != null) {
                old.snapshot.creditAccount().ifPresent(ledger::revalidate);
            }
        }
    }

    /**
     * The key was changed in place somewhere: keep the verified digest (no new stored-hash check) but
     * re-read its snapshot on the next verify; credits it spends are checked against the store first.
     */
    public void stale(String id) {
        reads.invalidate(id);
        if (cache != null) {
            cache.computeIfPresent(id, (k, old) -> {
                old.snapshot.creditAccount().ifPresent(ledger::revalidate);
                return old.revoked ? old : old.withSnapshot(old.snapshot, Long.MIN_VALUE / 4);
            });
        }
    }

    /** This node changed the key in place: serve the new snapshot at once. */
    public void changed(ApiKey updated) {
        reads.invalidate(updated.id());
        if (cache != null) {
            long now = clock.millis();
            cache.computeIfPresent(updated.id(), (k, old) -> old.withSnapshot(updated, now));
        }
    }

    /** This node revoked the key: keep the digest (so a revoked key's requests stay cheap) with a revoked snapshot. */
    public void markRevoked(ApiKey revoked) {
        reads.invalidate(revoked.id());
        remember(new CacheEntry(new byte[0], revoked, 0));
        if (cache != null) {
            long now = clock.millis();
            cache.computeIfPresent(revoked.id(), (k, old) -> old.withSnapshot(revoked, now));
        }
    }

    public void invalidateAll() {
        reads.invalidateAll();
        if (cache != null) {
            cache.invalidateAll();
        }
    }

    /** Whether this node has seen the key revoked (no I/O; a set lookup). */
    public boolean isKnownRevoked(String id) {
        return !knownRevoked.isEmpty() && knownRevoked.contains(id);
    }

    /** How many keys are cached (approximate). */
    public long cachedKeys() {
        return cache == null ? 0 : cache.size();
    }
}
