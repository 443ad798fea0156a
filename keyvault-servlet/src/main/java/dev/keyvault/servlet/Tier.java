package dev.keyvault.servlet;

import static java.util.Objects.requireNonNull;

import dev.keyvault.Syntax;
import java.time.Duration;

/**
 * A named rate limit that keys are assigned to ({@link dev.keyvault.ApiKey#tier()}): a token bucket
 * holding at most {@code burst} requests, refilled smoothly with {@code requests} per
 * {@code period}. {@code Tier.of("standard", 100, Duration.ofMinutes(1), 20)} allows 20 requests at
 * once and 100 a minute on average.
 *
 * @param name     the tier name keys carry, matching {@code [a-z0-9][a-z0-9_.-]{0,31}}
 * @param requests how many requests are refilled per period, at least 1
 * @param period   the refill period, at least 1 millisecond
 * @param burst    the bucket's capacity: how many requests may come at once, at least 1
 */
public record Tier(String name, long requests, Duration period, long burst) {
    public Tier {
        requireNonNull(name, "name");
        if (!Syntax.SLUG.matcher(name).matches()) { // the tier names keys carry
            throw new IllegalArgumentException("tier name must match [a-z0-9][a-z0-9_.-]{0,31}");
        }
        if (requests < 1) {
            throw new IllegalArgumentException("requests must be at least 1");
        }
        requireNonNull(period, "period");
        if (period.toMillis() < 1) {
            throw new IllegalArgumentException("period must be at least 1 millisecond");
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1");
        }
    }

    /** See the class comment. */
    public static Tier of(String name, long requests, Duration period, long burst) {
        return new Tier(name, requests, period, burst);
    }
}
