package dev.keyvault.spi;

import static java.util.Objects.requireNonNull;

import dev.keyvault.KeyQuery;
import dev.keyvault.Syntax;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What {@link KeyStore#listRotationDue} lists: active keys whose stored rotation due date is at or
 * before {@code dueBy} and that have not expired at {@code activeAt}, matching the owner,
 * environment, tag and metadata criteria of {@code filter} (its status, afterId and limit are not
 * used), ordered by due date then id, after the cursor, at most {@code limit}.
 *
 * @param dueBy      only keys due at or before this
 * @param activeAt   only keys without an expiry or expiring after this
 * @param filter     owner, environment, tag and metadata criteria
 * @param afterDueAt with {@code afterId}: only keys after (this due date, this id)
 * @param afterId    with {@code afterDueAt}: the cursor's key id
 * @param limit      at most this many, 1–10,000
 */
public record DueQuery(Instant dueBy, Instant activeAt, KeyQuery filter, Optional<Instant> afterDueAt, Optional<String> afterId,
        int limit) {
    public DueQuery {
        requireNonNull(dueBy, "dueBy");
        requireNonNull(activeAt, "activeAt");
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

    /** Whether {@code stored} is listed before the cursor ends, by the order (due date, id); {@code true} without a cursor. */
    public boolean isAfterCursor(Instant dueAt, String id) {
        if (afterDueAt.isEmpty()) {
            return true;
        }
        int c = dueAt.compareTo(afterDueAt.get());
        return c > 0 || (c == 0 && id.compareTo(afterId.get()) > 0);
    }

    /**
     * Checks the due-by instants of {@link KeyStore#countRotationDue}: 1 to
     * {@value KeyStore#MAX_DUE_COUNTS}, none null.
     *
     * @throws IllegalArgumentException if there are none or too many
     */
    public static void checkDueBys(List<Instant> dueBys) {
        requireNonNull(dueBys, "dueBys").forEach(d -> requireNonNull(d, "a due-by instant"));
        if (dueBys.isEmpty() || dueBys.size() > KeyStore.MAX_DUE_COUNTS) {
            throw new IllegalArgumentException("1-" + KeyStore.MAX_DUE_COUNTS + " due-by instants, was " + dueBys.size());
        }
    }
}
