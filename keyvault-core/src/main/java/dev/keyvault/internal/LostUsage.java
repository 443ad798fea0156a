package dev.keyvault.internal;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests usage recording could not keep in full: dropped (the buffer was full) or folded (counted
 * under an "other" label), per key. Drops must never make a key look unused: the latest drop per key
 * goes into the next flush's last-use times, so the stored {@code lastUsedAt} — and with it the
 * quiet time of an old key in rotation — counts dropped requests too. Per-key entries are bounded;
 * drops beyond that are kept as one "some key, at this time" instant, which makes every key on this
 * node non-quiet until a quiet period has passed after it. Thread-safe.
 */
final class LostUsage {
    private static final int MAX_KEYS = 10_000;
    private static final int NAMED_IN_REPORTS = 5;

    /** Latest dropped request per key id, since the last flush that wrote it. */
    private final ConcurrentHashMap<String, AtomicLong> lastDropped = new ConcurrentHashMap<>();
    /** Requests dropped and folded per key id since the last report (bounded like {@link #lastDropped}). */
    private final ConcurrentHashMap<String, LongAdder> droppedByKey = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> foldedByKey = new ConcurrentHashMap<>();
    private final LongAdder droppedSinceReport = new LongAdder();
    private final LongAdder foldedSinceReport = new LongAdder();
    private final AtomicLong droppedTotal = new AtomicLong();
    private final AtomicLong foldedTotal = new AtomicLong();
    /** Latest drop that could not be attributed to a key (the per-key table was full), or MIN_VALUE. */
    private final AtomicLong unattributed = new AtomicLong(Long.MIN_VALUE);

    void dropped(String keyId, long atMillis, long requests) {
        droppedSinceReport.add(requests);
        AtomicLong last = lastDropped.get(keyId);
        if (last == null && lastDropped.size() < MAX_KEYS) {
            last = lastDropped.computeIfAbsent(keyId, k -> new AtomicLong(Long.MIN_VALUE));
        }
        if (last == null) {
            unattributed.accumulateAndGet(atMillis, Math::max);
        } else {
            last.accumulateAndGet(atMillis, Math::max);
        }
        count(droppedByKey, keyId, requests);
    }

    void folded(String keyId) {
        foldedSinceReport.increment();
        count(foldedByKey, keyId, 1);
    }

    private static void count(ConcurrentHashMap<String, LongAdder> byKey, String keyId, long n) {
        LongAdder a = byKey.get(keyId);
        if (a == null && byKey.size() < MAX_KEYS) {
            a = byKey.computeIfAbsent(keyId, k -> new LongAdder());
        }
        if (a != null) {
            a.add(n);
        }
    }

    /** The latest dropped request of each key, to merge into a batch's last-use times. */
    Map<String, Instant> lastDropped() {
        Map<String, Instant> out = new HashMap<>();
        lastDropped.forEach((k, v) -> {
            long t = v.get();
            if (t != Long.MIN_VALUE) {
                out.put(k, Instant.ofEpochMilli(t));
            }
        });
        return out;
    }

    /** {@code written} (from {@link #lastDropped()}) is in the store now: forget what it covers. */
    void written(Map<String, Instant> written) {
        written.forEach((k, t) -> lastDropped.computeIfPresent(k, (id, v) -> v.get() <= t.toEpochMilli() ? null : v));
    }

    /** The latest drop this node could not attribute to a key, if any. */
    Instant unattributedSince() {
        long t = unattributed.get();
        return t == Long.MIN_VALUE ? null : Instant.ofEpochMilli(t);
    }

    /** Drops since the last report, described for a listener; {@code null} if none. Resets the count. */
    Report takeDropped() {
        return take(droppedSinceReport, droppedByKey, droppedTotal);
    }

    /** Folds since the last report, described for a listener; {@code null} if none. Resets the count. */
    Report takeFolded() {
        return take(foldedSinceReport, foldedByKey, foldedTotal);
    }

    private static Report take(LongAdder since, ConcurrentHashMap<String, LongAdder> byKey, AtomicLong total) {
        long n = since.sumThenReset();
        if (n == 0) {
            return null;
        }
        total.addAndGet(n);
        StringBuilder keys = new StringBuilder();
        int named = 0;
        for (Map.Entry<String, LongAdder> e : byKey.entrySet()) {
            long k = e.getValue().sumThenReset();
            if (k > 0 && named++ < NAMED_IN_REPORTS) {
                keys.append(keys.length() == 0 ? "" : ", ").append(e.getKey()).append(": ").append(k);
            }
        }
        byKey.clear();
        if (named > NAMED_IN_REPORTS) {
            keys.append(" and ").append(named - NAMED_IN_REPORTS).append(" more keys");
        }
        return new Report(n, keys.toString());
    }

    long droppedTotal() {
        return droppedTotal.get() + droppedSinceReport.sum();
    }

    long foldedTotal() {
        return foldedTotal.get() + foldedSinceReport.sum();
    }

    /** @param requests how many; @param keys the keys with most of them, as {@code id: n, …} */
    record Report(long requests, String keys) {}
}
