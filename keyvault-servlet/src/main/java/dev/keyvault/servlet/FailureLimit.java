package dev.keyvault.servlet;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How many failed key verifications a client address may have before its requests with a key are
 * answered 429 without being verified: a token bucket holding {@code burst} failures, refilled
 * smoothly with {@code failures} per {@code period}. Only failures take from it — a malformed,
 * unknown or wrong key (401) — never a request that succeeds, carries no key, or is refused for
 * another reason (400, 403, 429, a revoked or expired key).
 *
 * <p>Key ids are public, so a well-formed token with a wrong secret is cheap to make and, for a
 * key not cached yet, costs the server a stored-hash check (with Argon2id, ~30 ms of CPU). The
 * limit caps what one address can spend: with {@link #DEFAULT}, 20 at once and then one every
 * 3 seconds — with Argon2id at most ~1 % of a core per address — while a client with a mistyped or
 * rotated-away key learns within its first request that the key is wrong and is not locked out
 * for more than seconds.
 *
 * @param failures how many failures are refilled per period, at least 1
 * @param period   the refill period, at least 1 millisecond
 * @param burst    how many failures an address may have at once, at least 1
 */
public record FailureLimit(long failures, Duration period, long burst) {
    /** 20 failures at once, then 20 a minute (one every 3 seconds). */
    public static final FailureLimit DEFAULT = new FailureLimit(20, Duration.ofMinutes(1), 20);

    public FailureLimit {
        if (failures < 1) {
            throw new IllegalArgumentException("failures must be at least 1");
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
    public static FailureLimit of(long failures, Duration period, long burst) {
        return new FailureLimit(failures, period, burst);
    }
}
