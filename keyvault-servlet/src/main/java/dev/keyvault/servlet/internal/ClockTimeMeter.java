package dev.keyvault.servlet.internal;

import io.github.bucket4j.TimeMeter;
import java.time.Clock;

/**
 * bucket4j's time source read from the filter's {@link Clock}, so tests move a clock instead of
 * sleeping, and nodes sharing PostgreSQL buckets agree on time (wall-clock based, as bucket4j's
 * distributed buckets require).
 */
public final class ClockTimeMeter implements TimeMeter {
    private final Clock clock;

    public ClockTimeMeter(Clock clock) {
        this.clock = clock;
    }

    @Override
    public long currentTimeNanos() {
        return clock.millis() * 1_000_000L;
    }

    @Override
    public boolean isWallClockBased() {
        return true;
    }
}
