package dev.keyvault;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What {@link KeyManager#importKey} did with one {@link KeyImport}.
 *
 * @param reference the import's reference (its id in the old system)
 * @param outcome   what happened
 * @param key       for {@code IMPORTED}, the new key
 * @param problem   for {@code FAILED}: why, one sentence (never a token or a hash)
 */
public record ImportResult(String reference, Outcome outcome, Optional<ApiKey> key, Optional<String> problem) {
    public enum Outcome {
        /** The key is in keyvault now. */
        IMPORTED,
        /** A key was imported under this reference before (the import ran again): nothing changed. */
        ALREADY_IMPORTED,
        /** Not imported; see {@link #problem()}. Nothing changed. */
        FAILED
    }

    public ImportResult {
        requireNonNull(reference, "reference");
        requireNonNull(outcome, "outcome");
        requireNonNull(key, "key");
        requireNonNull(problem, "problem");
    }
}
