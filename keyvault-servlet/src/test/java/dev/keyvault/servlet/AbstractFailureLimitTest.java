package dev.keyvault.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.IssuedKey;
import dev.keyvault.KeySpec;
import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.support.FailingKeyStore;
import dev.keyvault.testing.Tokens;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Failure limiting per client address over real HTTP: wrong keys from one address are answered
 * 429 before any verification once the address has failed too often, other addresses and
 * successful requests are untouched, and the clock lifts the limit.
 */
abstract class AbstractFailureLimitTest extends AbstractFilterTest {
    static final String TOO_MANY_FAILURES_BODY = "{\"type\":\"about:blank\",\"title\":\"Too Many Requests\",\"status\":429,"
            + "\"detail\":\"Too many failed API key attempts from this client\"}";

    CountingKeyStore lookups;
    IssuedKey reader;

    @BeforeEach
    void countLookups() {
        keys.close();
        lookups = new CountingKeyStore(InMemoryKeyStore.create());
        store = new FailingKeyStore(lookups);
        keys = manager(store);
        reader = issue("kb:read");
    }

    /** Default failure limit; requests come through a trusted proxy on loopback, so X-Forwarded-For names the client. */
    ApiKeyFilterConfig.Builder limitConfig() {
        return ApiKeyFilterConfig.builder()
                .realm(REALM)
                .clock(clock)
                .trustedProxies("127.0.0.1", "::1")
                .rule(Rule.permitAll("GET", "/health"))
                .rule(Rule.requireScopes("GET", "/articles/**", "kb:read"));
    }

    /** A well-formed token nobody issued: it costs a lookup (and, for a real key id, a slow hash). */
    String wrongKey() {
        return Tokens.withUnknownId(reader.token());
    }

    HttpResponse<String> from(TestServer server, String client, String token) throws Exception {
        return get(server, "/articles/1", "X-API-Key", token, "X-Forwarded-For", client);
    }

    @Test
    void whenAClientSendsWrongKeysThen401sThen429WithRetryAfterWithoutVerifying() throws Exception {
        TestServer server = serve(limitConfig().build());

        for (int i = 0; i < 20; i++) {
            assertChallenge(from(server, "203.0.113.7", wrongKey()), 401, INVALID_TOKEN);
        }
        int lookupsBefore = lookups.finds();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> refused = from(server, "203.0.113.7", wrongKey());

            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(header(refused, "Retry-After")).isEqualTo("3"); // 20 a minute: one every 3 s
            assertThat(header(refused, "Content-Type")).startsWith(PROBLEM_JSON);
            assertThat(header(refused, "Cache-Control")).isEqualTo("no-store");
            assertThat(refused.headers().firstValue("WWW-Authenticate")).isEmpty();
            assertThat(refused.body()).isEqualTo(TOO_MANY_FAILURES_BODY);
        }
        assertThat(lookups.finds()).as("keys looked up while limited").isEqualTo(lookupsBefore);
        assertThat(server.app().servletRuns()).isEmpty();
    }

    @Test
    void whenAClientIsLimitedThenEvenAValidKeyFromItGets429() throws Exception {
        TestServer server = serve(limitConfig().build());
        for (int i = 0; i < 20; i++) {
            from(server, "203.0.113.7", wrongKey());
        }

        HttpResponse<String> valid = from(server, "203.0.113.7", reader.token());

        assertThat(valid.statusCode()).isEqualTo(429);
        assertThat(valid.body()).isEqualTo(TOO_MANY_FAILURES_BODY);
        assertThat(usage(keys, reader.id())).isEmpty();
    }

    @Test
    void whenOneClientIsLimitedThenOtherAddressesAreNot() throws Exception {
        TestServer server = serve(limitConfig().build());
        for (int i = 0; i < 20; i++) {
            from(server, "203.0.113.7", wrongKey());
        }
        assertThat(from(server, "203.0.113.7", wrongKey()).statusCode()).isEqualTo(429);

        assertThat(from(server, "203.0.113.8", reader.token()).statusCode()).isEqualTo(200);
        assertChallenge(from(server, "203.0.113.8", wrongKey()), 401, INVALID_TOKEN);
        assertThat(from(server, "2001:db8:1::7", reader.token()).statusCode()).isEqualTo(200);
        // the proxy's own address is another client too
        assertThat(get(server, "/articles/1", "X-API-Key", reader.token()).statusCode()).isEqualTo(200);
    }

    @Test
    void whenXForwardedForComesFromAnUntrustedAddressThenItDoesNotEscapeTheLimit() throws Exception {
        TestServer server = serve(ApiKeyFilterConfig.builder().realm(REALM).clock(clock)
                .rule(Rule.requireScopes("GET", "/articles/**", "kb:read")).build());

        for (int i = 0; i < 20; i++) {
            assertThat(from(server, "198.51.100." + i, wrongKey()).statusCode()).isEqualTo(401);
        }

        assertThat(from(server, "198.51.100.99", wrongKey()).statusCode()).isEqualTo(429);
    }

    @Test
    void whenTheClockMovesThenTheLimitLifts() throws Exception {
        TestServer server = serve(limitConfig().build());
        for (int i = 0; i < 20; i++) {
            from(server, "203.0.113.7", wrongKey());
        }
        assertThat(from(server, "203.0.113.7", reader.token()).statusCode()).isEqualTo(429);

        clock.advance(Duration.ofSeconds(3)); // one attempt earned back
        assertThat(from(server, "203.0.113.7", wrongKey()).statusCode()).isEqualTo(401);
        assertThat(from(server, "203.0.113.7", reader.token()).statusCode()).isEqualTo(429);

        clock.advance(Duration.ofMinutes(1));
        assertThat(from(server, "203.0.113.7", reader.token()).statusCode()).isEqualTo(200);
        for (int i = 0; i < 20; i++) {
            assertThat(from(server, "203.0.113.7", wrongKey()).statusCode()).isEqualTo(401);
        }
        assertThat(from(server, "203.0.113.7", wrongKey()).statusCode()).isEqualTo(429);
    }

    @Test
    void whenRequestsSucceedOrCarryNoKeyThenTheyNeverCount() throws Exception {
        TestServer server = serve(limitConfig().build());
        IssuedKey writerOnly = issue("kb:write");

        for (int i = 0; i < 50; i++) {
            assertThat(from(server, "203.0.113.7", reader.token()).statusCode()).isEqualTo(200);
            assertThat(get(server, "/articles/1", "X-Forwarded-For", "203.0.113.7").statusCode()).isEqualTo(401);
            assertThat(from(server, "203.0.113.7", writerOnly.token()).statusCode()).isEqualTo(403);
            assertThat(get(server, "/articles/1", "X-API-Key", "", "X-Forwarded-For", "203.0.113.7").statusCode())
                    .isEqualTo(400);
        }

        for (int i = 0; i < 20; i++) {
            assertThat(from(server, "203.0.113.7", wrongKey()).statusCode()).isEqualTo(401);
        }
    }

    @Test
    void whenKeysAreRevokedOrExpiredThenTheyDoNotCount() throws Exception {
        TestServer server = serve(limitConfig().build());
        IssuedKey revoked = issue("kb:read");
        keys.revoke(revoked.id(), "rotated", "test");
        IssuedKey expiring = issue(keys, KeySpec.builder("acme", "expiring").scopes("kb:read")
                .expiresAt(clock.instant().plus(Duration.ofMinutes(1))).build());
        clock.advance(Duration.ofMinutes(2));

        for (int i = 0; i < 30; i++) {
            assertChallenge(from(server, "203.0.113.7", revoked.token()), 401, INVALID_TOKEN);
            assertChallenge(from(server, "203.0.113.7", expiring.token()), 401, INVALID_TOKEN);
        }

        assertThat(from(server, "203.0.113.7", reader.token()).statusCode()).isEqualTo(200);
    }

    @Test
    void whenTheLimitIsConfiguredThenItsNumbersApply() throws Exception {
        TestServer server = serve(limitConfig().failureLimit(FailureLimit.of(1, Duration.ofMinutes(10), 3)).build());

        for (int i = 0; i < 3; i++) {
            assertThat(from(server, "203.0.113.7", wrongKey()).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> refused = from(server, "203.0.113.7", wrongKey());

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(header(refused, "Retry-After")).isEqualTo("600");
    }

    @Test
    void whenTheLimitIsSwitchedOffThenWrongKeysAreAlways401() throws Exception {
        TestServer server = serve(limitConfig().withoutFailureLimit().build());

        for (int i = 0; i < 40; i++) {
            assertChallenge(from(server, "203.0.113.7", wrongKey()), 401, INVALID_TOKEN);
        }
    }

    @Test
    void whenInstalledDeclarativelyThenTheFailureLimitParamApplies() throws Exception {
        TestServer limited = start(TestApp.declarative(Map.of("rules", "GET /articles/** kb:read",
                "failure-limit", "2/h burst 2"), Map.of(ApiKeyFilter.KEY_MANAGER_ATTRIBUTE, keys)));
        closeAfter.add(limited);
        TestServer unlimited = start(TestApp.declarative(Map.of("rules", "GET /articles/** kb:read",
                "failure-limit", "none"), Map.of(ApiKeyFilter.KEY_MANAGER_ATTRIBUTE, keys)));
        closeAfter.add(unlimited);

        assertThat(get(limited, "/articles/1", "X-API-Key", wrongKey()).statusCode()).isEqualTo(401);
        assertThat(get(limited, "/articles/1", "X-API-Key", wrongKey()).statusCode()).isEqualTo(401);
        HttpResponse<String> refused = get(limited, "/articles/1", "X-API-Key", wrongKey());
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(header(refused, "Retry-After")).isEqualTo("1800");
        for (int i = 0; i < 25; i++) {
            assertThat(get(unlimited, "/articles/1", "X-API-Key", wrongKey()).statusCode()).isEqualTo(401);
        }
    }
}
