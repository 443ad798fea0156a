package dev.keyvault.cli.internal;

import dev.keyvault.UsageRollup;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.Option;

/** {@code --since}/{@code --from} and {@code --to}: a window of usage, by rollup minute. */
final class TimeWindow {
    @Option(names = "--since", paramLabel = "<duration>", converter = Durations.class,
            description = "The window starts this long ago (7d, 24h, …).")
    Duration since;

    @Option(names = "--from", paramLabel = "<time>", converter = Instants.class, description = "The window starts at this time.")
    Instant from;

    @Option(names = "--to", paramLabel = "<time>", converter = Instants.class,
            description = "The window ends at this time (exclusive). Default: the end of the current minute.")
    Instant to;

    /** The window; {@code defaultLength} back from now when neither start is given. */
    Instant[] resolve(Instant now, Duration defaultLength) {
        if (since != null && from != null) {
            throw CliException.usage("give --since or --from, not both");
        }
        Instant end = to != null ? to : UsageRollup.minuteOf(now).plus(Duration.ofMinutes(1));
        Instant start = from != null ? from : now.minus(since != null ? since : defaultLength);
        if (end.isBefore(start)) {
            throw CliException.usage("the window ends (--to " + Instants.human(end) + ") before it starts ("
                    + Instants.human(start) + ")");
        }
        return new Instant[] {start, end};
    }
}
