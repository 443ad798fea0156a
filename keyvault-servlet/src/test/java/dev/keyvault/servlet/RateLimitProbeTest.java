package dev.keyvault.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The draft-ietf-httpapi-ratelimit-headers fields of a token bucket, as structured-field text. */
class RateLimitProbeTest {
    private final Tier standard = Tier.of("standard", 600, Duration.ofMinutes(1), 100);

    @Test
    void whenATierIsAnnouncedThenQIsTheBurstAndWTheSecondsToFillItFromEmpty() {
        assertThat(new RateLimitProbe(standard, true, 42, 1).policyField()).isEqualTo("\"standard\";q=100;w=10");
        assertThat(RateLimitProbe.policyField(Tier.of("tiny", 2, Duration.ofMinutes(1), 2))).isEqualTo("\"tiny\";q=2;w=60");
        assertThat(RateLimitProbe.policyField(Tier.of("hourly", 100, Duration.ofHours(1), 100))).isEqualTo("\"hourly\";q=100;w=3600");
        // w is whole seconds, rounded up, so q/w never overstates the rate: 20 a second here, announced as 5 a second
        assertThat(RateLimitProbe.policyField(Tier.of("fast", 5, Duration.ofMillis(250), 5))).isEqualTo("\"fast\";q=5;w=1");
        assertThat(RateLimitProbe.policyField(Tier.of("odd", 7, Duration.ofSeconds(10), 3))).isEqualTo("\"odd\";q=3;w=5");
    }

    @Test
    void whenAProbeIsAnnouncedThenRIsWhatIsLeftAndTTheWaitForOneMore() {
        RateLimitProbe allowed = new RateLimitProbe(standard, true, 42, 1);
        RateLimitProbe refused = new RateLimitProbe(standard, false, 0, 7);

        assertThat(allowed.field()).isEqualTo("\"standard\";r=42;t=1");
        assertThat(allowed.retryAfterSeconds()).isZero();
        assertThat(refused.field()).isEqualTo("\"standard\";r=0;t=7");
        assertThat(refused.retryAfterSeconds()).isEqualTo(7);
    }

    @Test
    void whenNumbersExceedAStructuredFieldIntegerThenTheyAreCapped() {
        Tier huge = Tier.of("huge", 1, Duration.ofDays(365), Long.MAX_VALUE);

        assertThat(RateLimitProbe.policyField(huge)).isEqualTo("\"huge\";q=999999999999999;w=999999999999999");
        assertThat(new RateLimitProbe(huge, true, Long.MAX_VALUE - 1, Long.MAX_VALUE).field())
                .isEqualTo("\"huge\";r=999999999999999;t=999999999999999");
    }

    @Test
    void whenAProbeContradictsItselfThenRejected() {
        assertThatThrownBy(() -> new RateLimitProbe(null, true, 0, 1)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new RateLimitProbe(standard, true, -1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateLimitProbe(standard, true, 101, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateLimitProbe(standard, true, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateLimitProbe(standard, false, 1, 5)).isInstanceOf(IllegalArgumentException.class);
    }
}
