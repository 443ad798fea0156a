package dev.keyvault.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FailureLimiterTest {
    private final MutableClock clock = MutableClock.create();
    private final FailureLimit limit = FailureLimit.of(1, Duration.ofSeconds(10), 2); // empty after 2, full 20 s later

    @Test
    void whenAnAddressFailsItsBurstThenItWaitsForTheRefill() {
        FailureLimiter limiter = new FailureLimiter(limit, 100, clock);
        assertThat(limiter.isIdle()).isTrue();
        assertThat(limiter.secondsToWait("203.0.113.7")).isZero();

        limiter.failed("203.0.113.7");
        assertThat(limiter.isIdle()).isFalse();
        assertThat(limiter.secondsToWait("203.0.113.7")).isZero();
        limiter.failed("203.0.113.7");

        assertThat(limiter.secondsToWait("203.0.113.7")).isEqualTo(10);
        assertThat(limiter.secondsToWait("203.0.113.8")).isZero();
        clock.advance(Duration.ofMillis(9_001));
        assertThat(limiter.secondsToWait("203.0.113.7")).isEqualTo(1); // rounded up, never 0 while limited
        clock.advance(Duration.ofMillis(999));
        assertThat(limiter.secondsToWait("203.0.113.7")).isZero();
    }

    @Test
    void whenAnAddressHasRefilledThenItIsForgottenAndTheLimiterIdlesAgain() {
        FailureLimiter limiter = new FailureLimiter(limit, 100, clock);
        limiter.failed("203.0.113.7");
        limiter.failed("203.0.113.7");
        limiter.failed("198.51.100.1");

        clock.advance(Duration.ofSeconds(20)); // both full again
        assertThat(limiter.secondsToWait("203.0.113.7")).isZero(); // looked up: forgotten
        assertThat(limiter.size()).isEqualTo(1);
        limiter.failed("192.0.2.1"); // a new address, a refill time after the last sweep: sweeps

        assertThat(limiter.size()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(20));
        assertThat(limiter.secondsToWait("192.0.2.1")).isZero();
        assertThat(limiter.isIdle()).isTrue();
    }

    @Test
    void whenTenThousandAddressesFailThenAtMostTheBoundIsTracked() {
        FailureLimiter limiter = new FailureLimiter(FailureLimit.DEFAULT, 1_000, clock);

        for (int i = 0; i < 10_000; i++) {
            limiter.failed("10." + (i >> 16 & 0xFF) + "." + (i >> 8 & 0xFF) + "." + (i & 0xFF));
            assertThat(limiter.size()).isLessThanOrEqualTo(1_000);
        }
        assertThat(limiter.size()).isGreaterThan(800);
    }

    @Test
    void whenTheDefaultBoundIsFloodedThenItHolds() {
        FailureLimiter limiter = new FailureLimiter(FailureLimit.DEFAULT, FailureLimiter.MAXIMUM_ADDRESSES, clock);

        for (int i = 0; i < 30_000; i++) {
            limiter.failed("2001:db8:" + Integer.toHexString(i) + "::1");
        }

        assertThat(limiter.size()).isLessThanOrEqualTo(FailureLimiter.MAXIMUM_ADDRESSES);
    }

    @Test
    void whenTheBoundIsReachedThenRefilledAddressesGoFirstAndLimitedOnesStay() {
        FailureLimiter limiter = new FailureLimiter(limit, 10, clock);
        for (int i = 0; i < 6; i++) {
            limiter.failed("198.51.100." + i); // one failure each: not limited
        }
        clock.advance(Duration.ofSeconds(30)); // …and refilled since
        for (int i = 0; i < 4; i++) {
            limiter.failed("203.0.113." + i); // two failures each: limited
            limiter.failed("203.0.113." + i);
        }

        limiter.failed("192.0.2.1"); // the 11th address: sweeps

        assertThat(limiter.size()).isEqualTo(5);
        for (int i = 0; i < 4; i++) {
            assertThat(limiter.secondsToWait("203.0.113." + i)).as("still limited").isPositive();
        }
    }

    @Test
    void whenEveryTrackedAddressIsLimitedThenTheBoundStillHolds() {
        FailureLimiter limiter = new FailureLimiter(limit, 100, clock);

        for (int i = 0; i < 1_000; i++) {
            String address = "10.0." + (i >> 8) + "." + (i & 0xFF);
            limiter.failed(address);
            limiter.failed(address);
            assertThat(limiter.size()).isLessThanOrEqualTo(100);
        }
    }

    @Test
    void whenAddressesShareAnIpv6Slash64ThenTheyShareOneAllowance() {
        FailureLimiter limiter = new FailureLimiter(limit, 100, clock);

        limiter.failed("2001:db8:1:2::1");
        limiter.failed("2001:db8:1:2:ffff:ffff:ffff:ffff");

        assertThat(limiter.secondsToWait("2001:db8:1:2::7")).isPositive();
        assertThat(limiter.secondsToWait("2001:0db8:0001:0002:0:0:0:9")).isPositive();
        assertThat(limiter.secondsToWait("2001:db8:1:3::1")).isZero();
        assertThat(limiter.size()).isEqualTo(1);
    }

    @Test
    void whenAnAddressIsIpv4OrUnparseableThenItCountsAlone() {
        assertThat(FailureLimiter.key("203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(FailureLimiter.key("::ffff:203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(FailureLimiter.key("2001:db8::1")).isEqualTo("2001:db8:0:0::/64");
        assertThat(FailureLimiter.key("0:0:0:0:0:0:0:1")).isEqualTo("0:0:0:0::/64");
        assertThat(FailureLimiter.key("unknown")).isEqualTo("unknown");
    }
}
