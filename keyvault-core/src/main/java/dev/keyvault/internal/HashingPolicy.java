package dev.keyvault.internal;

import dev.keyvault.spi.KeyHasher;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The hashing policy of one manager, in one place: which hasher makes new hashes, which hashers can
 * read stored ones, when a stored hash is replaced, and how slow hashes are scheduled
 * ({@link HashScheduler}). Cheap hashers (HMAC) run directly; expensive ones only through the
 * scheduler. Thread-safe.
 */
public final class HashingPolicy {
    private final KeyHasher current;
    private final List<KeyHasher> readers;
    private final HashScheduler scheduler;

    public HashingPolicy(KeyHasher current, List<KeyHasher> additional, HashScheduler scheduler) {
        this.current = current;
        this.readers = ListUtil.prepend(current, additional);
        this.scheduler = scheduler;
    }

    /** Hashes a new secret (issue, rotate) with the current hasher; slow hashes go first in line. */
    public String hashNew(byte[] secret) {
        return run(current, HashScheduler.Lane.ISSUE, null, scheduler.deadline(), () -> current.hash(secret));
    }

    /** The hasher that reads {@code encoded}, or {@code null} if none is configured for it. */
    public KeyHasher readerOf(String encoded) {
        for (KeyHasher h : readers) {
            if (h.canVerify(encoded)) {
                return h;
            }
        }
        return null;
    }

    /** Whether a hash {@code reader} just verified should be replaced by one of the current hasher. */
    public boolean needsRehash(KeyHasher reader, String encoded) {
        return reader != current || current.needsRehash(encoded);
    }

    /**
     * A hash of {@code secret} by the current hasher for a rehash, or empty if that needs a slow-hash
     * slot and none is free right now: a rehash is never worth making anyone wait (the next cold
     * verify retries it).
     */
    public Optional<String> rehash(byte[] secret) {
        if (!current.isExpensive()) {
            return Optional.of(current.hash(secret));
        }
        String[] out = new String[1];
        scheduler.tryCompute(() -> out[0] = current.hash(secret));
        return Optional.ofNullable(out[0]);
    }

    /** Runs a check or a hash with {@code hasher}: directly if it is cheap, else in a scheduled slot. */
    public <T> T run(KeyHasher hasher, HashScheduler.Lane lane, String keyId, long deadline, Supplier<T> work) {
        return hasher.isExpensive() ? scheduler.compute(lane, keyId, deadline, work) : work.get();
    }

    public KeyHasher current() {
        return current;
    }

    public HashScheduler scheduler() {
        return scheduler;
    }

    @Override
    public String toString() {
        return current.toString();
    }
}
