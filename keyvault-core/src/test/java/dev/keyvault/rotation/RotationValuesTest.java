package dev.keyvault.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyvault.ApiKey;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.RevocationResult;
import dev.keyvault.internal.rotation.Texts;
import dev.keyvault.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The value types' own rules: validation, defensive copies, and no token in any {@code toString()}. */
class RotationValuesTest {
    private final MutableClock clock = MutableClock.create();
    private final KeyManager keys = KeyManager.inMemory(clock);

    @AfterEach
    void close() {
        keys.close();
    }

    @Test
    void whenResultsAreBuiltFromMutableInputsThenTheyKeepTheirOwnCopies() {
        IssuedKey old = keys.issue(KeySpec.builder("acme", "Sync").build());
        IssuedKey next = keys.rotate(old.id());
        ApiKey o = keys.get(old.id()).orElseThrow();
        Set<String> ips = new HashSet<>(Set.of("10.0.0.1"));
        List<RotationStatus.ClientMigration> clients = new ArrayList<>();
        clients.add(new RotationStatus.ClientMigration("web", ips, 1, clock.instant(), clock.instant(), 0, Optional.empty()));
        ips.add("10.0.0.2");
        RotationStatus s = new RotationStatus(o, next.key(), clock.instant(), RotationStatus.State.OPEN, clients, clock.instant(),
                Duration.ofHours(24), false, Optional.empty());
        clients.clear();
        assertThat(s.clients()).hasSize(1);
        assertThat(s.clients().get(0).clientIps()).containsExactly("10.0.0.1");
        assertThatThrownBy(() -> s.clients().get(0).clientIps().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void whenAStatusContradictsItselfThenItIsRefused() {
        IssuedKey old = keys.issue(KeySpec.builder("acme", "Sync").build());
        IssuedKey next = keys.rotate(old.id());
        IssuedKey unrelated = keys.issue(KeySpec.builder("acme", "Other").build());
        ApiKey o = keys.get(old.id()).orElseThrow();
        Instant now = clock.instant();
        assertThatThrownBy(() -> new RotationStatus(o, next.key(), now, RotationStatus.State.OPEN, List.of(), now,
                Duration.ofHours(1), true, Optional.empty())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RotationStatus(o, unrelated.key(), now, RotationStatus.State.OPEN, List.of(), now,
                Duration.ofHours(1), false, Optional.empty())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new UsageAudit(o, now, now.minusSeconds(1), 0, List.of(), List.of(), List.of(), 0, List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AutoRotationResult(old.id(), AutoRotationResult.Outcome.ROTATED, Optional.empty(),
                Optional.of(now), List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void whenAnEmergencyRotationIsPrintedThenTheNewTokenIsNot() {
        IssuedKey leaked = keys.issue(KeySpec.builder("acme", "Sync").build());
        EmergencyRotation er = keys.rotation().emergencyRotate(leaked.id(), "leaked", "sec");
        String token = er.successor().orElseThrow().token();
        String secretPart = token.substring(token.lastIndexOf('_') + 1);
        assertThat(er.toString()).doesNotContain(secretPart).contains(er.replacement().hint());
        assertThatThrownBy(() -> new EmergencyRotation(er.revocation(), Optional.empty(), Optional.empty(), er.audit(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EmergencyRotation(new RevocationResult(leaked.id(), RevocationResult.Outcome.NOT_FOUND,
                Optional.empty()), er.successor(), Optional.empty(), er.audit(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void whenHostTextIsStoredThenItIsMadeStorableAndTheTokenMasked() {
        String token = "kv_AAAAAAAAAAAA_secretsecretsecretsecretsecret123456";
        String described = Texts.describe(new RuntimeException("bad\n\u202Etoken " + token), token, "kv_AAAAAAAAAAAA_…", 300);
        assertThat(described).isEqualTo("RuntimeException: bad  token kv_AAAAAAAAAAAA_…");
        assertThat(Texts.safe("  \u0000 ", 10, "fallback")).isEqualTo("fallback");
        assertThat(Texts.safe("x".repeat(50), 10, "f")).hasSize(10).endsWith("…");
        assertThat(Texts.clip("ab\uD83D\uDE00cd", 4)).isEqualTo("ab…");
        assertThat(Texts.list(List.of("a", "b", "c"), 2)).isEqualTo("a, b and 1 more");
        assertThat(Texts.human(Duration.ofHours(49))).isEqualTo("2d 1h");
    }
}
