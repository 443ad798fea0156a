package dev.keyvault.rotation;

import static java.util.Objects.requireNonNull;

import dev.keyvault.KeyQuery;
import dev.keyvault.KeyStatus;
import dev.keyvault.Syntax;
import java.util.Optional;

/**
 * Which keys {@link dev.keyvault.rotation.RotationWorkflows#revokeAll(RevokeSelector, String, String, boolean)} revokes: every
 * active key of an owner, or carrying a tag, optionally narrowed by the other criteria and by
 * environment. An owner or a tag is required, so no selector can match every key in the store.
 * Immutable and thread-safe.
 *
 * <pre>{@code
 * keys.revokeAll(RevokeSelector.owner("acme"), "account closed", "alice", true);          // dry run
 * keys.revokeAll(RevokeSelector.tag("team:sync").withEnvironment("production"), ...);
 * }</pre>
 *
 * @param owner       only this owner's keys
 * @param tag         only keys carrying this tag
 * @param environment only keys of this environment
 */
public record RevokeSelector(Optional<String> owner, Optional<String> tag, Optional<String> environment) {

    public RevokeSelector {
        requireNonNull(owner, "owner").ifPresent(o -> Syntax.text("owner", o, Syntax.MAX_OWNER));
        requireNonNull(tag, "tag").ifPresent(t -> Syntax.matches("tag", t, Syntax.TAG, "[A-Za-z0-9_:.=/@-]{1,64}"));
        requireNonNull(environment, "environment").ifPresent(e -> Syntax.slug("environment", e));
        if (owner.isEmpty() && tag.isEmpty()) {
            throw new IllegalArgumentException("select by owner or by tag (or both)");
        }
    }

    /** Every active key of {@code owner}. */
    public static RevokeSelector owner(String owner) {
        return new RevokeSelector(Optional.of(owner), Optional.empty(), Optional.empty());
    }

    /** Every active key carrying {@code tag}. */
    public static RevokeSelector tag(String tag) {
        return new RevokeSelector(Optional.empty(), Optional.of(tag), Optional.empty());
    }

    /** This selection narrowed to keys of {@code owner}. */
    public RevokeSelector withOwner(String owner) {
        return new RevokeSelector(Optional.of(owner), tag, environment);
    }

    /** This selection narrowed to keys carrying {@code tag}. */
    public RevokeSelector withTag(String tag) {
        return new RevokeSelector(owner, Optional.of(tag), environment);
    }

    /** This selection narrowed to keys of {@code environment}. */
    public RevokeSelector withEnvironment(String environment) {
        return new RevokeSelector(owner, tag, Optional.of(environment));
    }

    /** The active keys this selects, as a query. */
    public KeyQuery toQuery() {
        return new KeyQuery(owner, Optional.of(KeyStatus.ACTIVE), environment, tag, Optional.empty(), KeyQuery.MAX_LIMIT);
    }
}
