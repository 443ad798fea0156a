package dev.keyvault.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyvault.ApiKey;
import dev.keyvault.CreditRefill;
import dev.keyvault.Credits;
import dev.keyvault.IpAllowlist;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyEventType;
import dev.keyvault.KeyHashers;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.KeyStatus;
import dev.keyvault.KeyUpdate;
import dev.keyvault.RejectionReason;
import dev.keyvault.VerificationRequest;
import dev.keyvault.VerificationResult;
import dev.keyvault.jdbc.JdbiKeyStore;
import dev.keyvault.support.RawConnection;
import dev.keyvault.testing.MutableClock;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The console's JSON API over real HTTP, on a real PostgreSQL store: every operation, its refusals,
 * owner isolation, CSRF, hostile input, and the token shown once. Every response is checked against
 * the served OpenAPI description, and at the end every documented success response must have been
 * seen. Runs on each container (subclasses).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractConsoleApiTest {
    static final List<String> XSS = List.of(
            "<img src=x onerror=alert(1)>",
            "\"><script>alert(1)</script>",
            "'><svg/onload=alert(1)>",
            "javascript:alert(1)",
            "</textarea><script>alert(1)</script>",
            "{{constructor.constructor('alert(1)')()}}",
            "${7*7} #{7*7}",
            "\u00e9t\u00e9 \u6f22\u5b57 \ud83d\udd11 & < > \" '");

    private final MutableClock clock = MutableClock.at(Instant.parse("2026-06-01T09:00:00Z"));
    private final AtomicInteger owners = new AtomicInteger();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> tokens = new CopyOnWriteArrayList<>();
    private KeyManager keys;
    private TestAccess access;
    private ConsoleApp app;
    private TestServer server;
    private OpenApiCheck openApi;

    abstract TestServer start(ConsoleApp app) throws Exception;

    abstract String tablePrefix();

    @BeforeAll
    void startConsole() throws Exception {
        JdbiKeyStore store = JdbiKeyStore.builder(TestPostgres.dataSource()).tablePrefix(tablePrefix()).build();
        store.migrate();
        keys = KeyManager.builder().store(store).clock(clock).keyPrefix("kb_test")
                .hasher(KeyHashers.hmacSha256("console-test-pepper-0123456789abcdef".getBytes(StandardCharsets.US_ASCII), "t1"))
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build();
        access = new TestAccess().user("olga@ops", true);
        app = new ConsoleApp(keys, ConsoleConfig.builder(access).pageSize(5).build());
        server = start(app);
        HttpResponse<String> doc = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(server.uri(ConsoleApp.MOUNT + "/api/openapi.json")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(doc.statusCode()).isEqualTo(200);
        openApi = new OpenApiCheck(doc.body());
        assertThat(openApi.document().path("servers").get(0).path("url").asString()).isEqualTo(ConsoleApp.MOUNT);
        assertThat(openApi.document().path("openapi").asString()).isEqualTo("3.1.0");
    }

    @AfterAll
    void everyTokenWasInExactlyOneResponseAndEveryDocumentedSuccessWasChecked() throws Exception {
        try {
            assertThat(tokens).isNotEmpty();
            for (String token : tokens) {
                assertThat(bodies.stream().filter(b -> b.contains(token)).count()).as("responses holding a token").isEqualTo(1);
                assertThat(bodies.stream().filter(b -> b.contains(token.substring(token.length() - 20))).count())
                        .as("responses holding a token's secret part").isEqualTo(1);
                assertThat(app.requestLines()).noneMatch(l -> l.contains(token.substring(token.length() - 20)));
            }
            Path log = Path.of(System.getProperty("console.test.log", "target/console-tests.log"));
            if (Files.exists(log)) {
                String text = Files.readString(log, StandardCharsets.UTF_8);
                for (String token : tokens) {
                    assertThat(text).doesNotContain(token.substring(token.length() - 20));
                }
            }
            assertThat(openApi.seen()).containsAll(openApi.documentedSuccesses());
        } finally {
            server.close();
            keys.close();
        }
    }

    // ---------------------------------------------------------------------------------- helpers

    /** A fresh owner with one self-service user, so tests share nothing. */
    private String owner(String base) {
        String owner = base + "-" + owners.incrementAndGet();
        access.user(owner + "@admin", false, owner);
        return owner;
    }

    private Client as(String user) throws Exception {
        return new Client(server, openApi, bodies).login(user);
    }

    private Client admin(String owner) throws Exception {
        return as(owner + "@admin");
    }

    private JsonNode create(Client c, String owner, String name, String... scopes) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("owner", owner);
        body.put("name", name);
        body.put("scopes", List.of(scopes));
        body.put("tier", "standard");
        body.put("environment", "production");
        Client.Response r = c.post("/api/keys", body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        tokens.add(r.json().path("token").asText());
        return r.json();
    }

    private int call(String method, String path, String token, String client) throws Exception {
        return Client.callApi(server, method, path, token, client);
    }

    // --------------------------------------------------------------------------------- signed out

    @Test
    void whenNobodyIsSignedInThenTheApiAnswers401ProblemAndThePageStillLoads() throws Exception {
        Client anonymous = new Client(server, openApi, bodies);
        Client.Response session = anonymous.get("/api/session");
        assertThat(session.status()).isEqualTo(401);
        assertThat(session.header("Content-Type")).startsWith("application/problem+json");
        assertThat(session.json().path("status").asInt()).isEqualTo(401);
        assertThat(session.header("WWW-Authenticate")).isNull();

        Client.Response page = anonymous.get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.body()).contains("<script src=\"assets/console.js\" defer></script>").doesNotContain("<script>", "<style", "style=")
                .doesNotContainPattern("\\son[a-z]+\\s*=");

        Client.Response redirect = anonymous.send("GET", "", null, Map.of());
        assertThat(redirect.status()).isEqualTo(302);
        assertThat(redirect.header("Location")).isEqualTo(ConsoleApp.MOUNT + "/");
    }

    @Test
    void whenSignedInThenTheSessionNamesTheUserTheirOwnersAndTheCsrfToken() throws Exception {
        String owner = owner("acme");
        JsonNode s = admin(owner).get("/api/session").json();
        assertThat(s.path("user").path("id").asText()).isEqualTo(owner + "@admin");
        assertThat(s.path("owners").get(0).asText()).isEqualTo(owner);
        assertThat(s.path("operator").asBoolean()).isFalse();
        assertThat(s.path("csrf").path("header").asText()).isEqualTo("X-CSRF-Token");
        assertThat(s.path("csrf").path("token").asText()).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
        assertThat(s.path("quietPeriod").asText()).isEqualTo("PT24H");
        assertThat(s.path("keyPrefix").asText()).isEqualTo("kb_test");
    }

    // ------------------------------------------------------------------------------------ listing

    @Test
    void whenAnOwnerHasMoreKeysThanAPageThenKeysetPagesCoverEachKeyOnceInIdOrder() throws Exception {
        String owner = owner("paged");
        Client c = admin(owner);
        Set<String> created = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            created.add(create(c, owner, "Key " + i, "kb:read").path("key").path("id").asText());
        }

        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            Client.Response r = c.get("/api/keys?owner=" + owner + (after == null ? "" : "&after=" + after));
            assertThat(r.status()).isEqualTo(200);
            JsonNode page = r.json();
            assertThat(page.path("items").size()).isLessThanOrEqualTo(5);
            page.path("items").forEach(k -> seen.add(k.path("id").asText()));
            after = page.path("next").isNull() ? null : page.path("next").asText();
            pages++;
        } while (after != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(created).isSorted();

        Client.Response limited = c.get("/api/keys?owner=" + owner + "&limit=2");
        assertThat(limited.json().path("items").size()).isEqualTo(2);
        for (String bad : List.of("limit=0", "limit=201", "limit=x", "after=not-an-id", "status=deleted", "limit=1&limit=2")) {
            Client.Response r = c.get("/api/keys?owner=" + owner + "&" + bad);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        }
        assertThat(c.get("/api/keys").status()).isEqualTo(400);
    }

    // ----------------------------------------------------------------------------------- generate

    @Test
    void whenAKeyIsGeneratedThenItsTokenVerifiesAndAppearsInThatResponseOnly() throws Exception {
        String owner = owner("gen");
        Client c = admin(owner);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("owner", owner);
        body.put("name", "Nightly sync — production");
        body.put("scopes", List.of("kb:read", "kb:write"));
        body.put("tier", "free");
        body.put("environment", "staging");
        body.put("expiresAt", clock.instant().plus(Duration.ofDays(30)).toString());
        Client.Response r = c.post("/api/keys", body);

        assertThat(r.status()).isEqualTo(201);
        String token = r.json().path("token").asText();
        tokens.add(token);
        JsonNode key = r.json().path("key");
        assertThat(token).startsWith("kb_test_" + key.path("id").asText() + "_");
        assertThat(key.path("scopes").toString()).isEqualTo("[\"kb:read\",\"kb:write\"]");
        assertThat(key.path("tier").asText()).isEqualTo("free");
        assertThat(key.path("environment").asText()).isEqualTo("staging");
        assertThat(key.path("expiresAt").asText()).isEqualTo(clock.instant().plus(Duration.ofDays(30)).toString());
        assertThat(r.header("Location")).isEqualTo("keys/" + key.path("id").asText());
        assertThat(call("GET", "/kb/articles/1", token, "nightly")).isEqualTo(200);
        assertThat(call("POST", "/kb/articles", token, "nightly")).isEqualTo(201);
        assertThat(keys.history(key.path("id").asText())).first().extracting(KeyEvent::actor).isEqualTo(owner + "@admin");

        // everything a browser could fetch afterwards: none holds the token
        String id = key.path("id").asText();
        for (String path : List.of("/", "/assets/console.js", "/api/session", "/api/keys?owner=" + owner, "/api/keys/" + id,
                "/api/keys/" + id + "/history", "/api/catalogue?owner=" + owner, "/api/openapi.json")) {
            assertThat(c.get(path).body()).as(path).doesNotContain(token.substring(token.length() - 20));
        }
    }

    @Test
    void whenAKeyAsksForWhatTheCatalogueDoesNotOfferThen422AndNothingIsIssued() throws Exception {
        String owner = owner("offer");
        Client c = admin(owner);
        JsonNode catalogue = c.get("/api/catalogue?owner=" + owner).json();
        assertThat(catalogue.path("scopes").get(2).path("description").asText()).isEqualTo("Manage users <and> settings");
        assertThat(catalogue.path("tiers").toString()).isEqualTo("[\"standard\",\"free\"]");

        List<Map<String, Object>> refused = List.of(
                Map.of("owner", owner, "name", "a", "scopes", List.of("*")),
                Map.of("owner", owner, "name", "b", "scopes", List.of("kb:*")),
                Map.of("owner", owner, "name", "c", "scopes", List.of("kb:read", "billing:write")),
                Map.of("owner", owner, "name", "d", "tier", "enterprise"),
                Map.of("owner", owner, "name", "e", "environment", "prod"));
        for (Map<String, Object> body : refused) {
            Client.Response r = c.post("/api/keys", body);
            assertThat(r.status()).as(body.toString()).isEqualTo(422);
            assertThat(r.json().path("type").asText()).isEqualTo("urn:keyvault:console:not-offered");
        }
        assertThat(keys.list(owner)).isEmpty();
    }

    @Test
    void whenTheCreateBodyIsHostileThenEachGetsAClearRefusalAndNothingIsIssued() throws Exception {
        String owner = owner("hostile");
        Client c = admin(owner);
        String ok = "{\"owner\":\"" + owner + "\",\"name\":\"ok\"";
        Map<String, Integer> bodies = new LinkedHashMap<>();
        bodies.put("", 400);
        bodies.put("not json", 400);
        bodies.put("[]", 400);
        bodies.put("null", 400);
        bodies.put("\"a string\"", 400);
        bodies.put(ok + ",\"owner2\":\"x\"}", 400);
        bodies.put(ok + ",\"name\":\"twice\"}", 400);
        bodies.put(ok + "} trailing", 400);
        bodies.put(ok + ",\"scopes\":\"kb:read\"}", 400);
        bodies.put(ok + ",\"scopes\":[[[[[[[[[[[[[[[[[[[[\"kb:read\"]]]]]]]]]]]]]]]]]]]]}", 400);
        bodies.put(ok + ",\"scopes\":[null]}", 422);
        bodies.put(ok + ",\"scopes\":[\"kb:read\",\"kb:read\"]}", 400);
        bodies.put(ok + ",\"expiresAt\":\"tomorrow\"}", 400);
        bodies.put(ok + ",\"expiresAt\":\"2000-01-01T00:00:00Z\"}", 400);
        bodies.put("{\"owner\":\"" + owner + "\",\"name\":\"" + "n".repeat(201) + "\"}", 400);
        bodies.put("{\"owner\":\"" + owner + "\",\"name\":\" padded \"}", 400);
        bodies.put("{\"owner\":\"" + owner + "\",\"name\":\"line\\nbreak\"}", 400);
        bodies.put("{\"owner\":\"" + owner + "\",\"name\":\"nul\\u0000\"}", 400);
        bodies.put("{\"owner\":\"" + owner + "\",\"name\":\"bidi\\u202eevil\"}", 400);
        bodies.put("{\"owner\":\"" + owner + "\",\"name\":\"\"}", 400);
        bodies.put("{\"owner\":\"" + owner + "\",\"name\":null}", 400);
        bodies.put("{\"owner\":\"" + owner + "\",\"name\":42}", 400);
        bodies.put("{\"owner\":\"" + owner + "\"}", 400);
        bodies.put("{\"name\":\"no owner\"}", 400);
        bodies.put("{\"owner\":\"" + owner + "\",\"name\":\"" + "x".repeat(20_000) + "\"}", 413);
        for (Map.Entry<String, Integer> e : bodies.entrySet()) {
            Client.Response r = c.post("/api/keys", e.getKey());
            assertThat(r.status()).as(e.getKey().length() > 80 ? e.getKey().substring(0, 80) : e.getKey()).isEqualTo(e.getValue());
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
            assertThat(r.body()).doesNotContain("Exception", "at dev.", "jackson");
        }
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                "application/json; charset=iso-8859-1", "application/jsonx")) {
            Client.Response r = c.send("POST", "/api/keys", ok + "}", Map.of("Content-Type", type, "X-CSRF-Token", c.csrfToken()));
            assertThat(r.status()).as(type).isEqualTo(415);
        }
        assertThat(keys.list(owner)).isEmpty();
    }

    @Test
    void whenANameIsTakenByAnActiveKeyThen409() throws Exception {
        String owner = owner("dup");
        Client c = admin(owner);
        create(c, owner, "Same");
        Client.Response r = c.post("/api/keys", Map.of("owner", owner, "name", "Same"));
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().path("type").asText()).isEqualTo("urn:keyvault:console:duplicate-name");
    }

    // ----------------------------------------------------------------------------------- rotation

    @Test
    void whenRotatedThenTheMissedConsumerShowsCompletionIsRefusedAndAllowedOnceTheOldKeyIsQuiet() throws Exception {
        String owner = owner("rot");
        Client c = admin(owner);
        JsonNode v1 = create(c, owner, "Sync", "kb:read", "kb:write");
        String v1Id = v1.path("key").path("id").asText();
        String v1Token = v1.path("token").asText();
        assertThat(call("GET", "/kb/a", v1Token, "nightly-sync")).isEqualTo(200);
        assertThat(call("POST", "/kb/a", v1Token, "editor-bot")).isEqualTo(201);

        clock.advance(Duration.ofHours(1));
        Client.Response rotated = c.post("/api/keys/" + v1Id + "/rotate", Map.of());
        assertThat(rotated.status()).isEqualTo(201);
        String v2Token = rotated.json().path("token").asText();
        tokens.add(v2Token);
        String v2Id = rotated.json().path("key").path("id").asText();
        assertThat(rotated.json().path("key").path("name").asText()).isEqualTo("Sync v2");
        assertThat(rotated.json().path("predecessor").path("rotation").asText()).isEqualTo("WINDOW_OPEN");
        assertThat(call("GET", "/kb/a", v1Token, "nightly-sync")).isEqualTo(200);
        assertThat(call("POST", "/kb/a", v1Token, "editor-bot")).isEqualTo(201);
        clock.advance(Duration.ofMinutes(30));
        assertThat(call("GET", "/kb/a", v2Token, "nightly-sync")).isEqualTo(200);

        JsonNode status = c.get("/api/keys/" + v2Id + "/rotation").json(); // from the new key's id too
        assertThat(status.path("state").asText()).isEqualTo("OPEN");
        assertThat(status.path("safeToRevoke").asBoolean()).isFalse();
        Map<String, JsonNode> clients = new LinkedHashMap<>();
        status.path("clients").forEach(cl -> clients.put(cl.path("client").asText(), cl));
        assertThat(clients.get("editor-bot").path("migrated").asBoolean()).isFalse();
        assertThat(clients.get("editor-bot").path("blocking").asBoolean()).isTrue();
        assertThat(clients.get("nightly-sync").path("migrated").asBoolean()).isTrue();
        assertThat(status.path("chart").path("hours").size()).isEqualTo(48);
        long oldSum = 0;
        long newSum = 0;
        for (JsonNode h : status.path("chart").path("hours")) {
            oldSum += h.path("oldKey").asLong();
            newSum += h.path("newKey").asLong();
        }
        assertThat(oldSum).isEqualTo(4);
        assertThat(newSum).isEqualTo(1);

        Client.Response refused = c.post("/api/keys/" + v1Id + "/rotation/complete", Map.of());
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().path("type").asText()).isEqualTo("urn:keyvault:console:rotation-not-safe");
        assertThat(refused.json().path("blockingClients").get(0).path("client").asText()).isEqualTo("editor-bot");
        assertThat(keys.get(v1Id).orElseThrow().status()).isEqualTo(KeyStatus.ACTIVE);

        assertThat(call("POST", "/kb/a", v2Token, "editor-bot")).isEqualTo(201);
        clock.advance(Duration.ofHours(25));
        assertThat(call("GET", "/kb/a", v2Token, "nightly-sync")).isEqualTo(200);
        JsonNode safe = c.get("/api/keys/" + v1Id + "/rotation").json();
        assertThat(safe.path("state").asText()).isEqualTo("SAFE_TO_COMPLETE");
        assertThat(safe.path("quietRemaining").asText()).isEqualTo("PT0S");
        Client.Response done = c.post("/api/keys/" + v1Id + "/rotation/complete", Map.of("force", false));
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.json().path("outcome").asText()).isEqualTo("COMPLETED");
        assertThat(call("GET", "/kb/a", v1Token, "forgotten-cron")).isEqualTo(401);
        assertThat(call("GET", "/kb/a", v2Token, "nightly-sync")).isEqualTo(200);

        JsonNode after = c.get("/api/keys/" + v1Id + "/rotation").json();
        assertThat(after.path("state").asText()).isEqualTo("COMPLETED");
        Client.Response again = c.post("/api/keys/" + v1Id + "/rotation/complete", Map.of());
        assertThat(again.json().path("outcome").asText()).isEqualTo("ALREADY_COMPLETED");
        Client.Response twice = c.post("/api/keys/" + v1Id + "/rotate", Map.of());
        assertThat(twice.status()).isEqualTo(409);
        JsonNode plain = create(c, owner, "Never rotated");
        Client.Response notRotating = c.get("/api/keys/" + plain.path("key").path("id").asText() + "/rotation");
        assertThat(notRotating.status()).isEqualTo(409);
        assertThat(notRotating.json().path("type").asText()).isEqualTo("urn:keyvault:console:not-in-rotation");
    }

    @Test
    void whenForcedThenAReasonIsRequiredAndRecordedWithWhoWasCutOff() throws Exception {
        String owner = owner("force");
        Client c = admin(owner);
        JsonNode v1 = create(c, owner, "Cron", "kb:read");
        String v1Id = v1.path("key").path("id").asText();
        call("GET", "/kb/a", v1.path("token").asText(), "old-cron");
        tokens.add(c.post("/api/keys/" + v1Id + "/rotate", Map.of("reason", "quarterly")).json().path("token").asText());
        call("GET", "/kb/a", v1.path("token").asText(), "old-cron");

        assertThat(c.post("/api/keys/" + v1Id + "/rotation/complete", Map.of("force", true)).status()).isEqualTo(400);
        assertThat(c.post("/api/keys/" + v1Id + "/rotation/complete", Map.of("force", true, "reason", " ")).status()).isEqualTo(400);
        assertThat(c.post("/api/keys/" + v1Id + "/rotation/complete", Map.of("reason", "no force")).status()).isEqualTo(400);
        Client.Response forced = c.post("/api/keys/" + v1Id + "/rotation/complete", Map.of("force", true, "reason", "vendor confirmed"));
        assertThat(forced.status()).isEqualTo(200);
        assertThat(forced.json().path("outcome").asText()).isEqualTo("FORCED");
        assertThat(forced.json().path("blockingClients").get(0).path("client").asText()).isEqualTo("old-cron");
        assertThat(keys.history(v1Id)).extracting(KeyEvent::detail).anyMatch(d -> d.contains("vendor confirmed"));
        assertThat(call("GET", "/kb/a", v1.path("token").asText(), "old-cron")).isEqualTo(401);
    }

    // ------------------------------------------------------------------------------------- revoke

    @Test
    void whenRevokedThenTheTypedNameMustMatchAndTheKeyGets401ForGood() throws Exception {
        String owner = owner("rev");
        Client c = admin(owner);
        JsonNode k = create(c, owner, "Reporting (read-only)", "kb:read");
        String id = k.path("key").path("id").asText();
        assertThat(call("GET", "/kb/r", k.path("token").asText(), "reports")).isEqualTo(200);

        for (Object wrong : new Object[] {"reporting (read-only)", "Reporting", "Reporting (read-only) ", ""}) {
            Client.Response r = c.post("/api/keys/" + id + "/revoke", Map.of("confirmName", wrong));
            assertThat(r.status()).as(String.valueOf(wrong)).isEqualTo(422);
            assertThat(r.json().path("type").asText()).isEqualTo("urn:keyvault:console:confirmation-mismatch");
        }
        assertThat(c.post("/api/keys/" + id + "/revoke", Map.of()).status()).isEqualTo(422);
        assertThat(call("GET", "/kb/r", k.path("token").asText(), "reports")).isEqualTo(200);

        Client.Response r = c.post("/api/keys/" + id + "/revoke", Map.of("confirmName", "Reporting (read-only)", "reason", "replaced by v2"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("outcome").asText()).isEqualTo("REVOKED");
        assertThat(r.json().path("key").path("revocation").path("actor").asText()).isEqualTo(owner + "@admin");
        assertThat(call("GET", "/kb/r", k.path("token").asText(), "reports")).isEqualTo(401);
        assertThat(c.post("/api/keys/" + id + "/revoke", Map.of("confirmName", "Reporting (read-only)")).status()).isEqualTo(409);
        JsonNode history = c.get("/api/keys/" + id + "/history").json();
        assertThat(history.path("events").get(history.path("events").size() - 1).path("type").asText()).isEqualTo("REVOKED");
        assertThat(c.get("/api/keys?owner=" + owner + "&status=revoked").json().path("items").get(0).path("id").asText()).isEqualTo(id);
        assertThat(c.get("/api/keys?owner=" + owner + "&status=active").json().path("items").size()).isZero();
    }

    // ----------------------------------------------------------------------------------- operator

    @Test
    void whenAnOperatorHandlesALeakThenRevokedFirstReplacedAndTheAuditShowsTheSpikeNewAddressAnd403s() throws Exception {
        String owner = owner("leak");
        Client c = admin(owner);
        JsonNode leaked = create(c, owner, "Ops Console", "kb:read", "kb:write");
        String id = leaked.path("key").path("id").asText();
        String token = leaked.path("token").asText();
        // a normal week: a few requests an hour from the usual client
        for (int hour = 0; hour < 30; hour++) {
            call("GET", "/kb/a", token, "nightly-sync");
            clock.advance(Duration.ofHours(1));
        }
        // the attacker's hour: a burst and attempts at the admin API
        for (int i = 0; i < 40; i++) {
            call("GET", "/kb/articles/" + i, token, "attacker");
        }
        for (int i = 0; i < 4; i++) {
            assertThat(call("DELETE", "/kb/admin/users/" + i, token, "attacker")).isEqualTo(403);
        }
        clock.advance(Duration.ofMinutes(10));
        Client olga = as("olga@ops");
        assertThat(olga.post("/api/operator/keys/" + id + "/emergency-rotation", Map.of("reason", "leaked", "confirmName", "ops console"))
                .status()).isEqualTo(422);
        Client.Response er = olga.post("/api/operator/keys/" + id + "/emergency-rotation",
                Map.of("reason", "posted in https://gist.github.com/someone/0123abcd (source: github-secret-scanning)", "confirmName", "Ops Console"));
        assertThat(er.status()).isEqualTo(201);
        tokens.add(er.json().path("token").asText());
        assertThat(er.json().path("revocationOutcome").asText()).isEqualTo("REVOKED");
        assertThat(er.json().path("revoked").path("compromised").asBoolean()).isTrue();
        assertThat(er.json().path("newReplacement").asBoolean()).isTrue();
        assertThat(call("GET", "/kb/a", token, "attacker")).isEqualTo(401);
        assertThat(call("GET", "/kb/a", er.json().path("token").asText(), "nightly-sync")).isEqualTo(200);
        JsonNode audit = er.json().path("audit");
        assertThat(audit.path("totalRequests").asLong()).isEqualTo(30 + 44);
        assertThat(audit.path("hours").findValues("spike")).anyMatch(JsonNode::asBoolean);
        assertThat(audit.path("refusedForScope").asLong()).isEqualTo(4);

        call("GET", "/kb/b", token, "attacker");
        call("GET", "/kb/b", token, "attacker");
        JsonNode later = olga.get("/api/operator/keys/" + id + "/audit?from=" + clock.instant().minus(Duration.ofHours(3))).json();
        assertThat(later.path("requestsAfterRevocation").asLong()).isEqualTo(3);
        assertThat(later.path("afterRevocation").get(0).path("client").asText()).isEqualTo("attacker");
        JsonNode endpoints = later.path("endpoints");
        assertThat(endpoints.findValues("refusedForScope")).anyMatch(n -> n.asLong() == 4);
        JsonNode detail = c.get("/api/keys/" + id).json();
        assertThat(detail.path("leak").path("reportUrl").asText()).isEqualTo("https://gist.github.com/someone/0123abcd");
        assertThat(detail.path("leak").path("source").asText()).isEqualTo("github-secret-scanning");
        for (String bad : List.of("from=yesterday", "from=2026-01-01T00:00:00Z", "from=2026-06-05T00:00:00Z&to=2026-06-01T00:00:00Z")) {
            assertThat(olga.get("/api/operator/keys/" + id + "/audit?" + bad).status()).as(bad).isEqualTo(400);
        }
    }

    @Test
    void whenAScannerReportsALeakThenTheKeyShowsTheReportUrlAndSourceWhetherOrNotItIsRevoked() throws Exception {
        String owner = owner("scanned");
        Client c = admin(owner);
        JsonNode k = create(c, owner, "Found in a repo", "kb:read");
        String id = k.path("key").path("id").asText();
        keys.rotation().reportLeak(id, "https://github.com/acme/app/blob/1a2b/config.yml (GitHub secret scanning, source: content)",
                "secret-scanning");
        JsonNode flagged = c.get("/api/keys/" + id).json();
        assertThat(flagged.path("key").path("status").asText()).isEqualTo("ACTIVE");
        assertThat(flagged.path("key").path("compromised").asBoolean()).isTrue();
        assertThat(flagged.path("leak").path("recordedAs").asText()).isEqualTo("LEAK_REPORTED");
        assertThat(flagged.path("leak").path("reportUrl").asText()).isEqualTo("https://github.com/acme/app/blob/1a2b/config.yml");
        assertThat(flagged.path("leak").path("source").asText()).isEqualTo("content");
        assertThat(c.post("/api/keys/" + id + "/revoke", Map.of("confirmName", "Found in a repo", "reason", "leaked")).status()).isEqualTo(200);
        assertThat(c.get("/api/keys/" + id).json().path("leak").path("reportUrl").asText())
                .isEqualTo("https://github.com/acme/app/blob/1a2b/config.yml");
        assertThat(c.get("/api/keys?owner=" + owner).json().path("items").get(0).path("compromised").asBoolean()).isTrue();
    }

    @Test
    void whenALeakReportUrlIsNotHttpThenItIsNotOfferedAsALink() throws Exception {
        String owner = owner("jsleak");
        Client c = admin(owner);
        String id = create(c, owner, "K").path("key").path("id").asText();
        Client.Response er = as("olga@ops").post("/api/operator/keys/" + id + "/emergency-rotation",
                Map.of("reason", "found at javascript:alert(document.domain) and data:text/html,x", "confirmName", "K"));
        tokens.add(er.json().path("token").asText());
        JsonNode leak = c.get("/api/keys/" + id).json().path("leak");
        assertThat(leak.path("recordedAs").asText()).isIn("COMPROMISED", "REVOKED");
        assertThat(leak.path("reportUrl").isNull()).isTrue();
    }

    @Test
    void whenAnOperatorLooksAtDueComplianceAndEveryOwnerThenTheyAreListed() throws Exception {
        String owner = owner("ops");
        Client c = admin(owner);
        String full = create(c, owner, "Everything", "kb:read", "kb:write", "kb:admin").path("key").path("id").asText();
        String read = create(c, owner, "Read only", "kb:read").path("key").path("id").asText();
        String writer = create(c, owner, "Writer", "kb:write").path("key").path("id").asText();
        Client olga = as("olga@ops");

        JsonNode all = olga.get("/api/operator/keys?owner=" + owner).json();
        assertThat(all.path("items").findValuesAsText("id")).containsExactlyInAnyOrder(full, read, writer);
        assertThat(olga.get("/api/operator/keys?status=active&environment=production&limit=1").json().path("items").size()).isEqualTo(1);
        assertThat(olga.get("/api/operator/keys?tag=team:none").json().path("items").size()).isZero();

        clock.advance(Duration.ofDays(200));
        {
            JsonNode due = olga.get("/api/operator/due?limit=200").json();
            assertThat(due.path("counts").path("overdue").asInt()).isPositive();
            List<String> dueIds = due.path("items").findValuesAsText("id");
            assertThat(dueIds).contains(full, writer).doesNotContain(read);
            List<String> dates = new ArrayList<>();
            due.path("items").forEach(d -> dates.add(d.path("dueAt").asText()));
            assertThat(dates).isSorted();
            JsonNode first = olga.get("/api/operator/due?limit=1").json();
            String next = first.path("next").asText();
            JsonNode second = olga.get("/api/operator/due?limit=1&after=" + next).json();
            assertThat(second.path("items").get(0).path("key").path("id").asText())
                    .isNotEqualTo(first.path("items").get(0).path("key").path("id").asText());
            assertThat(olga.get("/api/operator/due?after=garbage").status()).isEqualTo(400);

            JsonNode report = olga.get("/api/operator/compliance?maxAge=P90D&owner=" + owner).json();
            assertThat(report.path("compliant").asBoolean()).isFalse();
            assertThat(report.path("keysChecked").asInt()).isEqualTo(3);
            assertThat(report.path("findings").findValuesAsText("id")).contains(full, read);
            assertThat(olga.get("/api/operator/compliance?maxAge=soon").status()).isEqualTo(400);
            assertThat(olga.get("/api/operator/compliance?maxAge=-P1D").status()).isEqualTo(400);
            assertThat(olga.get("/api/operator/compliance?environment=production").json().path("filter").path("environment").asText())
                    .isEqualTo("production");
        }
    }

    @Test
    void whenAnOwnerIsOffboardedThenTheDryRunPreviewsAndTheRealRunMustMatchIt() throws Exception {
        String owner = owner("offboard");
        Client c = admin(owner);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(create(c, owner, "Key " + i).path("key").path("id").asText());
        }
        Client olga = as("olga@ops");
        JsonNode dry = olga.post("/api/operator/revoke-all", Map.of("owner", owner, "reason", "account closed")).json();
        assertThat(dry.path("dryRun").asBoolean()).isTrue();
        assertThat(dry.path("selected").asInt()).isEqualTo(3);
        assertThat(dry.path("entries").findValuesAsText("outcome")).containsOnly("WOULD_REVOKE");
        assertThat(keys.list(owner)).allMatch(ApiKey::isActive);

        assertThat(olga.post("/api/operator/revoke-all", Map.of("owner", owner, "reason", "x", "dryRun", false)).status()).isEqualTo(400);
        Client.Response changed = olga.post("/api/operator/revoke-all",
                Map.of("owner", owner, "reason", "account closed", "dryRun", false, "expectedCount", 2));
        assertThat(changed.status()).isEqualTo(409);
        assertThat(changed.json().path("selected").asInt()).isEqualTo(3);
        assertThat(olga.post("/api/operator/revoke-all", Map.of("reason", "everything")).status()).isEqualTo(400);
        assertThat(olga.post("/api/operator/revoke-all", Map.of("owner", owner)).status()).isEqualTo(400);

        JsonNode done = olga.post("/api/operator/revoke-all",
                Map.of("owner", owner, "reason", "account closed", "dryRun", false, "expectedCount", 3)).json();
        assertThat(done.path("revoked").asInt()).isEqualTo(3);
        assertThat(keys.list(owner)).noneMatch(ApiKey::isActive);
    }

    @Test
    void whenASelfServiceUserCallsOperatorEndpointsThen403AndNothingChanges() throws Exception {
        String owner = owner("notops");
        Client c = admin(owner);
        String id = create(c, owner, "Mine").path("key").path("id").asText();
        for (String path : List.of("/api/operator/keys", "/api/operator/due", "/api/operator/compliance", "/api/operator/keys/" + id + "/audit")) {
            assertThat(c.get(path).status()).as(path).isEqualTo(403);
        }
        assertThat(c.post("/api/operator/keys/" + id + "/emergency-rotation", Map.of("reason", "x", "confirmName", "Mine")).status())
                .isEqualTo(403);
        assertThat(c.post("/api/operator/revoke-all", Map.of("owner", owner, "reason", "x", "dryRun", false, "expectedCount", 1)).status())
                .isEqualTo(403);
        assertThat(keys.get(id).orElseThrow().isActive()).isTrue();
    }

    /**
     * Every refusal the console sends before it reads a body (401, 403 for CSRF and for operators,
     * 404, 405, 415, the firewall's 400) must leave the connection usable for the client's next
     * request: a body left unread makes the container close the connection silently under a client
     * that is already reusing it, which then fails with no response at all. A body the console could
     * take is read and dropped, sent with its head or after it, plain or chunked; a larger one is not
     * read and the refusal says {@code Connection: close}. Tomcat ends the connection after any 400,
     * and says so.
     */
    @Test
    void whenARequestIsRefusedBeforeItsBodyIsReadThenTheConnectionServesTheNextRequestOrSaysItCloses() throws Exception {
        String owner = owner("keepalive");
        String cookie;
        String csrfHeader;
        String csrfToken;
        try (RawConnection login = new RawConnection(server.port())) {
            login.head("GET", "/login?user=" + owner + "@admin", Map.of());
            RawConnection.Response r = login.read().orElseThrow();
            assertThat(r.status()).isEqualTo(302);
            cookie = r.headers().get("set-cookie").split(";")[0];
            login.head("GET", ConsoleApp.MOUNT + "/api/session", Map.of("Cookie", cookie));
            JsonNode session = Client.JSON.readTree(login.read().orElseThrow().body());
            csrfHeader = session.path("csrf").path("header").asText();
            csrfToken = session.path("csrf").path("token").asText();
        }
        Map<String, String> anonymous = Map.of("Content-Type", "application/json");
        Map<String, String> noCsrf = Map.of("Content-Type", "application/json", "Cookie", cookie);
        Map<String, String> signed = Map.of("Content-Type", "application/json", "Cookie", cookie, csrfHeader, csrfToken);
        record Refusal(String path, Map<String, String> headers, int status) {}
        List<Refusal> refusals = List.of(
                new Refusal("/api/keys", anonymous, 401),
                new Refusal("/api/keys", noCsrf, 403),
                new Refusal("/api/operator/revoke-all", signed, 403),
                new Refusal("/api/nothing-here", signed, 404),
                new Refusal("/api/session", signed, 405),
                new Refusal("/api/keys", Map.of("Content-Type", "text/plain", "Cookie", cookie, csrfHeader, csrfToken), 415),
                new Refusal("/api/keys;a=b", signed, 400));
        byte[] small = ("{\"owner\":\"" + owner + "\",\"reason\":\"" + "x".repeat(200) + "\"}").getBytes(StandardCharsets.UTF_8);
        byte[] large = ("{\"owner\":\"" + owner + "\",\"reason\":\"" + "x".repeat(12_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        for (Refusal refusal : refusals) {
            for (RawConnection.Sending sending : RawConnection.Sending.values()) {
                // a small body with its head; a large one after it, plain or chunked
                String what = refusal + ", body " + sending;
                try (RawConnection c = new RawConnection(server.port())) {
                    c.send("POST", ConsoleApp.MOUNT + refusal.path(), refusal.headers(),
                            sending == RawConnection.Sending.WITH_HEAD ? small : large, sending);
                    RawConnection.Response first = c.read().orElseThrow();
                    assertThat(first.status()).as(what).isEqualTo(refusal.status());
                    if (first.closes()) {
                        assertThat(first.status()).as(what + ": only Tomcat ends a connection, after a 400, and says so").isEqualTo(400);
                        continue;
                    }
                    c.head("GET", ConsoleApp.MOUNT + "/api/session", Map.of("Cookie", cookie));
                    assertThat(c.read()).as("the next request on the connection after " + what)
                            .hasValueSatisfying(next -> assertThat(next.status()).isEqualTo(200));
                }
            }
        }
        // A body larger than any the console takes is not read: the refusal says the connection ends.
        try (RawConnection c = new RawConnection(server.port())) {
            c.head("POST", ConsoleApp.MOUNT + "/api/keys", Map.of("Content-Type", "application/json", "Content-Length", "400000"));
            RawConnection.Response r = c.read().orElseThrow();
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.closes()).isTrue();
        }
    }

    // ---------------------------------------------------------------------------- owner isolation

    @Test
    void whenIdsOfAnotherOwnerAreSwappedIntoUrlsAndBodiesThenNothingIsReadOrChanged() throws Exception {
        String acme = owner("iso-acme");
        String globex = owner("iso-globex");
        Client alice = admin(acme);
        Client bob = admin(globex);
        JsonNode v1 = create(alice, acme, "Acme secret key", "kb:read");
        String aliceKey = v1.path("key").path("id").asText();
        tokens.add(alice.post("/api/keys/" + aliceKey + "/rotate", Map.of()).json().path("token").asText());
        String aliceV2 = keys.get(aliceKey).orElseThrow().successorId().orElseThrow();
        String bobKey = create(bob, globex, "Globex key").path("key").path("id").asText();
        List<KeyEvent> before = keys.history(aliceKey);

        for (String id : List.of(aliceKey, aliceV2)) {
            for (String path : List.of("/api/keys/" + id, "/api/keys/" + id + "/history", "/api/keys/" + id + "/rotation")) {
                Client.Response r = bob.get(path);
                assertThat(r.status()).as(path).isEqualTo(404);
                assertThat(r.body()).doesNotContain("Acme secret key", acme);
            }
            assertThat(bob.post("/api/keys/" + id + "/rotate", Map.of()).status()).isEqualTo(404);
            assertThat(bob.post("/api/keys/" + id + "/rotation/complete", Map.of("force", true, "reason", "x")).status()).isEqualTo(404);
            assertThat(bob.post("/api/keys/" + id + "/revoke", Map.of("confirmName", "Acme secret key")).status()).isEqualTo(404);
        }
        // an unknown id answers exactly like a foreign one
        Client.Response unknown = bob.get("/api/keys/AAAAAAAAAAAA");
        Client.Response foreign = bob.get("/api/keys/" + aliceKey);
        assertThat(foreign.body()).isEqualTo(unknown.body());
        for (String q : List.of("?owner=" + acme, "?owner=" + acme + "&status=active", "?owner=" + globex + "&owner=" + acme)) {
            assertThat(bob.get("/api/keys" + q).status()).as(q).isIn(400, 403);
            assertThat(bob.get("/api/catalogue" + q).status()).as(q).isIn(400, 403);
        }
        assertThat(bob.post("/api/keys", Map.of("owner", acme, "name", "planted")).status()).isEqualTo(403);
        assertThat(bob.post("/api/keys", "{\"owner\":\"" + globex + "\",\"name\":\"x\",\"id\":\"" + aliceKey + "\"}").status()).isEqualTo(400);
        // bob's own key next to alice's path segments
        assertThat(bob.post("/api/keys/" + bobKey + "/revoke", Map.of("confirmName", "Acme secret key")).status()).isEqualTo(422);

        assertThat(keys.get(aliceKey).orElseThrow().isActive()).isTrue();
        assertThat(keys.get(aliceV2).orElseThrow().isActive()).isTrue();
        assertThat(keys.list(acme)).hasSize(2);
        assertThat(keys.history(aliceKey)).isEqualTo(before);
        assertThat(alice.get("/api/keys/" + bobKey).status()).isEqualTo(404);
    }

    // ---------------------------------------------------------------------------------------- CSRF

    @Test
    void whenTheCsrfTokenIsMissingWrongAnotherUsersExpiredOrTheRequestCrossSiteThen403AndNothingIsIssued() throws Exception {
        String owner = owner("csrf");
        Client alice = admin(owner);
        Client other = admin(owner("csrf-other"));
        String body = "{\"owner\":\"" + owner + "\",\"name\":\"forged\"}";
        String good = alice.csrfToken();
        List<Map<String, String>> forged = List.of(
                Map.of("Content-Type", "application/json"),
                Map.of("Content-Type", "application/json", "X-CSRF-Token", ""),
                Map.of("Content-Type", "application/json", "X-CSRF-Token", "garbage"),
                Map.of("Content-Type", "application/json", "X-CSRF-Token", good + "x"),
                Map.of("Content-Type", "application/json", "X-CSRF-Token", good.replace('.', '_')),
                Map.of("Content-Type", "application/json", "X-CSRF-Token", "a".repeat(5000)),
                Map.of("Content-Type", "application/json", "X-CSRF-Token", other.csrfToken()),
                Map.of("Content-Type", "application/json", "X-CSRF-Token", good, "Origin", "https://evil.example"),
                Map.of("Content-Type", "application/json", "X-CSRF-Token", good, "Origin", "null"),
                Map.of("Content-Type", "application/json", "X-CSRF-Token", good, "Sec-Fetch-Site", "cross-site"),
                Map.of("Content-Type", "application/json", "X-CSRF-Token", good, "Sec-Fetch-Site", "same-site"));
        for (Map<String, String> headers : forged) {
            Client.Response r = alice.send("POST", "/api/keys", body, headers);
            assertThat(r.status()).as(headers.toString()).isEqualTo(403);
            assertThat(r.json().path("type").asText()).isEqualTo("urn:keyvault:console:csrf");
        }
        assertThat(keys.list(owner)).isEmpty();

        // the same token, valid: same-origin and no-Origin requests pass; then it expires after 12 hours
        Client.Response ok = alice.send("POST", "/api/keys", body, Map.of("Content-Type", "application/json", "X-CSRF-Token", good,
                "Origin", "http://127.0.0.1:" + server.port(), "Sec-Fetch-Site", "same-origin"));
        assertThat(ok.status()).isEqualTo(201);
        tokens.add(ok.json().path("token").asText());
        clock.advance(Duration.ofHours(13));
        Client.Response expired = alice.send("POST", "/api/keys", "{\"owner\":\"" + owner + "\",\"name\":\"late\"}",
                Map.of("Content-Type", "application/json", "X-CSRF-Token", good));
        assertThat(expired.status()).isEqualTo(403);
        assertThat(keys.list(owner)).hasSize(1);
    }

    // ----------------------------------------------------------------------------------- policies

    /** The key as each view shows it: the owner's list, its detail, and the operator's list. */
    private List<JsonNode> everyView(Client self, Client operator, String owner, String id) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (Client.Response r : List.of(self.get("/api/keys?owner=" + owner + "&limit=200"),
                operator.get("/api/operator/keys?owner=" + owner + "&limit=200"))) {
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode found = null;
            for (JsonNode k : r.json().path("items")) {
                if (k.path("id").asText().equals(id)) {
                    found = k;
                }
            }
            assertThat(found).as("key %s in a list", id).isNotNull();
            out.add(found);
        }
        Client.Response detail = self.get("/api/keys/" + id);
        assertThat(detail.status()).isEqualTo(200);
        out.add(detail.json().path("key"));
        return out;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    /** An object of strings, in the order the JSON has it. */
    private static Map<String, String> stringMap(JsonNode object) {
        Map<String, String> out = new LinkedHashMap<>();
        object.fields().forEachRemaining(e -> {
            assertThat(e.getValue().isTextual()).as("metadata value of %s is a JSON string", e.getKey()).isTrue();
            out.put(e.getKey(), e.getValue().asText());
        });
        return out;
    }

    @Test
    void whenAKeyHasAnAllowlistMetadataAndCreditsThenEveryViewShowsThemExactlyAndAPlainKeyShowsNone() throws Exception {
        String owner = owner("policies");
        Client c = admin(owner);
        Client olga = as("olga@ops");
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("plan", "pro");
        metadata.put("customer.id", "cus_4711");
        for (int i = 0; i < XSS.size(); i++) {
            metadata.put("xss" + i, XSS.get(i));
        }
        CreditRefill refill = CreditRefill.daily(LocalTime.of(6, 30), 500);
        IssuedKey issued = keys.issue(KeySpec.builder(owner, "With policies").scopes("kb:read").tier("standard")
                .environment("production").ipAllowlist("203.0.113.0/24", "2001:DB8:0:0::/32", "198.51.100.7")
                .metadata(metadata).credits(Credits.of(500).withRefill(refill)).actor(owner + "@admin").build());
        String id = issued.id();
        // a verification from an allowed address spends 3 credits from a lease this server took
        assertThat(keys.verify(VerificationRequest.of(issued.token()).withClientAddress("203.0.113.9").withCost(3)).isVerified()).isTrue();
        String plain = create(c, owner, "Plain", "kb:read").path("key").path("id").asText();

        for (JsonNode k : everyView(c, olga, owner, id)) {
            assertThat(texts(k.path("ipAllowlist"))).containsExactly("203.0.113.0/24", "2001:db8::/32", "198.51.100.7/32");
            Map<String, String> shown = stringMap(k.path("metadata"));
            assertThat(shown).isEqualTo(metadata);
            assertThat(shown.keySet()).containsExactlyElementsOf(new TreeMap<>(metadata).keySet());
            JsonNode credits = k.path("credits");
            assertThat(credits.path("account").asText()).isEqualTo(id);
            assertThat(credits.path("inStore").asLong() + credits.path("leasedHere").asLong()).isEqualTo(497);
            assertThat(credits.path("leasedHere").asLong()).isPositive();
            assertThat(credits.path("refill").asText()).isEqualTo("daily@06:30:500");
            assertThat(Instant.parse(credits.path("nextRefillAt").asText())).isEqualTo(refill.nextAfter(clock.instant()).orElseThrow());
        }
        for (JsonNode k : everyView(c, olga, owner, plain)) {
            assertThat(k.path("ipAllowlist").isArray()).isTrue();
            assertThat(k.path("ipAllowlist").size()).isZero();
            assertThat(k.path("metadata").isObject()).isTrue();
            assertThat(k.path("metadata").size()).isZero();
            assertThat(k.has("credits")).isTrue();
            assertThat(k.path("credits").isNull()).isTrue();
        }
    }

    @Test
    void whenAKeyIsChangedInPlaceThenTheNextReadShowsItAndTheHistoryHasUpdatedAndScopesWidened() throws Exception {
        String owner = owner("update");
        Client c = admin(owner);
        Client olga = as("olga@ops");
        String id = create(c, owner, "Changes", "kb:read").path("key").path("id").asText();
        String evil = XSS.get(0);
        for (JsonNode k : everyView(c, olga, owner, id)) {
            assertThat(k.path("credits").isNull()).isTrue();
        }

        keys.update(id, KeyUpdate.builder().ipAllowlist(IpAllowlist.of("10.0.0.0/8")).metadata(Map.of("plan", "enterprise", "note", evil))
                .credits(Credits.of(40).withRefill(CreditRefill.monthly(1, 40))).actor("olga@ops").build());
        for (JsonNode k : everyView(c, olga, owner, id)) {
            assertThat(texts(k.path("ipAllowlist"))).containsExactly("10.0.0.0/8");
            assertThat(stringMap(k.path("metadata"))).containsExactly(Map.entry("note", evil), Map.entry("plan", "enterprise"));
            assertThat(k.path("credits").path("inStore").asLong()).isEqualTo(40);
            assertThat(k.path("credits").path("leasedHere").asLong()).isZero();
            assertThat(k.path("credits").path("refill").asText()).isEqualTo("monthly@1:40");
            assertThat(k.path("scopes").size()).isEqualTo(1);
        }

        keys.update(id, KeyUpdate.builder().scopes("kb:read", "kb:write").ipAllowlist(IpAllowlist.none()).metadata(Map.of())
                .removeCredits().actor("olga@ops").build());
        for (JsonNode k : everyView(c, olga, owner, id)) {
            assertThat(texts(k.path("scopes"))).containsExactlyInAnyOrder("kb:read", "kb:write");
            assertThat(k.path("ipAllowlist").size()).isZero();
            assertThat(k.path("metadata").size()).isZero();
            assertThat(k.path("credits").isNull()).isTrue();
        }

        JsonNode history = c.get("/api/keys/" + id + "/history").json();
        List<String> types = history.path("events").findValuesAsText("type");
        assertThat(types).contains(KeyEventType.UPDATED.name(), KeyEventType.SCOPES_WIDENED.name());
        assertThat(types).containsExactlyElementsOf(keys.history(id).stream().map(e -> e.type().name()).toList());
        for (JsonNode e : history.path("events")) {
            if (!e.path("type").asText().equals("ISSUED")) {
                assertThat(e.path("actor").asText()).isEqualTo("olga@ops");
            }
        }
        assertThat(history.path("events").findValuesAsText("detail")).anyMatch(d -> d.contains("10.0.0.0/8"));
    }

    @Test
    void whenRotatedThenTheSuccessorShowsThePredecessorsPoliciesAndSharesItsCreditBalance() throws Exception {
        String owner = owner("chain");
        Client c = admin(owner);
        Client olga = as("olga@ops");
        IssuedKey v1 = keys.issue(KeySpec.builder(owner, "Chain").scopes("kb:read").tier("standard").environment("production")
                .ipAllowlist("192.0.2.0/24").metadata(Map.of("plan", "pro")).credits(Credits.of(100)).build());
        Client.Response rotated = c.post("/api/keys/" + v1.id() + "/rotate", Map.of());
        assertThat(rotated.status()).isEqualTo(201);
        tokens.add(rotated.json().path("token").asText());
        String v2 = rotated.json().path("key").path("id").asText();
        for (JsonNode k : List.of(rotated.json().path("key"), rotated.json().path("predecessor"))) {
            assertThat(texts(k.path("ipAllowlist"))).containsExactly("192.0.2.0/24");
            assertThat(k.path("credits").path("account").asText()).isEqualTo(v1.id());
            assertThat(k.path("credits").path("inStore").asLong()).isEqualTo(100);
            assertThat(k.path("credits").path("refill").asText()).isEqualTo("none");
            assertThat(k.path("credits").path("nextRefillAt").isNull()).isTrue();
        }
        for (JsonNode k : everyView(c, olga, owner, v2)) {
            assertThat(stringMap(k.path("metadata"))).containsExactly(Map.entry("plan", "pro"));
            assertThat(k.path("credits").path("account").asText()).isEqualTo(v1.id());
        }
        JsonNode rotation = c.get("/api/keys/" + v1.id() + "/rotation").json();
        assertThat(rotation.path("successor").path("credits").path("account").asText()).isEqualTo(v1.id());
    }

    @Test
    void whenAKeyIsGeneratedWithAnAllowlistAndMetadataThenItIsKeptCanonicalAndRefusedFromOutside() throws Exception {
        String owner = owner("allow");
        Client olga = as("olga@ops");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("owner", owner);
        body.put("name", "Partner feed");
        body.put("scopes", List.of("kb:read"));
        body.put("ipAllowlist", List.of("203.0.113.0/24", "2001:DB8::/32", "203.0.113.0/24"));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("plan", "pro");
        metadata.put("xss", XSS.get(1));
        body.put("metadata", metadata);
        Client.Response r = olga.post("/api/keys", body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String token = r.json().path("token").asText();
        tokens.add(token);
        String id = r.json().path("key").path("id").asText();
        for (JsonNode k : List.of(r.json().path("key"), olga.get("/api/keys/" + id).json().path("key"))) {
            assertThat(texts(k.path("ipAllowlist"))).containsExactly("203.0.113.0/24", "2001:db8::/32");
            assertThat(stringMap(k.path("metadata"))).containsExactly(Map.entry("plan", "pro"), Map.entry("xss", XSS.get(1)));
            assertThat(k.path("credits").isNull()).isTrue();
        }
        assertThat(keys.get(id).orElseThrow().ipAllowlist()).isEqualTo(IpAllowlist.of("203.0.113.0/24", "2001:db8::/32"));
        assertThat(keys.verify(VerificationRequest.of(token).withClientAddress("203.0.113.77")).isVerified()).isTrue();
        assertThat(keys.verify(VerificationRequest.of(token).withClientAddress("198.51.100.1")))
                .isInstanceOfSatisfying(VerificationResult.Rejected.class, rj -> assertThat(rj.reason()).isEqualTo(RejectionReason.IP_NOT_ALLOWED));

        // an owner's own user may narrow where a key works, but not label it: a host may act on metadata
        Client self = admin(owner);
        Map<String, Object> own = new LinkedHashMap<>(body);
        own.put("name", "Own with allowlist");
        own.remove("metadata");
        Client.Response allowed = self.post("/api/keys", own);
        assertThat(allowed.status()).as(allowed.body()).isEqualTo(201);
        tokens.add(allowed.json().path("token").asText());
        own.put("name", "Own with metadata");
        own.put("metadata", Map.of("plan", "enterprise"));
        Client.Response refused = self.post("/api/keys", own);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(keys.list(owner)).extracting(ApiKey::name).containsExactlyInAnyOrder("Partner feed", "Own with allowlist");
    }

    @Test
    void whenTheAllowlistOrMetadataOfANewKeyIsHostileThen400NamingNoInputAndNothingIsIssued() throws Exception {
        String owner = owner("hostile-policy");
        Client olga = as("olga@ops");
        String ok = "{\"owner\":\"" + owner + "\",\"name\":\"k\"";
        List<String> ranges = new ArrayList<>(List.of("10.1.2.3/8", "not-an-ip", "<script>alert(1)</script>", "::ffff:10.0.0.0/104",
                "fe80::1%eth0", "[2001:db8::1]", "10.0.0.0/33", "10.0.0.0/008", "", " 10.0.0.1", "010.0.0.1", "10.0.0.0/-1",
                "2001:db8::/129", "1.2.3.4/", "x".repeat(300), "javascript:alert(1)"));
        ranges.addAll(XSS);
        List<String> hostile = new ArrayList<>();
        for (String range : ranges) {
            hostile.add(ok + ",\"ipAllowlist\":[" + json(range) + "]}");
        }
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 65; i++) {
            many.add(json("10.0." + i + ".0/24"));
        }
        hostile.add(ok + ",\"ipAllowlist\":[" + String.join(",", many) + "]}");
        hostile.add(ok + ",\"ipAllowlist\":[null]}");
        hostile.add(ok + ",\"ipAllowlist\":[42]}");
        hostile.add(ok + ",\"ipAllowlist\":[[\"10.0.0.0/8\"]]}");
        hostile.add(ok + ",\"ipAllowlist\":\"10.0.0.0/8\"}");
        hostile.add(ok + ",\"ipAllowlist\":{\"a\":\"10.0.0.0/8\"}}");
        for (String name : List.of("", "1plan", "<b>", "a b", "plan\u0000", "\u00e9t\u00e9", "x".repeat(65), "a\"b")) {
            hostile.add(ok + ",\"metadata\":{" + json(name) + ":\"v\"}}");
        }
        for (String value : List.of("", " padded", "line\nbreak", "nul\u0000", "bidi\u202eevil", "v".repeat(257), "\ud83d")) {
            hostile.add(ok + ",\"metadata\":{\"plan\":" + json(value) + "}}");
        }
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            entries.add(json("k" + i) + ":\"v\"");
        }
        hostile.add(ok + ",\"metadata\":{" + String.join(",", entries) + "}}");
        hostile.add(ok + ",\"metadata\":{\"plan\":null}}");
        hostile.add(ok + ",\"metadata\":{\"plan\":42}}");
        hostile.add(ok + ",\"metadata\":{\"plan\":true}}");
        hostile.add(ok + ",\"metadata\":{\"plan\":{\"a\":\"b\"}}}");
        hostile.add(ok + ",\"metadata\":{\"plan\":[\"a\"]}}");
        hostile.add(ok + ",\"metadata\":{\"plan\":\"a\",\"plan\":\"b\"}}");
        hostile.add(ok + ",\"metadata\":[\"plan=pro\"]}");
        hostile.add(ok + ",\"metadata\":\"plan=pro\"}");
        for (String b : hostile) {
            Client.Response r = olga.post("/api/keys", b);
            String what = b.length() > 120 ? b.substring(0, 120) : b;
            assertThat(r.status()).as(what).isEqualTo(400);
            assertThat(r.header("Content-Type")).as(what).startsWith("application/problem+json");
            assertThat(r.body()).as(what).doesNotContain("Exception", "at dev.", "jackson", "<script>", "<b>", "alert(", "eth0");
        }
        assertThat(keys.list(owner)).isEmpty();
    }

    /** A JSON string literal of {@code s} (each character outside printable ASCII escaped). */
    private static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            if (ch == '"' || ch == '\\') {
                b.append('\\').append(ch);
            } else if (ch < 0x20 || ch > 0x7e) {
                b.append(String.format("\\u%04x", (int) ch));
            } else {
                b.append(ch);
            }
        }
        return b.append('"').toString();
    }

    // ------------------------------------------------------------------------------------ hostile

    @Test
    void whenNamesAndReasonsAreHostileThenTheyComeBackVerbatimAsJsonText() throws Exception {
        String owner = owner("xss");
        Client c = admin(owner);
        for (String name : XSS) {
            JsonNode k = create(c, owner, name, "kb:read");
            String id = k.path("key").path("id").asText();
            JsonNode back = c.get("/api/keys/" + id).json();
            assertThat(back.path("key").path("name").asText()).isEqualTo(name);
            Client.Response revoked = c.post("/api/keys/" + id + "/revoke", Map.of("confirmName", name, "reason", name));
            assertThat(revoked.status()).isEqualTo(200);
            assertThat(revoked.header("Content-Type")).isEqualTo("application/json");
            JsonNode history = c.get("/api/keys/" + id + "/history").json();
            assertThat(history.path("events").findValuesAsText("detail")).contains(name);
        }
    }

    @Test
    void whenThePathIsAmbiguousOrUnknownOrTheMethodWrongThenAProblemAnswers() throws Exception {
        Client c = as("olga@ops");
        assertThat(c.get("/api/nothing").status()).isEqualTo(404);
        assertThat(c.raw("GET", "/assets/../api/session")).isIn(400, 404);
        assertThat(c.get("/assets/nothing.js").status()).isEqualTo(404);
        assertThat(c.get("/assets/index.html").status()).isEqualTo(404);
        assertThat(c.get("/nothing").status()).isEqualTo(404);
        Client.Response wrong = c.send("DELETE", "/api/keys", null, Map.of());
        assertThat(wrong.status()).isEqualTo(405);
        assertThat(wrong.header("Allow")).isEqualTo("GET, POST");
        assertThat(c.send("PUT", "/api/session", "{}", Map.of("Content-Type", "application/json")).status()).isEqualTo(405);
        assertThat(c.send("POST", "/", "{}", Map.of("Content-Type", "application/json")).status()).isEqualTo(405);
        for (String path : List.of("/api/keys/%2e%2e/history", "/api;jsessionid=x/session", "/api//session", "/api/keys/a%2fb")) {
            assertThat(c.raw("GET", path)).as(path).isEqualTo(400);
        }
    }

    @Test
    void whenTheStoreIsFineButAKeyIdIsMalformedThenItIsSimplyNotFound() throws Exception {
        Client c = as("olga@ops");
        for (String id : List.of("short", "AAAAAAAAAAAA-", "ÄAAAAAAAAAAA", "............")) {
            assertThat(c.raw("GET", "/api/keys/" + java.net.URLEncoder.encode(id, StandardCharsets.UTF_8))).as(id).isIn(400, 404);
        }
    }
}
