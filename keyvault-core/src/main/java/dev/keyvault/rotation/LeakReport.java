package dev.keyvault.rotation;

import static java.util.Objects.requireNonNull;

import dev.keyvault.ApiKey;

/**
 * The outcome of {@link RotationWorkflows#reportLeak(String, String, String)}: the key as it is now
 * (marked compromised), and what the call changed. Both flags false means the same report had been
 * recorded before and nothing changed. Immutable and thread-safe.
 *
 * @param key              the key after the report
 * @param newReport        whether a {@code LEAK_REPORTED} entry was added (false: this report was already in the history)
 * @param newlyCompromised whether this call marked the key compromised (false: it already was)
 */
public record LeakReport(ApiKey key, boolean newReport, boolean newlyCompromised) {
    public LeakReport {
        requireNonNull(key, "key");
        if (!key.compromised()) {
            throw new IllegalArgumentException("a reported key is marked compromised");
        }
    }

    /** Whether the call changed nothing: the same report had been recorded before. */
    public boolean repeated() {
        return !newReport && !newlyCompromised;
    }
}
