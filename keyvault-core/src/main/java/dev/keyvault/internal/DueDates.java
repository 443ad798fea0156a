package dev.keyvault.internal;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyQuery;
import dev.keyvault.KeyStatus;
import dev.keyvault.rotation.DueDateRecompute;
import dev.keyvault.rotation.RotationPolicy;
import dev.keyvault.spi.KeyStore;
import dev.keyvault.spi.Restamp;
import dev.keyvault.spi.RotationStamp;
import dev.keyvault.spi.StoredKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The stored rotation due dates: what a key is stamped with when it is issued, imported, rotated,
 * changed or compromised, and the batched recomputation of stamps made by another policy (or none:
 * keys stored before schema version 3). A batch reads {@value #BATCH} keys by id and writes their new
 * stamps in one store call, each conditional on the key's revision, so a concurrent change is never
 * overwritten; running it on a live system costs one short read and one short write per batch.
 */
public final class DueDates {
    static final int BATCH = 500;

    private DueDates() {}

    /** The stamp of {@code key} under {@code policy}. */
    public static RotationStamp stamp(ApiKey key, RotationPolicy policy) {
        return new RotationStamp(policy.dueAt(key), policy.fingerprint());
    }

    /**
     * Recomputes the stamps of active keys stamped by another policy or by none ({@code all}: of every
     * active key, for a classifier whose rules changed without its id).
     */
    public static DueDateRecompute recompute(KeyStore store, RotationPolicy policy, boolean all) {
        long examined = 0;
        long updated = 0;
        Optional<String> after = Optional.empty();
        for (;;) {
            List<StoredKey> page = all
                    ? store.list(new KeyQuery(Optional.empty(), Optional.of(KeyStatus.ACTIVE), Optional.empty(), Optional.empty(),
                            after, BATCH))
                    : store.listToRestamp(Optional.of(policy.fingerprint()), after, BATCH);
            List<Restamp> stamps = new ArrayList<>(page.size());
            for (StoredKey s : page) {
                RotationStamp fresh = stamp(s.key(), policy);
                if (!s.rotation().equals(Optional.of(fresh))) {
                    stamps.add(new Restamp(s.id(), s.revision(), fresh));
                }
            }
            examined += page.size();
            if (!stamps.isEmpty()) {
                updated += store.restamp(stamps);
            }
            if (page.size() < BATCH) {
                return new DueDateRecompute(examined, updated, policy.fingerprint());
            }
            after = Optional.of(page.get(page.size() - 1).id());
        }
    }

    /**
     * Stamps active keys that have no stamp (stored before schema version 3, or by a store that lost
     * it), so that a due-date query misses none. Returns how many were stamped.
     */
    public static long stampMissing(KeyStore store, RotationPolicy policy) {
        long stamped = 0;
        Optional<String> after = Optional.empty();
        for (;;) {
            List<StoredKey> page = store.listToRestamp(Optional.empty(), after, BATCH);
            List<Restamp> stamps = new ArrayList<>(page.size());
            for (StoredKey s : page) {
                stamps.add(new Restamp(s.id(), s.revision(), stamp(s.key(), policy)));
            }
            if (!stamps.isEmpty()) {
                stamped += store.restamp(stamps);
            }
            if (page.size() < BATCH) {
                return stamped;
            }
            after = Optional.of(page.get(page.size() - 1).id());
        }
    }
}
