package dev.keyvault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.rotation.RiskClass;
import dev.keyvault.rotation.RotationPolicy;
import dev.keyvault.spi.RotationStamp;
import dev.keyvault.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * What a manager with a background thread does without being asked, once at start (and then hourly):
 * it restamps the due dates another policy computed, and applies the usage retention. The test waits
 * for the background thread (bounded), it does not sleep to move time.
 */
class BackgroundMaintenanceTest {

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("the background thread did it within 20 s").isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    @Test
    void whenAManagerWithAnotherPolicyStartsThenItRestampsTheDueDatesAndAppliesTheRetention() {
        MutableClock clock = MutableClock.at(Instant.parse("2026-06-01T00:00:00Z"));
        InMemoryKeyStore store = InMemoryKeyStore.create();
        IssuedKey writer;
        try (KeyManager old = KeyManager.builder().store(store).clock(clock).hasher(KeyHashers.hmacSha256())
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build()) {
            writer = old.issue(KeySpec.builder("acme", "writer").scopes("kb:write").build());
            old.recordUsage(writer.id(), UsageEvent.of(clock.instant(), "GET", "/x", "10.0.0.1", 200));
        }
        String id = writer.id();
        assertThat(store.find(id).orElseThrow().rotation()).contains(new RotationStamp(clock.instant().plus(Duration.ofDays(180)),
                RotationPolicy.defaults().fingerprint()));
        clock.advance(Duration.ofDays(40));

        RotationPolicy stricter = RotationPolicy.builder().cadence(RiskClass.WRITE, Duration.ofDays(30)).build();
        try (KeyManager node = KeyManager.builder().store(store).clock(clock).hasher(KeyHashers.hmacSha256())
                .rotationPolicy(stricter).usageRetention(UsageRetention.deleteAfter(Duration.ofDays(30)))
                .changeFeedPollInterval(Duration.ofMillis(10)).build()) {
            await(() -> store.find(id).orElseThrow().rotation().map(RotationStamp::policy).orElse("").equals(stricter.fingerprint()));
            assertThat(store.find(id).orElseThrow().rotation().orElseThrow().dueAt()).isEqualTo(
                    Instant.parse("2026-07-01T00:00:00Z"));
            await(() -> node.usage(id, Instant.EPOCH, clock.instant()).isEmpty());
        }
    }

    @Test
    void whenBackgroundRecomputationIsOffThenTheStampsStay() {
        MutableClock clock = MutableClock.at(Instant.parse("2026-06-01T00:00:00Z"));
        InMemoryKeyStore store = InMemoryKeyStore.create();
        String id;
        try (KeyManager old = KeyManager.builder().store(store).clock(clock).hasher(KeyHashers.hmacSha256())
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build()) {
            id = old.issue(KeySpec.builder("acme", "writer").scopes("kb:write").build()).id();
        }
        RotationPolicy stricter = RotationPolicy.builder().cadence(RiskClass.WRITE, Duration.ofDays(30)).build();
        try (KeyManager node = KeyManager.builder().store(store).clock(clock).hasher(KeyHashers.hmacSha256())
                .rotationPolicy(stricter).recomputeDueDatesInBackground(false).usageRetention(UsageRetention.deleteAfter(
                        Duration.ofDays(1))).changeFeedPollInterval(Duration.ofMillis(10)).build()) {
            // the retention runs in the same maintenance step: once it has, the restamp would have too
            node.recordUsage(id, UsageEvent.of(clock.instant().minus(Duration.ofDays(2)), "GET", "/x", "10.0.0.1", 200));
            node.flush();
            await(() -> node.usage(id, Instant.EPOCH, clock.instant()).isEmpty());
            assertThat(store.find(id).orElseThrow().rotation().orElseThrow().policy()).isEqualTo(RotationPolicy.defaults().fingerprint());
        }
    }
}
