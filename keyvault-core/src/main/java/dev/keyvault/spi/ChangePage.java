package dev.keyvault.spi;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A page of the change feed, in sequence order.
 *
 * @param changes the changes after the requested sequence, at most the requested limit
 * @param gap     {@code true} if changes after the requested sequence were already pruned, so the
 *                follower may have missed some and must drop everything it caches
 */
public record ChangePage(List<KeyChange> changes, boolean gap) {
    public ChangePage {
        changes = List.copyOf(requireNonNull(changes, "changes"));
    }
}
