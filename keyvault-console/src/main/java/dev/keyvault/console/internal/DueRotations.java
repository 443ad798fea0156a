package dev.keyvault.console.internal;

import dev.keyvault.KeyManager;
import dev.keyvault.Syntax;
import dev.keyvault.rotation.RotationDue;
import dev.keyvault.rotation.RotationDueReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The console's one access to "which rotations are due", paged by (due date, key id) with an opaque
 * cursor, so the page and scripts never depend on how it is computed.
 *
 * <p>Today it calls {@link KeyManager#rotationDue(Instant)}, which reads every active key: fine for
 * thousands of keys, not for the operator list over 100,000. The stored, indexed due date with a
 * keyset-paginated query (schema version 3) replaces the body of {@link #page} without changing its
 * shape: the cursor already is the (due date, id) position that query seeks to.
 */
final class DueRotations {
    private static final Comparator<RotationDue> ORDER =
            Comparator.comparing(RotationDue::dueAt).thenComparing(d -> d.key().id());

    private final KeyManager keys;

    DueRotations(KeyManager keys) {
        this.keys = keys;
    }

    /** One page at {@code at}, after {@code cursor}, with the counts per urgency over all pages. */
    Page page(Instant at, Optional<String> cursor, int limit) {
        Optional<Position> after = cursor.map(DueRotations::parse);
        RotationDueReport report = keys.rotationDue(at);
        List<RotationDue> all = new ArrayList<>(report.entries());
        all.sort(ORDER);
        List<RotationDue> items = new ArrayList<>();
        boolean more = false;
        for (RotationDue d : all) {
            if (after.isPresent() && !after.get().before(d)) {
                continue;
            }
            if (items.size() == limit) {
                more = true;
                break;
            }
            items.add(d);
        }
        String next = more ? format(items.get(items.size() - 1)) : null;
        return new Page(report.overdue().size(), report.due().size(), report.upcoming().size(), items, next);
    }

    record Page(int overdue, int due, int upcoming, List<RotationDue> items, String next) {}

    private record Position(long dueAtMs, String keyId) {
        boolean before(RotationDue d) {
            long ms = d.dueAt().toEpochMilli();
            return ms > dueAtMs || (ms == dueAtMs && d.key().id().compareTo(keyId) > 0);
        }
    }

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
