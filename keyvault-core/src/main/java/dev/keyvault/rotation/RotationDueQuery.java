package dev.keyvault.rotation;

import static java.util.Objects.requireNonNull;

import dev.keyvault.KeyQuery;
import dev.keyvault.Syntax;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A page of the keys whose rotation is due, for {@code KeyManager.rotationDue(RotationDueQuery)}: the
 * active keys not expired at {@code asOf} whose stored rotation due date is at or before
 * {@code dueBy} (default: {@code asOf} plus the policy's warning window), matching the owner,
 * environment, tag and metadata criteria, ordered by due date then key id, after the cursor. A store
 * answers it by a range scan of its due-date index, so a page costs the same over 100,000 keys as
 * over 100.
 *
 * <pre>{@code
 * RotationDuePage page = keys.rotationDue(RotationDueQuery.asOf(now).withEnvironment("production").withLimit(50));
 * while (page.next().isPresent()) { page = keys.rotationDue(page.next().get()); }
 * }</pre>
 *
 * @param asOf       the time asked about: urgency is relative to it, keys expired by then are left out
 * @param dueBy      only keys due at or before this; empty: {@code asOf} plus the warning window
 * @param filter     owner, environment, tag and metadata criteria (status, afterId and limit unused)
 * @param afterDueAt with {@code afterId}: the cursor, the last entry of the previous page
 * @param afterId    with {@code afterDueAt}
 * @param limit      at most this many entries, 1–10,000
 */
public record RotationDueQuery(Instant asOf, Optional<Instant> dueBy, KeyQuery filter, Optional<Instant> afterDueAt,
        Optional<String> afterId, int limit) {
    public RotationDueQuery {
        requireNonNull(asOf, "asOf");
        requireNonNull(dueBy, "dueBy");
        requireNonNull(filter, "filter");
        requireNonNull(afterDueAt, "afterDueAt");
        requireNonNull(afterId, "afterId").ifPresent(Syntax::keyId);
        if (afterDueAt.isPresent() != afterId.isPresent()) {
            throw new IllegalArgumentException("a cursor has a due date and a key id, or neither");
        }
        if (limit < 1 || limit > KeyQuery.MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1-" + KeyQuery.MAX_LIMIT + ", was " + limit);
        }
    }

    /** Every key due at {@code asOf} or within the warning window, first page of 100. */
    public static RotationDueQuery asOf(Instant asOf) {
        return new RotationDueQuery(asOf, Optional.empty(), KeyQuery.all(), Optional.empty(), Optional.empty(), 100);
    }

    /** Only keys due at or before {@code dueBy} (instead of the warning window). */
    public RotationDueQuery withDueBy(Instant dueBy) {
        return new RotationDueQuery(asOf, Optional.of(dueBy), filter, afterDueAt, afterId, limit);
    }

    public RotationDueQuery withOwner(String owner) {
        return new RotationDueQuery(asOf, dueBy, filter.withOwner(owner), afterDueAt, afterId, limit);
    }

    public RotationDueQuery withEnvironment(String environment) {
        return new RotationDueQuery(asOf, dueBy, filter.withEnvironment(environment), afterDueAt, afterId, limit);
    }

    public RotationDueQuery withTag(String tag) {
        return new RotationDueQuery(asOf, dueBy, filter.withTag(tag), afterDueAt, afterId, limit);
    }

    public RotationDueQuery withMetadata(String name, String value) {
        return new RotationDueQuery(asOf, dueBy, filter.withMetadata(name, value), afterDueAt, afterId, limit);
    }

    /** The owner, environment, tag and metadata criteria of {@code query}. */
    public RotationDueQuery withFilter(KeyQuery query) {
        return new RotationDueQuery(asOf, dueBy, requireNonNull(query, "query"), afterDueAt, afterId, limit);
    }

    /** The page after {@code last}. */
    public RotationDueQuery after(RotationDue last) {
        requireNonNull(last, "last");
        return new RotationDueQuery(asOf, dueBy, filter, Optional.of(last.dueAt()), Optional.of(last.key().id()), limit);
    }

    public RotationDueQuery withLimit(int limit) {
        return new RotationDueQuery(asOf, dueBy, filter, afterDueAt, afterId, limit);
    }

    /** The metadata criteria (a shorthand for {@code filter().metadata()}). */
    public Map<String, String> metadata() {
        return filter.metadata();
    }
}
