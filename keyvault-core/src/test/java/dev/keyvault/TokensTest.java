package dev.keyvault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyvault.testing.MutableClock;
import dev.keyvault.testing.Tokens;
import org.junit.jupiter.api.Test;

class TokensTest {
    @Test
    void whenForgingFromAnIssuedTokenThenTheForgeriesAreWellFormedButRejectedForTheRightReason() {
        try (KeyManager keys = KeyManager.builder().store(dev.keyvault.memory.InMemoryKeyStore.create())
                .clock(MutableClock.create()).keyPrefix("kb_live").hasher(KeyHashers.hmacSha256())
                .usageFlushInterval(java.time.Duration.ZERO).changeFeedPollInterval(java.time.Duration.ZERO).build()) {
            IssuedKey key = keys.issue(KeySpec.builder("acme", "n").build());

            String wrongSecret = Tokens.withWrongSecret(key.token());
            String unknownId = Tokens.withUnknownId(key.token());

            assertThat(wrongSecret).startsWith("kb_live_" + key.id() + "_").hasSameSizeAs(key.token()).isNotEqualTo(key.token());
            assertThat(keys.verify(wrongSecret)).isEqualTo(VerificationResult.Rejected.of(RejectionReason.INVALID));
            assertThat(keys.verify(unknownId)).isEqualTo(VerificationResult.Rejected.of(RejectionReason.UNKNOWN));
            assertThatThrownBy(() -> Tokens.withWrongSecret("kb_live_nope")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void whenTheUserAgentIsAlreadyCleanThenItIsKeptAsIs() {
        String ua = "Mozilla/5.0 (X11; Linux x86_64) keyvault-test/1.0";
        UsageEvent e = UsageEvent.of(java.time.Instant.EPOCH, "GET", "/a", "10.0.0.1", 200, ua);
        assertThat(e.userAgent()).get().isSameAs(ua);
    }
}
