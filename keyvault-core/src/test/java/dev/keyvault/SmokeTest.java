package dev.keyvault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void issueVerifyRotateRevoke() {
        MutableClock clock = MutableClock.create();
        try (KeyManager km = KeyManager.builder().store(InMemoryKeyStore.create()).clock(clock)
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build()) {
            IssuedKey k = km.issue(KeySpec.builder("acme", "Sync").scopes("kb:read").build());
            System.out.println(k + " " + k.token());
            assertThat(km.verify(k.token()).isVerified()).isTrue();
            IssuedKey k2 = km.rotate(k.id());
            assertThat(k2.key().name()).isEqualTo("Sync v2");
            assertThat(km.verify(k.token()).isVerified()).isTrue();
            assertThat(km.revoke(k.id(), "done", "alice").outcome()).isEqualTo(RevocationResult.Outcome.REVOKED);
            assertThat(km.verify(k.token())).isEqualTo(new VerificationResult.Rejected(RejectionReason.REVOKED, java.util.Optional.of(k.id())));
            KeyManager other = KeyManager.builder().store(InMemoryKeyStore.create()).clock(clock).build();
            long t0 = System.nanoTime();
            other.issue(KeySpec.builder("a", "b").build());
            System.out.println("argon2 issue ms " + (System.nanoTime() - t0) / 1e6);
        }
    }
}
