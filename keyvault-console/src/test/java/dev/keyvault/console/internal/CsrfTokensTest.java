package dev.keyvault.console.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsrfTokensTest {
    private final MutableClock clock = MutableClock.at(Instant.parse("2026-06-01T09:00:00Z"));
    private final CsrfTokens tokens = new CsrfTokens("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII), clock);

    @Test
    void whenIssuedThenValidForItsUserOnlyUntilItExpires() {
        String t = tokens.issue("alice");
        assertThat(tokens.valid(t, "alice")).isTrue();
        assertThat(tokens.valid(t, "bob")).isFalse();
        assertThat(tokens.valid(t, "alice ")).isFalse();
        assertThat(tokens.issue("alice")).isNotEqualTo(t);
        clock.advance(Duration.ofHours(12).minusSeconds(1));
        assertThat(tokens.valid(t, "alice")).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(tokens.valid(t, "alice")).isFalse();
    }

    @Test
    void whenIssuedByAnotherKeyOrInTheFutureThenRefused() {
        CsrfTokens other = new CsrfTokens("another-secret-of-32-bytes-xxxxx".getBytes(StandardCharsets.US_ASCII), clock);
        assertThat(tokens.valid(other.issue("alice"), "alice")).isFalse();
        Instant now = clock.instant();
        clock.advance(Duration.ofHours(1));
        String future = tokens.issue("alice");
        clock.set(now);
        assertThat(tokens.valid(future, "alice")).isFalse();
    }

    @Test
    void whenTamperedOrMalformedThenRefusedWithoutException() {
        String t = tokens.issue("alice");
        int dot = t.indexOf('.');
        byte[] payload = Base64.getUrlDecoder().decode(t.substring(0, dot));
        payload[3] ^= 1; // moves the issue time
        String shifted = Base64.getUrlEncoder().withoutPadding().encodeToString(payload) + t.substring(dot);
        List<String> corpus = List.of("", ".", "..", t + ".", "." + t, t.replace('.', ','), t.substring(0, t.length() - 1),
                t.substring(0, dot) + ".", "!!!!." + t.substring(dot + 1), shifted, "a".repeat(201) + "." + "b",
                t.toUpperCase(), "%00" + t, t + "\n", "é." + t.substring(dot + 1));
        for (String bad : corpus) {
            assertThat(tokens.valid(bad, "alice")).as(bad).isFalse();
        }
    }

    @Test
    void whenOriginsAreComparedThenOnlyTheRequestsHostAndPortMatch() {
        assertThat(CsrfTokens.sameHost("http://127.0.0.1:8080", "127.0.0.1:8080")).isTrue();
        assertThat(CsrfTokens.sameHost("https://app.example", "app.example")).isTrue();
        assertThat(CsrfTokens.sameHost("https://app.example:443", "app.example")).isTrue();
        assertThat(CsrfTokens.sameHost("https://APP.example", "app.example")).isTrue();
        assertThat(CsrfTokens.sameHost("http://127.0.0.1:8081", "127.0.0.1:8080")).isFalse();
        assertThat(CsrfTokens.sameHost("https://evil.example", "app.example")).isFalse();
        assertThat(CsrfTokens.sameHost("https://app.example.evil", "app.example")).isFalse();
        assertThat(CsrfTokens.sameHost("null", "app.example")).isFalse();
        assertThat(CsrfTokens.sameHost("app.example", "app.example")).isFalse();
        assertThat(CsrfTokens.sameHost("https://app.example/path", "app.example")).isFalse();
        assertThat(CsrfTokens.sameHost("https://app.example", null)).isFalse();
    }
}
