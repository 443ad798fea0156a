package dev.keyvault.servlet.internal;

import dev.keyvault.servlet.RateLimitProbe;
import dev.keyvault.servlet.Tier;

/** One token bucket per key, wherever they live. Implementations are thread-safe. */
public interface Buckets {

    /**
     * Takes one request from the bucket of {@code keyId}, created full for {@code tier} if new.
     *
     * @throws dev.keyvault.KeyStoreException if a shared bucket store fails
     */
    RateLimitProbe tryConsume(String keyId, Tier tier);

    /** The bucket's key: a changed tier (other numbers) gets a fresh bucket instead of a stale one. */
    static String bucketKey(String keyId, Tier tier) {
        return keyId + ":" + tier.name() + ":" + tier.requests() + "/" + tier.period().toMillis() + "ms:" + tier.burst();
    }
}
