package dev.keyvault.rotation;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * One page of {@code KeyManager.rotationDue(RotationDueQuery)}: entries ordered by due date then key
 * id, and the query for the next page if there may be one (keyset paging: a key changed between pages
 * is neither skipped nor listed twice unless its due date moved across the cursor).
 */
public record RotationDuePage(List<RotationDue> entries, Optional<RotationDueQuery> next) {
    public RotationDuePage {
        entries = List.copyOf(requireNonNull(entries, "entries"));
        requireNonNull(next, "next");
    }
}
