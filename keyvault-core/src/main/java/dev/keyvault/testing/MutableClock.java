package dev.keyvault.testing;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that stands still until a test moves it, with millisecond resolution. Give it to
 * {@link dev.keyvault.KeyManager#inMemory(Clock)} and test expiry, cache refresh, rotation windows
 * and rotation cadence without sleeping. Thread-safe.
 */
public final class MutableClock extends Clock {
    private final AtomicLong millis;
    private final ZoneId zone;

    private MutableClock(long millis, ZoneId zone) {
        this.millis = new AtomicLong(millis);
        this.zone = zone;
    }

    /** A clock standing at {@code start} (truncated to the millisecond), in UTC. */
    public static MutableClock at(Instant start) {
        return new MutableClock(requireNonNull(start, "start").toEpochMilli(), ZoneOffset.UTC);
    }

    /** A clock standing at 2026-01-01T00:00:00Z. */
    public static MutableClock create() {
        return at(Instant.parse("2026-01-01T00:00:00Z"));
    }

    /** Moves the clock by {@code amount}, which may not be negative. Returns the new time. */
    public Instant advance(Duration amount) {
        requireNonNull(amount, "amount");
        if (amount.isNegative()) {
            throw new IllegalArgumentException("time only moves forward here; use set() to go back");
        }
        return Instant.ofEpochMilli(millis.addAndGet(amount.toMillis()));
    }

    /** Sets the clock to {@code instant} (forward or back). */
    public void set(Instant instant) {
        millis.set(requireNonNull(instant, "instant").toEpochMilli());
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return new SharedZoneView(this, zone);
    }

    @Override
    public String toString() {
        return "MutableClock[" + instant() + "]";
    }

    /** A view in another zone that moves with its parent. */
    private static final class SharedZoneView extends Clock {
        private final MutableClock parent;
        private final ZoneId zone;

        SharedZoneView(MutableClock parent, ZoneId zone) {
            this.parent = parent;
            this.zone = zone;
        }

        @Override
        public long millis() {
            return parent.millis();
        }

        @Override
        public Instant instant() {
            return parent.instant();
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return new SharedZoneView(parent, requireNonNull(zone, "zone"));
        }
    }
}
