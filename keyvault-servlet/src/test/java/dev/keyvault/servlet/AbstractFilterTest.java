package dev.keyvault.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.IssuedKey;
import dev.keyvault.KeyHashers;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.UsageRollup;
import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.spi.KeyStore;
import dev.keyvault.support.FailingKeyStore;
import dev.keyvault.testing.MutableClock;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every test of the filter over real HTTP shares: a real {@link KeyManager} on an in-memory
 * store (HMAC hashing for speed) and a moving clock, the container of the subclass, the JDK
 * {@link HttpClient}, and the check that no key material reached the log. Nothing is mocked.
 */
abstract class AbstractFilterTest {
    static final String REALM = "kb";
    static final String BARE = "Bearer realm=\"kb\"";
    static final String INVALID_TOKEN = "Bearer realm=\"kb\", error=\"invalid_token\", "
            + "error_description=\"The API key is invalid, revoked or expired\"";
    static final String CONFLICTING = "Bearer realm=\"kb\", error=\"invalid_request\", "
            + "error_description=\"The request carries two different API keys\"";
    static final String REPEATED = "Bearer realm=\"kb\", error=\"invalid_request\", "
            + "error_description=\"The request repeats a credential header\"";
    static final String EMPTY = "Bearer realm=\"kb\", error=\"invalid_request\", "
            + "error_description=\"The credential header is empty\"";
    static final String PROBLEM_JSON = "application/problem+json";
    static final String INVALID_BODY = "{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,"
            + "\"detail\":\"The API key is invalid, revoked or expired\"}";
    static final String FIREWALL_BODY = "{\"type\":\"about:blank\",\"title\":\"Bad Request\",\"status\":400,"
            + "\"detail\":\"The request path is not in canonical form\"}";
    /** Every token any test issued, in any container: none may appear in the log. */
    static final Set<String> ISSUED_TOKENS = ConcurrentHashMap.newKeySet();
    static final Path LOG_FILE = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile", "target/servlet-tests.log"));
    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    MutableClock clock;
    FailingKeyStore store;
    KeyManager keys;
    final List<AutoCloseable> closeAfter = new ArrayList<>();

    /** Starts the container of this subclass with {@code app}, accepting request headers up to 64 KiB. */
    abstract TestServer start(TestApp app) throws Exception;

    @BeforeEach
    void setUp() {
        clock = MutableClock.create();
        store = new FailingKeyStore(InMemoryKeyStore.create());
        keys = manager(store);
    }

    @AfterEach
    void tearDown() throws Exception {
        store.up();
        List<AutoCloseable> reversed = new ArrayList<>(closeAfter);
        java.util.Collections.reverse(reversed);
        for (AutoCloseable c : reversed) {
            c.close();
        }
        keys.close();
    }

    @AfterAll
    static void noKeyMaterialWasLogged() throws IOException {
        assertNoTokenLogged();
    }

    // ------------------------------------------------------------------------------------- fixtures

    KeyManager manager(KeyStore keyStore) {
        return KeyManager.builder()
                .store(keyStore)
                .clock(clock)
                .hasher(KeyHashers.hmacSha256())
                .usageFlushInterval(Duration.ZERO)
                .changeFeedPollInterval(Duration.ZERO)
                .build();
    }

    ApiKeyFilterConfig.Builder config() {
        return ApiKeyFilterConfig.builder()
                .realm(REALM)
                .clock(clock)
                .rule(Rule.permitAll("GET", "/health"))
                .rule(Rule.requireScopes("GET", "/articles/**", "kb:read"))
                .rule(Rule.requireScopes("POST", "/articles/**", "kb:write"))
                .rule(Rule.requireScopes("GET", "/admin/**", "kb:read", "admin"))
                .rule(Rule.authenticated("GET", "/me"))
                .rule(Rule.authenticated("*", "/async/**"))
                .rule(Rule.authenticated("GET", "/fail/**"))
                .tier(Tier.of("default", 1_000, Duration.ofSeconds(1), 1_000))
                .tier(Tier.of("tiny", 2, Duration.ofMinutes(1), 2));
    }

    TestServer serve(ApiKeyFilterConfig config) throws Exception {
        return serve(keys, config);
    }

    TestServer serve(KeyManager manager, ApiKeyFilterConfig config) throws Exception {
        TestServer server = start(TestApp.programmatic(new ApiKeyFilter(manager, config)));
        closeAfter.add(server);
        return server;
    }

    TestServer serve() throws Exception {
        return serve(config().build());
    }

    IssuedKey issue(KeyManager manager, KeySpec spec) {
        IssuedKey issued = manager.issue(spec);
        ISSUED_TOKENS.add(issued.token());
        return issued;
    }

    IssuedKey issue(String... scopes) {
        return issue(keys, KeySpec.builder("acme", "key " + ISSUED_TOKENS.size()).scopes(scopes).build());
    }

    static HttpResponse<String> get(TestServer server, String path, String... headers) throws Exception {
        return send(server, "GET", path, headers);
    }

    static HttpResponse<String> send(TestServer server, String method, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    static String bearer(IssuedKey key) {
        return "Bearer " + key.token();
    }

    static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    /** Flushes usage and returns the key's rollups of the last and next day. */
    List<UsageRollup> usage(KeyManager manager, String keyId) {
        manager.flush();
        Instant now = clock.instant();
        return manager.usage(keyId, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)));
    }

    static void assertChallenge(HttpResponse<String> response, int status, String challenge) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().allValues("WWW-Authenticate")).containsExactly(challenge);
        assertThat(header(response, "Content-Type")).startsWith(PROBLEM_JSON);
        assertThat(response.body()).contains("\"status\":" + status).doesNotContain("owner=");
    }

    static void assertChallenge(RawHttp.Response response, int status, String challenge) {
        assertThat(response.status()).as(response.raw()).isEqualTo(status);
        assertThat(response.headers("WWW-Authenticate")).containsExactly(challenge);
        assertThat(response.header("Content-Type")).startsWith(PROBLEM_JSON);
        assertThat(response.body()).contains("\"status\":" + status).doesNotContain("owner=");
    }

    static void assertNoTokenLogged() throws IOException {
        String log = Files.exists(LOG_FILE) ? Files.readString(LOG_FILE, StandardCharsets.ISO_8859_1) : "";
        for (String token : ISSUED_TOKENS) {
            assertThat(log).as("the log holds a key").doesNotContain(token);
            // the secret part alone, in case something logs a token cut up
            assertThat(log).as("the log holds a secret").doesNotContain(token.substring(token.length() - 38, token.length() - 6));
        }
    }
}
