package dev.keyvault.spi;

import static java.util.Objects.requireNonNull;

import dev.keyvault.Syntax;
import dev.keyvault.UsageRollup;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Usage to add to a store in one atomic write: rollup increments (a store adds {@code count}, keeps
 * the earliest {@code firstSeen} and the latest {@code lastSeen} per rollup key) and, per key, a
 * last-use time that only ever moves the stored {@code lastUsedAt} forward.
 *
 * @param rollups  increments, at most one per rollup key
 * @param lastUsed per key id, the latest use in this batch
 */
public record UsageBatch(List<UsageRollup> rollups, Map<String, Instant> lastUsed) {
    public UsageBatch {
        rollups = List.copyOf(requireNonNull(rollups, "rollups"));
        lastUsed = Map.copyOf(requireNonNull(lastUsed, "lastUsed"));
        lastUsed.keySet().forEach(Syntax::keyId);
    }

    public boolean isEmpty() {
        return rollups.isEmpty() && lastUsed.isEmpty();
    }

    /** Requests counted in this batch. */
    public long requests() {
        long n = 0;
        for (UsageRollup r : rollups) {
            n += r.count();
        }
        return n;
    }
}
