package dev.keyvault.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void whenOperatorsWriteDurationsThenEachFormParses() {
        assertThat(Durations.parse("90d")).isEqualTo(Duration.ofDays(90));
        assertThat(Durations.parse("24h")).isEqualTo(Duration.ofHours(24));
        assertThat(Durations.parse("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("2w")).isEqualTo(Duration.ofDays(14));
        assertThat(Durations.parse("1d12h")).isEqualTo(Duration.ofHours(36));
        assertThat(Durations.parse("P90D")).isEqualTo(Duration.ofDays(90));
        assertThat(Durations.parse("pt24h")).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void whenADurationIsMalformedOrNotPositiveThenTheMessageShowsTheForms() {
        assertThatThrownBy(() -> Durations.parse("9x")).hasMessage("'9x' is not a duration; write it like 90d, 24h, 15m, 1d12h or P90D");
        assertThatThrownBy(() -> Durations.parse("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Durations.parse("0d")).hasMessage("'0d' is not a positive duration");
        assertThatThrownBy(() -> Durations.parse("-PT1H")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void whenDurationsAreShownToPeopleThenTheTwoLargestUnitsAppear() {
        assertThat(Durations.human(Duration.ofDays(90))).isEqualTo("90d");
        assertThat(Durations.human(Duration.ofHours(27).plusMinutes(5))).isEqualTo("1d 3h");
        assertThat(Durations.human(Duration.ofMinutes(192))).isEqualTo("3h 12m");
        assertThat(Durations.human(Duration.ofSeconds(45))).isEqualTo("45s");
    }
}
