package dev.keyvault.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.IssuedKey;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.Peppers;
import dev.keyvault.UsageRollup;
import dev.keyvault.jdbc.JdbiKeyStore;
import dev.keyvault.testing.Tokens;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.net.URLEncoder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The whole matrix over real HTTP on the embedded Tomcat, against one database: subclasses choose
 * H2 or PostgreSQL. Each test speaks from a client address of its own ({@code X-Forwarded-For} from
 * the trusted loopback proxy), so failures of one never count against another.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ApiKeyHttpContract {
    static final String PEPPER = "v1:" + java.util.Base64.getEncoder().encodeToString(new byte[] {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
    static final String INVALID = "Bearer realm=\"kb\", error=\"invalid_token\", error_description=\"The API key is invalid, revoked or expired\"";
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    @LocalServerPort
    int port;
    @Autowired
    KeyManager keys;
    @Autowired
    SwitchableDataSource dataSource;
    @Autowired
    MeterRegistry registry;
    @Autowired
    KeyvaultHealthIndicator health;
    @Autowired
    ApiTestApplication.Sessions sessions;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** Another node on the same database. */
    private KeyManager otherNode;
    private String client;

    @BeforeAll
    void otherNode() {
        otherNode = KeyManager.builder().store(JdbiKeyStore.builder(dataSource.getTargetDataSource()).build())
                .keyPrefix("kb_test").pepper(Peppers.parse(PEPPER))
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build();
    }

    @org.junit.jupiter.api.BeforeEach
    void newClient() {
        client = client(); // a client address of its own per test: failures never count against another
    }

    @AfterAll
    void closeOtherNode() {
        otherNode.close();
    }

    private String client() {
        return "198.51.100." + (CLIENTS.incrementAndGet() % 250 + 1);
    }

    HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        return send("GET", path, headers);
    }

    HttpResponse<String> send(String method, String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .header("X-Forwarded-For", client);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String[] bearer(String token) {
        return new String[] {"Authorization", "Bearer " + token};
    }

    private IssuedKey issue(String name, String tier, String... scopes) {
        return keys.issue(KeySpec.builder("acme", name + " " + CLIENTS.incrementAndGet()).scopes(scopes).tier(tier).build());
    }

    private static void assertNoSession(HttpResponse<String> response) {
        assertThat(response.headers().allValues("Set-Cookie")).isEmpty();
    }

    @Test
    void whenAValidKeyHasTheScopeThenTheHandlerAnswersWithItsPrincipal() throws Exception {
        IssuedKey key = issue("reader", "standard", "kb:read");

        HttpResponse<String> r = get("/api/articles/42", bearer(key.token()));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"id\":\"42\"").contains("\"owner\":\"acme\"");
        assertThat(r.headers().firstValue("RateLimit-Policy")).hasValue("\"standard\";q=1000;w=60");
        assertThat(r.headers().firstValue("RateLimit")).hasValueSatisfying(v -> assertThat(v).startsWith("\"standard\";r=999;t="));
        assertNoSession(r);
    }

    @Test
    void whenTheKeyIsInXApiKeyThenItIsAcceptedToo() throws Exception {
        IssuedKey key = issue("reader", "standard", "kb:read");

        assertThat(get("/api/articles/1", "X-API-Key", key.token()).statusCode()).isEqualTo(200);
    }

    @Test
    void whenAWildcardScopeCoversTheRouteThenHasScopeGrantsIt() throws Exception {
        IssuedKey key = issue("wildcard", "standard", "kb:*");

        assertThat(get("/api/articles/7", bearer(key.token())).statusCode()).isEqualTo(200);
    }

    @Test
    void whenNoKeyThenUnauthorizedWithABareChallengeAndNoSession() throws Exception {
        HttpResponse<String> r = get("/api/articles/42");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"kb\"");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(r.body()).isEqualTo("{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"This request needs an API key\"}");
        assertNoSession(r);
    }

    @Test
    void whenThePublicRouteIsCalledWithoutAKeyThenItIsServed() throws Exception {
        HttpResponse<String> r = get("/api/public/ping");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("pong");
        assertNoSession(r);
    }

    @Test
    void whenTheKeyIsMalformedOrWrongThenUnauthorizedInvalidToken() throws Exception {
        IssuedKey key = issue("reader", "standard", "kb:read");

        for (String bad : List.of("kb_test_not-a-key", Tokens.withWrongSecret(key.token()), Tokens.withUnknownId(key.token()), "é ü")) {
            HttpResponse<String> r = get("/api/articles/42", bearer(bad));
            assertThat(r.statusCode()).as(bad).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue(INVALID);
            assertNoSession(r);
        }
    }

    @Test
    void whenTheCredentialHeaderIsRepeatedThenBadRequest() throws Exception {
        IssuedKey key = issue("reader", "standard", "kb:read");

        HttpResponse<String> r = get("/api/articles/42", "Authorization", "Bearer " + key.token(), "Authorization", "Bearer " + key.token());

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("error=\"invalid_request\""));
    }

    @Test
    void whenAnotherNodeRevokesTheKeyThenThisNodeRefusesItOnceTheFeedIsApplied() throws Exception {
        IssuedKey key = issue("revoked later", "standard", "kb:read");
        Instant from = Instant.now().minusSeconds(120);
        assertThat(get("/api/articles/1", bearer(key.token())).statusCode()).isEqualTo(200);

        otherNode.revoke(key.id(), "leaked", "security@acme");
        keys.pollChangeFeed(); // the change feed, read now rather than at the next poll

        HttpResponse<String> r = get("/api/articles/1", bearer(key.token()));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue(INVALID);
        keys.flush();
        List<UsageRollup> usage = keys.usage(key.id(), from, Instant.now().plusSeconds(120));
        assertThat(usage).extracting(UsageRollup::status).contains(200, 401);
        assertThat(usage).extracting(UsageRollup::endpoint).contains("/api/articles/{id}").doesNotContain("/api/articles/1");
    }

    @Test
    void whenTheKeyLacksTheScopeOfAPreAuthorizeMethodThenForbiddenNamingIt() throws Exception {
        IssuedKey key = issue("reader", "standard", "kb:read");

        HttpResponse<String> r = send("POST", "/api/articles", bearer(key.token()));

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("WWW-Authenticate"))
                .hasValue("Bearer realm=\"kb\", error=\"insufficient_scope\", scope=\"kb:write\"");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertNoSession(r);
    }

    @Test
    void whenTheKeyHasTheScopeOfAPreAuthorizeMethodThenItRuns() throws Exception {
        IssuedKey key = issue("writer", "standard", "kb:write");

        HttpResponse<String> r = send("POST", "/api/articles", bearer(key.token()));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"created\":true");
    }

    @Test
    void whenTheKeyLacksAnAuthorityOfTheUrlRulesThenForbiddenNamingTheScope() throws Exception {
        IssuedKey reader = issue("reader", "standard", "kb:read");
        IssuedKey admin = issue("admin", "standard", "kb:admin");

        HttpResponse<String> r = get("/api/admin/stats", bearer(reader.token()));

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("WWW-Authenticate"))
                .hasValue("Bearer realm=\"kb\", error=\"insufficient_scope\", scope=\"kb:admin\"");
        assertThat(get("/api/admin/stats", bearer(admin.token())).statusCode()).isEqualTo(200);
    }

    @Test
    void whenTheKeyIsOverItsTierThenTooManyRequestsWithTheRateLimitFields() throws Exception {
        IssuedKey key = issue("tiny", "tiny", "kb:read");

        assertThat(get("/api/articles/1", bearer(key.token())).statusCode()).isEqualTo(200);
        assertThat(get("/api/articles/1", bearer(key.token())).statusCode()).isEqualTo(200);
        HttpResponse<String> r = get("/api/articles/1", bearer(key.token()));

        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("RateLimit-Policy")).hasValue("\"tiny\";q=2;w=7200");
        assertThat(r.headers().firstValue("RateLimit")).hasValue("\"tiny\";r=0;t=3600");
        assertThat(r.headers().firstValue("Retry-After")).hasValue("3600");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void whenAKeyIsUsedFromOutsideItsAllowlistThenForbiddenNamingNothingAndTheAuditListsIt() throws Exception {
        IssuedKey key = keys.issue(KeySpec.builder("acme", "fenced " + CLIENTS.incrementAndGet()).scopes("kb:read")
                .ipAllowlist("203.0.113.0/24").build());

        HttpResponse<String> outside = get("/api/articles/1", bearer(key.token()));
        assertThat(outside.statusCode()).isEqualTo(403);
        assertThat(outside.headers().firstValue("WWW-Authenticate")).isEmpty();
        assertThat(outside.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(outside.body()).doesNotContain(client).doesNotContain("203.0.113").doesNotContain(key.id());
        assertNoSession(outside);

        client = "203.0.113.9"; // through the trusted proxy, from inside the range
        assertThat(get("/api/articles/1", bearer(key.token())).statusCode()).isEqualTo(200);

        keys.flush();
        Instant now = keys.clock().instant();
        dev.keyvault.rotation.UsageAudit audit = keys.rotation().usageAudit(key.id(), now.minus(Duration.ofHours(1)), now.plusSeconds(60));
        assertThat(audit.outsideAllowlist()).extracting(dev.keyvault.rotation.UsageAudit.RefusedAddress::requests).containsExactly(1L);
    }

    @Test
    void whenAKeyRunsOutOfCreditsThenTooManyRequestsWithRetryAfterUntilTheRefill() throws Exception {
        IssuedKey once = keys.issue(KeySpec.builder("acme", "one credit " + CLIENTS.incrementAndGet()).scopes("kb:read")
                .credits(dev.keyvault.Credits.of(1)).build());
        assertThat(get("/api/articles/1", bearer(once.token())).statusCode()).isEqualTo(200);
        HttpResponse<String> spent = get("/api/articles/1", bearer(once.token()));
        assertThat(spent.statusCode()).isEqualTo(429);
        assertThat(spent.headers().firstValue("Retry-After")).as("credits that never refill").isEmpty();
        assertThat(spent.headers().firstValue("Content-Type")).hasValue("application/problem+json");

        IssuedKey daily = keys.issue(KeySpec.builder("acme", "daily credit " + CLIENTS.incrementAndGet()).scopes("kb:read")
                .credits(dev.keyvault.Credits.of(1).withRefill(dev.keyvault.CreditRefill.daily(java.time.LocalTime.MIDNIGHT, 1))).build());
        assertThat(get("/api/articles/1", bearer(daily.token())).statusCode()).isEqualTo(200);
        HttpResponse<String> waiting = get("/api/articles/1", bearer(daily.token()));
        assertThat(waiting.statusCode()).isEqualTo(429);
        long nextMidnight = Duration.between(keys.clock().instant(),
                keys.clock().instant().atZone(java.time.ZoneOffset.UTC).toLocalDate().plusDays(1).atStartOfDay(java.time.ZoneOffset.UTC))
                .toSeconds();
        assertThat(Long.parseLong(waiting.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, nextMidnight + 1);

        keys.flush();
        Instant now = keys.clock().instant();
        assertThat(keys.rotation().usageAudit(daily.id(), now.minus(Duration.ofHours(1)), now.plusSeconds(60)).refusedForCredits())
                .isEqualTo(1);
    }

    @Test
    void whenAClientFailsTooOftenThenEvenAValidKeyGetsTooManyRequestsUnverified() throws Exception {
        IssuedKey key = issue("reader", "standard", "kb:read");
        for (int i = 0; i < 20; i++) {
            assertThat(get("/api/articles/1", bearer(Tokens.withWrongSecret(key.token()))).statusCode()).isEqualTo(401);
        }

        HttpResponse<String> r = get("/api/articles/1", bearer(key.token()));

        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(r.headers().firstValue("WWW-Authenticate")).isEmpty();
    }

    @Test
    void whenTheStoreIsDownThenAnUncachedKeyGetsServiceUnavailableNeverUnauthorized() throws Exception {
        IssuedKey key = otherNode.issue(KeySpec.builder("acme", "cold " + CLIENTS.incrementAndGet()).scopes("kb:read").tier("standard").build());
        dataSource.down(true);
        HttpResponse<String> r;
        Health whileDown;
        try {
            r = get("/api/articles/1", bearer(key.token()));
            whileDown = health.health();
        } finally {
            dataSource.down(false);
        }

        assertThat(whileDown.getStatus()).isEqualTo(Status.DOWN);
        assertThat(whileDown.getDetails()).containsEntry("store", "unreachable");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(r.headers().firstValue("WWW-Authenticate")).isEmpty();
        assertThat(get("/api/articles/1", bearer(key.token())).statusCode()).isEqualTo(200);
    }

    @Test
    void whenAPathCouldBeReadTwoWaysThenBadRequestBeforeAnyKeyIsLookedAt() throws Exception {
        IssuedKey key = issue("reader", "standard", "kb:read");

        assertThat(get("/api/articles/%2e%2e/admin/stats", bearer(key.token())).statusCode()).isEqualTo(400);
        assertThat(get("/api/public/ping;jsessionid=1").statusCode()).isEqualTo(400);
    }

    @Test
    void whenAKeyIsUsedThenNoHttpSessionExists() throws Exception {
        IssuedKey key = issue("me", "standard", "kb:read");
        int before = sessions.created.get();

        HttpResponse<String> r = get("/api/me", bearer(key.token()));
        get("/api/me");
        get("/api/me", bearer(Tokens.withWrongSecret(key.token())));
        send("POST", "/api/articles", bearer(key.token()));
        send("POST", "/api/articles");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"session\":false").contains(key.id());
        assertNoSession(r);
        assertThat(sessions.created.get()).as("sessions created by API requests").isEqualTo(before);
    }

    @Test
    void whenTheBrowserChainLogsInWithAFormThenItKeepsItsSessionBesideTheApi() throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).version(HttpClient.Version.HTTP_1_1).build();
        String base = "http://127.0.0.1:" + port;
        HttpResponse<String> home = browser.send(HttpRequest.newBuilder(URI.create(base + "/app/home")).header("Accept", "text/html").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(home.statusCode()).isEqualTo(302);
        assertThat(home.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));

        HttpResponse<String> login = browser.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(), HttpResponse.BodyHandlers.ofString());
        Matcher csrf = Pattern.compile("name=\"_csrf\" type=\"hidden\" value=\"([^\"]+)\"").matcher(login.body());
        assertThat(csrf.find()).as(login.body()).isTrue();
        String form = "username=alice&password=wonderland&_csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8);
        HttpResponse<String> posted = browser.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).isEqualTo(302);

        HttpResponse<String> after = browser.send(HttpRequest.newBuilder(URI.create(base + "/app/home")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.body()).isEqualTo("home of alice");
    }

    @Test
    void whenAnApiKeyIsSentToTheBrowserChainThenItIsNotAccepted() throws Exception {
        IssuedKey key = issue("reader", "standard", "kb:read");

        HttpResponse<String> r = get("/app/home", "Authorization", "Bearer " + key.token(), "Accept", "text/html");

        assertThat(r.statusCode()).isEqualTo(302);
    }

    @Test
    void whenRequestsWereServedThenTheMetersAndTheHealthShowThem() throws Exception {
        IssuedKey key = otherNode.issue(KeySpec.builder("acme", "metered " + CLIENTS.incrementAndGet()).scopes("kb:read").tier("standard").build());
        get("/api/articles/1", bearer(key.token()));
        get("/api/articles/2", bearer(key.token()));
        get("/api/articles/3", bearer(Tokens.withWrongSecret(key.token())));

        assertThat(registry.get("keyvault.verify").tags("result", "verified", "cache", "cold").timer().count()).isGreaterThanOrEqualTo(1);
        assertThat(registry.get("keyvault.verify").tags("result", "verified", "cache", "hot").timer().count()).isGreaterThanOrEqualTo(1);
        assertThat(registry.get("keyvault.verify").tags("result", "rejected", "reason", "invalid").timer().count()).isGreaterThanOrEqualTo(1);
        assertThat(registry.get("keyvault.cache.keys").gauge().value()).isGreaterThanOrEqualTo(1);
        assertThat(registry.get("keyvault.rotation.due").tag("urgency", "overdue").gauge().value()).isZero();
        assertThat(registry.find("keyvault.feed.lag").gauge()).isNotNull();

        keys.pollChangeFeed();
        Health h = health.health();
        assertThat(h.getStatus()).isEqualTo(Status.UP);
        assertThat(h.getDetails()).containsEntry("store", "reachable").containsEntry("pepper", "CONFIGURED")
                .containsEntry("feed.follower", "running").containsEntry("feed.lag", 0L);

        HttpResponse<String> actuator = get("/actuator/health/keyvault");
        assertThat(actuator.statusCode()).isEqualTo(200);
        assertThat(actuator.body()).contains("\"status\":\"UP\"").contains("\"pepper\":\"CONFIGURED\"");
    }
}
