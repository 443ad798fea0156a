package dev.keyvault.console.spi;

import static java.util.Objects.requireNonNull;

import dev.keyvault.Syntax;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * The signed-in user, as the host describes them.
 *
 * @param id          a stable identifier, recorded as the actor in every key's history (such as an
 *                    e-mail address); text of at most 200 characters
 * @param displayName what the page shows
 * @param owners      the owners (accounts, workspaces) whose keys this user manages: self-service;
 *                    may be empty for an operator (sorted, immutable)
 * @param operator    whether this user sees every owner's keys and the operator views: rotations
 *                    due, compliance, emergency rotation with its audit, bulk revocation
 */
public record ConsoleUser(String id, String displayName, Set<String> owners, boolean operator) {
    public ConsoleUser {
        Syntax.text("id", id, Syntax.MAX_ACTOR);
        Syntax.text("displayName", displayName, Syntax.MAX_ACTOR);
        TreeSet<String> sorted = new TreeSet<>();
        for (String o : requireNonNull(owners, "owners")) {
            sorted.add(Syntax.text("owner", o, Syntax.MAX_OWNER));
        }
        owners = Collections.unmodifiableSortedSet(sorted);
    }

    /** Whether this user may see and change the keys of {@code owner}. */
    public boolean manages(String owner) {
        requireNonNull(owner, "owner");
        return operator || owners.contains(owner);
    }
}
