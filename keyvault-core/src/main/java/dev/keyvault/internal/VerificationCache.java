package dev.keyvault.internal;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * The verified keys of one node, by key id: a {@link ConcurrentHashMap} bounded by estimated bytes
 * (or by count), swept when it grows past the bound. A cache library's per-read bookkeeping (a
 * frequency sketch, access buffers) measured as a third of a hot verify once the keys outnumber the
 * processor's caches — 50,000 keys in round-robin took 2.6× the single-key time with Caffeine — and
 * its eviction policy buys little here: an evicted key costs one store read and one stored-hash check
 * on its next verify, and the default bound holds about 200,000 keys. So a read is one map read.
 *
 * <p>Over the bound, the write that crossed it sweeps until a tenth of the room is free, by CLOCK:
 * a read marks its entry (a plain field write, and only when the mark is not already set), and the
 * sweep spares marked entries once, clearing their mark — so keys in use stay and keys nobody
 * verified since the last sweep go first. At most one sweep runs at a time; sweeps are O(n) but at
 * most one per n/10 new entries. The map is keyed by {@link CacheKey}. Thread-safe.
 */
final class VerificationCache {
    private final ConcurrentHashMap<CacheKey, CacheEntry> map = new ConcurrentHashMap<>();
    private final long maxCount;
    private final long maxBytes;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();
    private final AtomicBoolean sweeping = new AtomicBoolean();

    /** @param maxCount at most this many entries, or -1 to bound by {@code maxBytes} */
    VerificationCache(long maxCount, long maxBytes) {
        this.maxCount = maxCount;
        this.maxBytes = maxBytes;
    }

    CacheEntry get(String id) {
        CacheKey key = CacheKey.of(id);
        if (key == null) {
            return null;
        }
        CacheEntry hit = map.get(key);
        if (hit != null && !hit.referenced) {
            hit.referenced = true; // written once per sweep, so a hot entry's cache line stays clean
        }
        return hit;
    }

    void put(String id, CacheEntry entry) {
        CacheEntry old = map.put(key(id), entry);
        added(entry.estimatedBytes() - (old == null ? 0 : old.estimatedBytes()));
    }

    /** {@link ConcurrentHashMap#compute}, keeping the byte count; the function runs once, under the key's lock. */
    CacheEntry compute(String id, BiFunction<String, CacheEntry, CacheEntry> f) {
        long[] delta = new long[1];
        CacheEntry now = map.compute(key(id), (k, old) -> {
            CacheEntry next = f.apply(id, old);
            delta[0] = (next == null ? 0 : next.estimatedBytes()) - (old == null ? 0 : old.estimatedBytes());
            return next;
        });
        added(delta[0]);
        return now;
    }

    void computeIfPresent(String id, BiFunction<String, CacheEntry, CacheEntry> f) {
        CacheKey key = CacheKey.of(id);
        if (key == null) {
            return;
        }
        long[] delta = new long[1];
        map.computeIfPresent(key, (k, old) -> {
            CacheEntry next = f.apply(id, old);
            delta[0] = (next == null ? 0 : next.estimatedBytes()) - old.estimatedBytes();
            return next;
        });
        added(delta[0]);
    }

    void invalidate(String id) {
        CacheKey key = CacheKey.of(id);
        CacheEntry old = key == null ? null : map.remove(key);
        if (old != null) {
            bytes.addAndGet(-old.estimatedBytes());
        }
    }

    void invalidateAll() {
        for (Iterator<CacheEntry> it = map.values().iterator(); it.hasNext(); ) {
            CacheEntry e = it.next();
            it.remove();
            bytes.addAndGet(-e.estimatedBytes());
        }
    }

    long size() {
        return map.size();
    }

    long bytes() {
        return bytes.get();
    }

    long evictions() {
        return evictions.get();
    }

    private static CacheKey key(String id) {
        CacheKey key = CacheKey.of(id);
        if (key == null) {
            throw new IllegalArgumentException("not a key id");
        }
        return key;
    }

    private void added(long delta) {
        if (delta != 0 && bytes.addAndGet(delta) > 0 && overBound()) {
            sweep();
        }
    }

    private boolean overBound() {
        return maxCount >= 0 ? map.size() > maxCount : bytes.get() > maxBytes;
    }

    private void sweep() {
        if (!sweeping.compareAndSet(false, true)) {
            return;
        }
        try {
            long targetCount = maxCount >= 0 ? maxCount - Math.max(1, maxCount / 10) : Long.MAX_VALUE;
            long targetBytes = maxCount >= 0 ? Long.MAX_VALUE : maxBytes - maxBytes / 10;
            // CLOCK (second chance): an entry read since the last sweep loses its mark and stays; an
            // entry nobody read goes. Two passes at most: after the first, every survivor is unmarked.
            for (int pass = 0; pass < 2 && (map.size() > targetCount || bytes.get() > targetBytes); pass++) {
                for (Iterator<CacheEntry> it = map.values().iterator(); it.hasNext()
                        && (map.size() > targetCount || bytes.get() > targetBytes); ) {
                    CacheEntry e = it.next();
                    if (e.referenced) {
                        e.referenced = false;
                        continue;
                    }
                    it.remove();
                    bytes.addAndGet(-e.estimatedBytes());
                    evictions.incrementAndGet();
                }
            }
        } finally {
            sweeping.set(false);
        }
    }
}
