package dev.keyvault;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What {@link KeyManager#importKeys} did: how many keys were imported, how many were there already
 * (the run was resumed or repeated) and the ones that failed, each with its reason. Run the same
 * import again after fixing the failures: what is in keyvault already is skipped.
 *
 * @param imported        keys imported by this run
 * @param alreadyImported imports skipped because their reference was imported before
 * @param failures        the imports that failed (nothing of them was stored)
 */
public record ImportReport(long imported, long alreadyImported, List<ImportResult> failures) {
    public ImportReport {
        failures = List.copyOf(requireNonNull(failures, "failures"));
    }

    /** Whether every import is in keyvault now. */
    public boolean complete() {
        return failures.isEmpty();
    }
}
