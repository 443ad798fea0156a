package dev.keyvault.examples.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.IssuedKey;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.UsageRollup;
import dev.keyvault.rotation.RotationDue;
import dev.keyvault.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pattern to copy for unit-testing code that takes API keys: an in-memory {@link KeyManager}
 * on a {@link MutableClock}. Real keyvault code runs (nothing is mocked), it is fast (HMAC hashing,
 * no threads), and time moves only when the test says so.
 */
class ReportServiceTest {
    private final MutableClock clock = MutableClock.at(Instant.parse("2026-06-01T12:00:00Z"));
    private final KeyManager keys = KeyManager.inMemory(clock);
    private final ReportService service = new ReportService(keys, clock);

    @AfterEach
    void close() {
        keys.close();
    }

    @Test
    void whenTheKeyHasTheScopeThenTheReportIsServedAndTheUseRecorded() {
        IssuedKey key = keys.issue(KeySpec.builder("acme", "BI tool").scopes("reports:read").build());

        assertThat(service.monthlyReport(key.token(), "10.0.0.1")).contains("report for acme");

        keys.flush(); // usage is buffered in memory until flushed
        assertThat(keys.get(key.id()).orElseThrow().lastUsedAt()).contains(clock.instant());
        assertThat(keys.usage(key.id(), clock.instant().minusSeconds(60), clock.instant().plusSeconds(60)))
                .extracting(UsageRollup::endpoint, UsageRollup::status).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("monthlyReport", 200));
    }

    @Test
    void whenTheKeyLacksTheScopeOrIsBogusThenNoReport() {
        IssuedKey other = keys.issue(KeySpec.builder("acme", "Uploader").scopes("files:write").build());

        assertThat(service.monthlyReport(other.token(), "10.0.0.1")).isEmpty();
        assertThat(service.monthlyReport("kv_not_a_key", "10.0.0.1")).isEmpty();
        assertThat(service.monthlyReport(null, "10.0.0.1")).isEmpty();
    }

    @Test
    void whenTheKeyExpiresThenTheReportStopsExactlyOnTime() {
        IssuedKey key = keys.issue(KeySpec.builder("acme", "Trial").scopes("reports:read")
                .expiresAt(clock.instant().plus(Duration.ofDays(14))).build());

        clock.advance(Duration.ofDays(14).minusMillis(1));
        assertThat(service.monthlyReport(key.token(), "10.0.0.1")).isPresent();
        clock.advance(Duration.ofMillis(1));
        assertThat(service.monthlyReport(key.token(), "10.0.0.1")).isEmpty();
    }

    @Test
    void whenTheKeyIsRevokedThenTheNextCallFails() {
        IssuedKey key = keys.issue(KeySpec.builder("acme", "BI tool").scopes("reports:read").build());
        assertThat(service.monthlyReport(key.token(), "10.0.0.1")).isPresent();

        keys.revoke(key.id(), "offboarded", "test");

        assertThat(service.monthlyReport(key.token(), "10.0.0.1")).isEmpty();
    }

    @Test
    void whenAYearPassesThenTheReadOnlyKeyIsDueForRotation() {
        IssuedKey key = keys.issue(KeySpec.builder("acme", "BI tool").scopes("reports:read").build());

        clock.advance(Duration.ofDays(360));

        assertThat(keys.rotationDue(clock.instant()).entries()).extracting(d -> d.key().id(), RotationDue::urgency)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(key.id(), RotationDue.Urgency.UPCOMING));
    }
}
