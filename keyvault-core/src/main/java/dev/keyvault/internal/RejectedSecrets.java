package dev.keyvault.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Secrets a slow hash has recently found wrong, per key id, so that replaying the same wrong token
 * costs a lookup instead of another slow hash: at most one slow hash per distinct (key id, secret)
 * in {@link #WINDOW}. Holds SHA-256 digests of the presented secrets (what the verification cache
 * holds of right ones), bounded in count; the oldest are evicted first. Thread-safe.
 */
public final class RejectedSecrets {
    static final Duration WINDOW = Duration.ofMinutes(10);
    private static final int MAX_ENTRIES = 20_000;

    private final Cache<Entry, Boolean> rejected;

    public RejectedSecrets(Clock clock) {
        this.rejected = Caffeine.newBuilder()
                .maximumSize(MAX_ENTRIES)
                .expireAfterWrite(WINDOW)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .build();
    }

    public boolean contains(String keyId, byte[] digest) {
        return rejected.getIfPresent(new Entry(keyId, ByteBuffer.wrap(digest))) != null;
    }

    public void add(String keyId, byte[] digest) {
        rejected.put(new Entry(keyId, ByteBuffer.wrap(digest.clone())), Boolean.TRUE);
    }

    private record Entry(String keyId, ByteBuffer digest) {
        @Override
        public String toString() {
            return "Rejected[" + keyId + ", digest=<hidden>]";
        }
    }
}
