package dev.keyvault.rotation;

import static java.util.Objects.requireNonNull;

import dev.keyvault.ApiKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of {@link dev.keyvault.rotation.RotationWorkflows#revokeAll(RevokeSelector, String, String, boolean)}: one entry
 * per selected key, oldest first. A dry run lists what would be revoked and changes nothing. A real
 * run revokes each key on its own, so one failure does not stop the rest; rerunning it is safe (keys
 * revoked meanwhile are no longer selected). Immutable and thread-safe.
 *
 * @param selector what was selected
 * @param dryRun   whether this was a dry run
 * @param entries  one per selected key
 */
public record RevokeAllResult(RevokeSelector selector, boolean dryRun, List<Entry> entries) {

    /** What happened to one key. */
    public enum Outcome {
        /** Dry run: this key would be revoked. */
        WOULD_REVOKE,
        /** Revoked by this run. */
        REVOKED,
        /** Revoked by someone else between selection and revocation. */
        ALREADY_REVOKED,
        /** Not revoked: the store failed (see {@link Entry#failure()}); run again. */
        FAILED
    }

    public RevokeAllResult {
        requireNonNull(selector, "selector");
        entries = List.copyOf(requireNonNull(entries, "entries"));
        for (Entry e : entries) {
            if (dryRun != (e.outcome() == Outcome.WOULD_REVOKE)) {
                throw new IllegalArgumentException("WOULD_REVOKE exactly in a dry run");
            }
        }
    }

    /** How many keys this run revoked. */
    public int revokedCount() {
        return with(Outcome.REVOKED).size();
    }

    /** The entries with {@code outcome}. */
    public List<Entry> with(Outcome outcome) {
        requireNonNull(outcome, "outcome");
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e.outcome() == outcome) {
                out.add(e);
            }
        }
        return List.copyOf(out);
    }

    /**
     * One selected key.
     *
     * @param key     the key as selected (before revocation)
     * @param outcome what happened to it
     * @param failure why it failed, for {@link Outcome#FAILED}
     */
    public record Entry(ApiKey key, Outcome outcome, Optional<String> failure) {
        public Entry {
            requireNonNull(key, "key");
            requireNonNull(outcome, "outcome");
            requireNonNull(failure, "failure");
            if (failure.isPresent() != (outcome == Outcome.FAILED)) {
                throw new IllegalArgumentException("a failure is present exactly for FAILED");
            }
        }
    }
}
