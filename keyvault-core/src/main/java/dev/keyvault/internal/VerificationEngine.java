package dev.keyvault.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.keyvault.ApiKey;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyEventListener;
import dev.keyvault.KeyEventType;
import dev.keyvault.KeyStoreException;
import dev.keyvault.RejectionReason;
import dev.keyvault.VerificationResult;
import dev.keyvault.VerificationResult.Rejected;
import dev.keyvault.spi.KeyHasher;
import dev.keyvault.spi.KeyStore;
import dev.keyvault.spi.StoredKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot and cold verification.
 *
 * <pre>
 * token ─► parse+checksum ─► cache[keyId] ─hit─► SHA-256(secret) == cached digest? ─► status/expiry ─► result
 *              │ bad: MALFORMED   │ miss
 *              ▼                  ▼
 *           reject          store.find ─absent: UNKNOWN─► slow hash (bounded) ─► cache ─► status/expiry
 * </pre>
 *
 * <p>Revocation on this node is linearizable: once {@link #markRevoked} returns, no verify that
 * starts afterwards returns {@code Verified}. A cold verify that read the store before a revoke
 * could otherwise put a stale ACTIVE snapshot into the cache after the revoke; so every cache
 * install is a compute that first checks a counter of invalidations, and a verify that sees the
 * counter moved re-reads the store instead of installing what it read.
 *
 * <p>REVOKED and EXPIRED are only reported for the right secret: a stranger who knows a public key
 * id gets INVALID, learns nothing about its state and cannot record usage against it.
 */
public final class VerificationEngine {
    private static final Logger LOG = LoggerFactory.getLogger(VerificationEngine.class);
    private static final Rejected MALFORMED = Rejected.of(RejectionReason.MALFORMED);
    private static final Rejected UNKNOWN = Rejected.of(RejectionReason.UNKNOWN);
    private static final Rejected INVALID = Rejected.of(RejectionReason.INVALID);

    private final KeyStore store;
    private final TokenFormat format;
    private final KeyHasher current;
    private final List<KeyHasher> hashers;
    private final HashingBulkhead bulkhead;
    private final Clock clock;
    private final KeyEventListener listener;
    private final Cache<String, CacheEntry> cache;
    private final long refreshMillis;
    private final AtomicLong invalidations = new AtomicLong();
    /**
     * Ids this node has seen revoked: {@code recordUsage} checks it on every request, so it must be
     * cheaper than a cache lookup. Revocation is final, so entries never go stale; the set is
     * cleared if it ever grows past {@link #MAX_KNOWN_REVOKED} (it then only misses some
     * used-after-revoke notifications until keys are seen again).
     */
    private final Set<String> knownRevoked = ConcurrentHashMap.newKeySet();
    private static final int MAX_KNOWN_REVOKED = 100_000;

    public VerificationEngine(KeyStore store, TokenFormat format, KeyHasher current, List<KeyHasher> additional,
            HashingBulkhead bulkhead, Clock clock, KeyEventListener listener,
            long cacheMaximumSize, Duration statusRefresh) {
        this.store = store;
        this.format = format;
        this.current = current;
        this.hashers = ListUtil.prepend(current, additional);
        this.bulkhead = bulkhead;
        this.clock = clock;
        this.listener = listener;
        this.refreshMillis = statusRefresh.toMillis();
        // Size-bounded only: time-based eviction would read a clock on every hit (tens of ns on some
        // VMs), and an idle entry is harmless — its status is re-read after the refresh interval anyway.
        this.cache = cacheMaximumSize == 0 ? null : Caffeine.newBuilder()
                .maximumSize(cacheMaximumSize)
                .build();
    }

    public VerificationResult verify(String token) {
        ParsedToken parsed = format.parse(token);
        if (parsed == null) {
            return MALFORMED;
        }
        try {
            return verify(parsed);
        } finally {
            parsed.wipe();
        }
    }

    private VerificationResult verify(ParsedToken token) {
        long epoch = invalidations.get();
        String id = token.keyId();
        CacheEntry hit = cache == null ? null : cache.getIfPresent(id);
        if (hit != null) {
            if (!ConstantTime.equals(token.secretDigest(), hit.digest)) {
                return INVALID;
            }
            long now = clock.millis();
            if (!hit.revoked && now - hit.snapshotAtMillis >= refreshMillis) {
                return refresh(id, hit, epoch, now);
            }
            return hit.result(now);
        }
        byte[] secret = token.secret();
        try {
            return cold(id, secret, epoch);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    private VerificationResult cold(String id, byte[] secret, long epoch) {
        Optional<StoredKey> found = store.find(id);
        if (found.isEmpty()) {
            return UNKNOWN;
        }
        StoredKey stored = found.get();
        if (!stored.key().prefix().equals(format.prefix())) {
            // Test/live separation: a kb_test key re-labelled kb_live (checksum recomputed) is no live key.
            return UNKNOWN;
        }
        KeyHasher hasher = hasherFor(stored.hash());
        if (hasher == null) {
            LOG.debug("key {} is hashed with an algorithm no configured hasher reads", id);
            return INVALID;
        }
        boolean ok = hasher.isExpensive()
                ? bulkhead.run(() -> hasher.verify(stored.hash(), secret))
                : hasher.verify(stored.hash(), secret);
        if (!ok) {
            return INVALID;
        }
        if (hasher != current || current.needsRehash(stored.hash())) {
            rehash(stored, secret);
        }
        long now = clock.millis();
        CacheEntry entry = new CacheEntry(Sha256.digest(secret), stored.key(), now);
        CacheEntry installed = install(id, entry, epoch);
        if (installed != null) {
            remember(installed);
            return installed.result(now);
        }
        // A revoke or change-feed event arrived while we were hashing: what we read may be stale.
        Optional<StoredKey> again = store.find(id);
        if (again.isEmpty()) {
            return UNKNOWN;
        }
        CacheEntry fresh = entry.withSnapshot(again.get().key(), now);
        remember(fresh);
        return fresh.result(clock.millis());
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
    private VerificationResult refresh(String id, CacheEntry hit, long epoch, long now) {
        Optional<StoredKey> found;
        try {
            found = store.find(id);
        } catch (KeyStoreException e) {
            // Fail static: a key this node verified keeps its last known state while the store is down
            // (no node can revoke without the store either). Retry after another refresh interval.
            SafeListener.call(listener, l -> l.onStoreFailure("refresh", e));
            CacheEntry retried = hit.withSnapshot(hit.snapshot, now);
            install(id, retried, epoch);
            return hit.result(now);
        }
        if (found.isEmpty()) {
            invalidate(id);
            return UNKNOWN;
        }
        CacheEntry refreshed = hit.withSnapshot(found.get().key(), now);
        CacheEntry installed = install(id, refreshed, epoch);
        CacheEntry current = installed != null ? installed : refreshed;
        remember(current);
        return current.result(now);
    }

    /**
     * Puts {@code entry} unless an invalidation happened since {@code epoch}; never replaces a revoked
     * snapshot with an active one. Returns what is cached now, or {@code null} if it declined.
     */
    private CacheEntry install(String id, CacheEntry entry, long epoch) {
        if (cache == null) {
            return invalidations.get() == epoch ? entry : null;
        }
        CacheEntry[] out = new CacheEntry[1];
        cache.asMap().compute(id, (k, old) -> {
            if (invalidations.get() != epoch) {
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
            String fresh = current.isExpensive() ? bulkhead.run(() -> current.hash(secret)) : current.hash(secret);
            KeyEvent event = new KeyEvent(stored.id(), KeyEventType.REHASHED, Instant.ofEpochMilli(clock.millis()),
                    "system", "rehashed with " + current.algorithm());
            if (store.replaceHash(stored.id(), stored.hash(), fresh, event)) {
                SafeListener.call(listener, l -> l.onRehashed(stored.key(), current.algorithm()));
            }
        } catch (RuntimeException e) {
            // The verify itself succeeded; the rehash is retried on the next cold verify.
            LOG.debug("rehash of key {} failed: {}", stored.id(), e.toString());
        }
    }

    private KeyHasher hasherFor(String encoded) {
        for (KeyHasher h : hashers) {
            if (h.canVerify(encoded)) {
                return h;
            }
        }
        return null;
    }

    /** Remembers a secret we just issued, so the first verify on this node is already hot. */
    public void prime(String id, byte[] secret, ApiKey key) {
        if (cache != null) {
            cache.put(id, new CacheEntry(Sha256.digest(secret), key, clock.millis()));
        }
    }

    /** Forgets the key's cached state (its status changed somewhere). */
    public void invalidate(String id) {
        invalidations.incrementAndGet();
        if (cache != null) {
            cache.invalidate(id);
        }
    }

    /** This node revoked the key: keep the digest (so a revoked key's requests stay cheap) with a revoked snapshot. */
    public void markRevoked(ApiKey revoked) {
        invalidations.incrementAndGet();
        remember(new CacheEntry(new byte[0], revoked, 0));
        if (cache != null) {
            long now = clock.millis();
            cache.asMap().computeIfPresent(revoked.id(), (k, old) -> old.withSnapshot(revoked, now));
        }
    }

    public void invalidateAll() {
        invalidations.incrementAndGet();
        if (cache != null) {
            cache.invalidateAll();
        }
    }

    /** Whether this node has seen the key revoked (no I/O; a set lookup). */
    public boolean isKnownRevoked(String id) {
        return !knownRevoked.isEmpty() && knownRevoked.contains(id);
    }

    public KeyHasher currentHasher() {
        return current;
    }

    public HashingBulkhead bulkhead() {
        return bulkhead;
    }

    /** How many keys are cached (approximate). */
    public long cachedKeys() {
        return cache == null ? 0 : cache.estimatedSize();
    }
}
