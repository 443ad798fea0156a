package dev.keyvault.internal;

import dev.keyvault.UsageRetention;
import dev.keyvault.spi.KeyStore;
import java.time.Instant;
import java.util.List;

/**
 * Applies a {@link UsageRetention} and erasures in batches of {@value #BATCH} rollups, each its own
 * short store transaction, so a run over millions of rollups never holds locks for long and
 * recording goes on meanwhile. Stateless.
 */
public final class UsageRetentionRunner {
    static final int BATCH = 1_000;
    private static final int KEYS_PER_BATCH = 500;

    private UsageRetentionRunner() {}

    public static UsageRetention.Result apply(KeyStore store, UsageRetention retention, Instant now) {
        long deleted = 0;
        long truncated = 0;
        if (retention.deleteAfter().isPresent()) {
            Instant before = now.minus(retention.deleteAfter().get());
            for (int n = BATCH; n == BATCH; ) {
                n = store.deleteUsageBefore(before, BATCH);
                deleted += n;
            }
        }
        if (retention.truncateAddressesAfter().isPresent()) {
            Instant before = now.minus(retention.truncateAddressesAfter().get());
            AddressTruncation truncation = new AddressTruncation(retention.ipv4Prefix(), retention.ipv6Prefix());
            for (int n = BATCH; n == BATCH; ) {
                n = store.truncateUsageAddresses(before, BATCH, truncation);
                truncated += n;
            }
        }
        return new UsageRetention.Result(deleted, truncated);
    }

    /** Deletes every rollup of these keys. */
    public static long erase(KeyStore store, List<String> keyIds) {
        long deleted = 0;
        for (int from = 0; from < keyIds.size(); from += KEYS_PER_BATCH) {
            List<String> chunk = keyIds.subList(from, Math.min(keyIds.size(), from + KEYS_PER_BATCH));
            for (int n = BATCH; n == BATCH; ) {
                n = store.deleteUsage(chunk, BATCH);
                deleted += n;
            }
        }
        return deleted;
    }
}
