package dev.keyvault.console.internal;

import dev.keyvault.KeyManager;
import dev.keyvault.KeyQuery;
import dev.keyvault.Syntax;
import dev.keyvault.rotation.RotationDue;
import dev.keyvault.rotation.RotationDueCounts;
import dev.keyvault.rotation.RotationDuePage;
import dev.keyvault.rotation.RotationDueQuery;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The console's one access to "which rotations are due", paged by (due date, key id) with an opaque
 * cursor, so the page and scripts never depend on how it is computed.
 *
 * <p>It reads the stored, indexed due dates ({@link KeyManager#rotationDue(RotationDueQuery)}: a
 * range scan of the due-date index from the cursor's (due date, id) position) and counts each urgency
 * over every page with {@link KeyManager#rotationDueCounts} (one pass over the index range), so a page
 * costs the same over 100,000 keys as over 100.
 */
final class DueRotations {
    private final KeyManager keys;

    DueRotations(KeyManager keys) {
        this.keys = keys;
    }

    /** One page at {@code at}, after {@code cursor}, with the counts per urgency over all pages. */
    Page page(Instant at, Optional<String> cursor, int limit) {
        Optional<Position> after = cursor.map(DueRotations::parse);
        // one more than the page, so "next" is given only when there is one
        RotationDueQuery query = new RotationDueQuery(at, Optional.empty(), KeyQuery.all(),
                after.map(p -> Instant.ofEpochMilli(p.dueAtMs())), after.map(Position::keyId), limit + 1);
        RotationDuePage page = keys.rotationDue(query);
        RotationDueCounts counts = keys.rotationDueCounts(query);
        boolean more = page.entries().size() > limit;
        List<RotationDue> items = more ? page.entries().subList(0, limit) : page.entries();
        String next = more ? format(items.get(items.size() - 1)) : null;
        return new Page(Math.toIntExact(counts.overdue()), Math.toIntExact(counts.due()), Math.toIntExact(counts.upcoming()),
                items, next);
    }

    record Page(int overdue, int due, int upcoming, List<RotationDue> items, String next) {}

    private record Position(long dueAtMs, String keyId) {}

    private static String format(RotationDue d) {
        return Long.toString(d.dueAt().toEpochMilli(), 36) + "." + d.key().id();
    }

    private static Position parse(String cursor) {
        int dot = cursor.indexOf('.');
        if (dot <= 0 || cursor.length() > 40) {
            throw Problems.badRequest("after is not a cursor this list returned");
        }
        try {
            long ms = Long.parseLong(cursor.substring(0, dot), 36);
            String id = cursor.substring(dot + 1);
            if (!Syntax.isKeyId(id)) {
                throw Problems.badRequest("after is not a cursor this list returned");
            }
            return new Position(ms, id);
        } catch (NumberFormatException e) {
            throw Problems.badRequest("after is not a cursor this list returned");
        }
    }
}
