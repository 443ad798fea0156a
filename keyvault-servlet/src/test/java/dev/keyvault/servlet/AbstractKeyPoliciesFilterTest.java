package dev.keyvault.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyvault.CreditRefill;
import dev.keyvault.Credits;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeySpec;
import dev.keyvault.UsageRollup;
import dev.keyvault.rotation.UsageAudit;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Key policies through the filter over real HTTP: IP allowlists judged on the address the filter
 * resolves (trusted proxies respected), answered 403 with nothing echoed and recorded for the audit;
 * usage credits spent only by requests that pass their tier and scopes, by the route's cost, and
 * answered 429 with {@code Retry-After} until the refill; metadata handed to the application.
 */
abstract class AbstractKeyPoliciesFilterTest extends AbstractFilterTest {
    static final String ADDRESS_BODY = "{\"type\":\"about:blank\",\"title\":\"Forbidden\",\"status\":403,"
            + "\"detail\":\"The API key may not be used from this client address\"}";
    static final String CREDITS_BODY = "{\"type\":\"about:blank\",\"title\":\"Too Many Requests\",\"status\":429,"
            + "\"detail\":\"The API key's usage credits are exhausted\"}";

    @Override
    ApiKeyFilterConfig.Builder config() {
        return super.config().rule(Rule.requireScopes("GET", "/reports/**", "kb:read").withCost(5))
                .rule(Rule.authenticated("GET", "/quota").withCost(0));
    }

    private IssuedKey issue(KeySpec.Builder spec) {
        return issue(keys, spec.build());
    }

    private static void assertAddressRefusal(HttpResponse<String> response, String... notEchoed) {
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().allValues("WWW-Authenticate")).isEmpty();
        assertThat(header(response, "Content-Type")).startsWith(PROBLEM_JSON);
        assertThat(header(response, "Cache-Control")).isEqualTo("no-store");
        assertThat(response.body()).isEqualTo(ADDRESS_BODY);
        for (String s : notEchoed) {
            assertThat(response.body() + response.headers().map()).doesNotContain(s);
        }
    }

    // ================================================================================ allowlists

    @Test
    void whenTheClientIsInsideTheAllowlistThenItPassesAndOutsideItGets403WithNothingEchoedAndRecorded() throws Exception {
        TestServer server = serve();
        IssuedKey inside = issue(KeySpec.builder("acme", "loopback").scopes("kb:read").ipAllowlist("127.0.0.0/8", "::1"));
        IssuedKey outside = issue(KeySpec.builder("acme", "office").scopes("kb:read").ipAllowlist("203.0.113.0/24", "2001:db8::/32"));
        Instant start = clock.instant();

        assertThat(get(server, "/articles/1", "X-API-Key", inside.token()).statusCode()).isEqualTo(200);
        for (int i = 0; i < 30; i++) {
            assertAddressRefusal(get(server, "/articles/1", "X-API-Key", outside.token()), "203.0.113", "2001:db8", outside.id(),
                    "127.0.0.1");
        }
        assertThat(get(server, "/articles/1", "X-API-Key", inside.token()).statusCode())
                .as("a valid secret from the wrong place is no failed guess: the address is not limited").isEqualTo(200);

        assertThat(usage(keys, outside.id())).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.refusal()).isEqualTo("IP_NOT_ALLOWED");
            assertThat(r.count()).isEqualTo(30);
            assertThat(r.clientIp()).isEqualTo("127.0.0.1");
        });
        UsageAudit audit = keys.rotation().usageAudit(outside.id(), start.minusSeconds(60), clock.instant().plusSeconds(60));
        assertThat(audit.outsideAllowlist()).singleElement().satisfies(o -> {
            assertThat(o.clientIp()).isEqualTo("127.0.0.1");
            assertThat(o.requests()).isEqualTo(30);
            assertThat(o.endpoints()).containsExactly("/articles/**");
        });
        assertThat(audit.refusedForScope()).isZero();
    }

    @Test
    void whenBehindTrustedProxiesThenTheAllowlistJudgesTheForwardedClientAndOtherwiseTheConnection() throws Exception {
        TestServer trusting = serve(config().trustedProxies("127.0.0.1").build());
        TestServer untrusting = serve();
        IssuedKey office = issue(KeySpec.builder("acme", "office").scopes("kb:read").ipAllowlist("203.0.113.0/24"));

        assertThat(get(trusting, "/articles/1", "X-API-Key", office.token(), "X-Forwarded-For", "203.0.113.7").statusCode())
                .isEqualTo(200);
        assertThat(get(trusting, "/articles/1", "X-API-Key", office.token(), "X-Forwarded-For", "::ffff:203.0.113.7").statusCode())
                .as("the same client over IPv4-mapped IPv6").isEqualTo(200);
        assertAddressRefusal(get(trusting, "/articles/1", "X-API-Key", office.token(), "X-Forwarded-For", "198.51.100.1"));
        assertAddressRefusal(get(untrusting, "/articles/1", "X-API-Key", office.token(), "X-Forwarded-For", "203.0.113.7"),
                "203.0.113");

        // Whatever a client writes into X-Forwarded-For, it never gets in: garbage ends the walk at the proxy itself.
        List<String> hostile = new ArrayList<>(List.of("203.0.113.0/24", "203.0.113.*", "203.0.113", "0203.0.113.7",
                "203.0.113.7:443", "[203.0.113.7]x", "203.0.113.7 203.0.113.8", "not-an-address", "localhost",
                "203.0.113.7%25eth0", "unknown", "'; DROP TABLE keys; --", "${jndi:ldap://x/a}",
                "x".repeat(5_000), "203.0.113.7, garbage", "garbage, 10.0.0.1"));
        for (String xff : hostile) {
            HttpResponse<String> r = get(trusting, "/articles/1", "X-API-Key", office.token(), "X-Forwarded-For", xff);
            assertThat(r.statusCode()).as("X-Forwarded-For %s", xff.length() > 40 ? xff.length() + " chars" : xff)
                    .isIn(403, 400, 431);
            if (r.statusCode() == 403) {
                assertThat(r.body()).isEqualTo(ADDRESS_BODY);
            }
        }
        // bytes no HTTP client library sends: UTF-8 digits of another script, NUL, a raw high byte
        for (String xff : List.of(new String("١٢٣.٠.١١٣.٧".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.ISO_8859_1), "203.0.113.7\u0000", "203.0.113.\u00b7")) {
            RawHttp.Response r = RawHttp.get(trusting.port(), "/articles/1", "X-API-Key: " + office.token(), "X-Forwarded-For: " + xff);
            assertThat(r.status()).as(r.raw()).isIn(403, 400);
            assertThat(r.raw()).doesNotContain("203.0.113");
        }
        assertThat(usage(keys, office.id())).filteredOn(u -> u.status() == 200).extracting(UsageRollup::clientIp)
                .containsExactlyInAnyOrder("203.0.113.7", "::ffff:203.0.113.7");
    }

    // =================================================================================== credits

    @Test
    void whenCreditsRunOutThen429WithRetryAfterUntilTheRefillAndTheRefusalIsRecorded() throws Exception {
        clock.set(Instant.parse("2026-06-01T10:00:00Z"));
        TestServer server = serve();
        IssuedKey daily = issue(KeySpec.builder("acme", "daily").scopes("kb:read")
                .credits(Credits.of(2).withRefill(CreditRefill.daily(LocalTime.of(12, 0), 2))));
        IssuedKey once = issue(KeySpec.builder("acme", "once").scopes("kb:read").credits(Credits.of(1)));

        assertThat(get(server, "/articles/1", "X-API-Key", daily.token()).statusCode()).isEqualTo(200);
        assertThat(get(server, "/articles/1", "X-API-Key", daily.token()).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = get(server, "/articles/1", "X-API-Key", daily.token());
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body()).isEqualTo(CREDITS_BODY);
        assertThat(header(refused, "Retry-After")).isEqualTo("7200");
        assertThat(refused.headers().allValues("WWW-Authenticate")).isEmpty();

        assertThat(get(server, "/articles/1", "X-API-Key", once.token()).statusCode()).isEqualTo(200);
        HttpResponse<String> never = get(server, "/articles/1", "X-API-Key", once.token());
        assertThat(never.statusCode()).isEqualTo(429);
        assertThat(header(never, "Retry-After")).as("no refill: no time to retry at").isNull();

        clock.set(Instant.parse("2026-06-01T12:00:00Z"));
        assertThat(get(server, "/articles/1", "X-API-Key", daily.token()).statusCode()).isEqualTo(200);
        assertThat(usage(keys, daily.id())).extracting(r -> r.status() + " " + r.refusal() + " x" + r.count())
                .containsExactlyInAnyOrder("200  x2", "429 CREDITS_EXHAUSTED x1", "200  x1");
    }

    @Test
    void whenARequestIsRefusedForItsScopeOrTierThenItSpendsNoCredits() throws Exception {
        TestServer server = serve();
        IssuedKey reader = issue(KeySpec.builder("acme", "reader").scopes("kb:read").tier("tiny").credits(Credits.of(3)));

        for (int i = 0; i < 5; i++) {
            assertThat(send(server, "POST", "/articles/1", "X-API-Key", reader.token()).statusCode()).isIn(403, 429);
        }
        clock.advance(Duration.ofMinutes(5)); // the tiny tier refills
        assertThat(get(server, "/articles/1", "X-API-Key", reader.token()).statusCode()).isEqualTo(200);
        assertThat(get(server, "/articles/1", "X-API-Key", reader.token()).statusCode()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(5));
        assertThat(get(server, "/articles/1", "X-API-Key", reader.token()).statusCode()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(5));
        assertThat(get(server, "/articles/1", "X-API-Key", reader.token()).statusCode()).as("three credits, three requests")
                .isEqualTo(429);
        assertThat(keys.credits(reader.id()).orElseThrow().leasedHere() + keys.credits(reader.id()).orElseThrow().inStore())
                .isZero();
    }

    @Test
    void whenARouteHasACostThenThatManyCreditsAreSpentAndACostOfZeroOnlyChecks() throws Exception {
        TestServer server = serve();
        IssuedKey key = issue(KeySpec.builder("acme", "metered").scopes("kb:read").credits(Credits.of(12)));

        assertThat(get(server, "/reports/q1", "X-API-Key", key.token()).statusCode()).isEqualTo(200); // 5
        assertThat(get(server, "/reports/q2", "X-API-Key", key.token()).statusCode()).isEqualTo(200); // 10
        assertThat(get(server, "/quota", "X-API-Key", key.token()).statusCode()).isEqualTo(200); // checks: 2 left
        assertThat(get(server, "/reports/q3", "X-API-Key", key.token()).statusCode()).as("5 > 2 left").isEqualTo(429);
        assertThat(get(server, "/articles/1", "X-API-Key", key.token()).statusCode()).isEqualTo(200); // 11
        assertThat(get(server, "/articles/2", "X-API-Key", key.token()).statusCode()).isEqualTo(200); // 12
        assertThat(get(server, "/quota", "X-API-Key", key.token()).statusCode()).as("none left to check").isEqualTo(429);
        IssuedKey free = issue("kb:read");
        assertThat(get(server, "/reports/q1", "X-API-Key", free.token()).statusCode()).as("a key without credits").isEqualTo(200);
    }

    @Test
    void whenRulesAreDeclaredWithACostThenItAppliesAndABadCostStopsTheApplication() throws Exception {
        TestServer server = start(TestApp.declarative(Map.of("realm", "kb", "rules", """
                        GET /reports/** kb:read cost=4
                        GET /quota authenticated cost=0
                        """), Map.of(ApiKeyFilter.KEY_MANAGER_ATTRIBUTE, keys)));
        closeAfter.add(server);
        IssuedKey key = issue(KeySpec.builder("acme", "declared").scopes("kb:read").credits(Credits.of(5)));
        assertThat(get(server, "/reports/1", "X-API-Key", key.token()).statusCode()).isEqualTo(200);
        assertThat(get(server, "/reports/1", "X-API-Key", key.token()).statusCode()).isEqualTo(429);
        assertThat(get(server, "/quota", "X-API-Key", key.token()).statusCode()).isEqualTo(200);

        for (String bad : List.of("GET /r/** kb:read cost=-1", "GET /r/** kb:read cost=abc", "GET /r/** kb:read cost=",
                "GET /r/** kb:read cost=10000000", "GET /r/** cost=2")) {
            assertThatThrownBy(() -> start(TestApp.declarative(Map.of("rules", bad), Map.of(ApiKeyFilter.KEY_MANAGER_ATTRIBUTE, keys))))
                    .as(bad).isInstanceOf(Exception.class);
        }
        assertThatThrownBy(() -> Rule.authenticated("GET", "/x").withCost(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rule.authenticated("GET", "/x").withCost(1_000_001)).isInstanceOf(IllegalArgumentException.class);
    }

    // ================================================================================== metadata

    @Test
    void whenAKeyHasMetadataThenTheApplicationReadsItFromTheVerifiedKey() throws Exception {
        TestServer server = serve();
        IssuedKey key = issue(KeySpec.builder("acme", "labelled").scopes("kb:read").metadata(Map.of("plan", "pro", "customer", "c_1")));
        assertThat(get(server, "/articles/1", "X-API-Key", key.token()).body()).endsWith(";metadata={customer=c_1, plan=pro}");
    }
}
