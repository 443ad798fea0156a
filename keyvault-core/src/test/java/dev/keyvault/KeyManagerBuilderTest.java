package dev.keyvault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyvault.rotation.RotationPolicy;
import dev.keyvault.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What a new user meets first: the test manager with their own prefix, and refusing keys without an environment. */
class KeyManagerBuilderTest {

    @Test
    void whenATestWantsLiveLookingTokensThenTheTestBuilderTakesAPrefix() {
        MutableClock clock = MutableClock.create();
        try (KeyManager keys = KeyManagerBuilder.forTests(clock).keyPrefix("kb_live").build()) {
            IssuedKey issued = keys.issue(KeySpec.builder("acme", "Trial").scopes("reports:read").build());

            assertThat(issued.token()).startsWith("kb_live_" + issued.id() + "_");
            assertThat(keys.keyPrefix()).isEqualTo("kb_live");
            assertThat(keys.verify(issued.token()).isVerified()).isTrue();
            keys.recordUsage(issued.id(), UsageEvent.of(clock.instant(), "GET", "/reports", "10.0.0.1", 200));
            assertThat(keys.stats().unflushedRequests()).as("no background flush in tests").isEqualTo(1);
            clock.advance(Duration.ofDays(400));
            assertThat(keys.rotationDue(clock.instant()).overdue()).hasSize(1);
        }
        try (KeyManager keys = KeyManager.inMemory(clock)) {
            assertThat(keys.keyPrefix()).isEqualTo("kv");
        }
        assertThatThrownBy(() -> KeyManagerBuilder.forTests(clock).store(dev.keyvault.memory.InMemoryKeyStore.create()))
                .as("the preset store counts as set").isInstanceOf(IllegalStateException.class);
        try (KeyManager keys = KeyManagerBuilder.forTests(clock).rotationPolicy(RotationPolicy.defaults()).build()) {
            assertThat(keys.rotation().policy()).isEqualTo(RotationPolicy.defaults());
        }
    }

    @Test
    void whenTheManagerRequiresAnEnvironmentThenKeysWithoutOneAreRefused() {
        try (KeyManager keys = KeyManagerBuilder.forTests(MutableClock.create()).requireEnvironment().build()) {
            assertThatThrownBy(() -> keys.issue(KeySpec.builder("acme", "Nowhere").build()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("environment");
            assertThat(keys.issue(KeySpec.builder("acme", "Somewhere").environment("production").build()).key().environment())
                    .isEqualTo("production");
            assertThat(keys.list("acme")).hasSize(1);
        }
        assertThatThrownBy(() -> KeyManager.builder().requireEnvironment().requireEnvironment())
                .isInstanceOf(IllegalStateException.class);
    }
}
