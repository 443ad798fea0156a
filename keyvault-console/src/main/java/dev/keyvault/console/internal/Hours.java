package dev.keyvault.console.internal;

import dev.keyvault.UsageRollup;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Hour arithmetic for the charts (UTC hours, as the usage audit counts them). */
final class Hours {
    private static final long HOUR_MS = Duration.ofHours(1).toMillis();

    private Hours() {}

    static Instant floor(Instant at) {
        return Instant.ofEpochMilli(Math.floorDiv(at.toEpochMilli(), HOUR_MS) * HOUR_MS);
    }

    /** Requests per hour of {@code rollups}, for every hour from {@code from} (floored) up to {@code to}, zeros included. */
    static Map<Instant, Long> perHour(List<UsageRollup> rollups, Instant from, Instant to) {
        Map<Instant, Long> hours = new TreeMap<>();
        for (Instant h = floor(from); h.isBefore(to); h = h.plusMillis(HOUR_MS)) {
            hours.put(h, 0L);
        }
        for (UsageRollup r : rollups) {
            hours.computeIfPresent(floor(r.minute()), (h, n) -> n + r.count());
        }
        return hours;
    }
}
