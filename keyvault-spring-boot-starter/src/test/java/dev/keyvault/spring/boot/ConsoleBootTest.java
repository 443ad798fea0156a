package dev.keyvault.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyvault.KeyManager;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The console registered by the starter inside the application's session chain: a person signs in
 * with form login, the page's API answers with Spring's CSRF token, Spring's {@code CsrfFilter} (and
 * nothing else) checks it, the key made in the console works on the API-key chain, and an API key
 * does not open the console.
 */
@SpringBootTest(classes = ConsoleTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"keyvault.usage-flush-interval=0s", "keyvault.change-feed-poll-interval=0s", "keyvault.key-prefix=kb_boot"})
class ConsoleBootTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MOUNT = "/settings/api-keys";

    @LocalServerPort
    int port;

    @Autowired
    KeyManager keys;

    private final HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private HttpResponse<String> get(HttpClient client, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return browser.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void login(String user, String password) throws Exception {
        Matcher csrf = Pattern.compile("name=\"_csrf\" type=\"hidden\" value=\"([^\"]+)\"").matcher(get(browser, "/login").body());
        assertThat(csrf.find()).isTrue();
        HttpResponse<String> r = post("/login", "username=" + user + "&password=" + password + "&_csrf="
                + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8), Map.of("Content-Type", "application/x-www-form-urlencoded"));
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location").orElse("")).doesNotContain("error");
    }

    @Test
    void whenSignedInThroughTheSessionChainThenTheConsoleUsesSpringsCsrfAndItsKeysWorkOnTheApiChain() throws Exception {
        HttpResponse<String> anonymous = get(HttpClient.newHttpClient(), MOUNT + "/api/session");
        assertThat(anonymous.statusCode()).isEqualTo(302);
        assertThat(anonymous.headers().firstValue("Location").orElse("")).endsWith("/login");

        login("alice", "wonderland");
        HttpResponse<String> page = get(browser, MOUNT + "/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("script-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline");
        assertThat(page.headers().firstValue("Cache-Control").orElse("")).contains("no-store");

        JsonNode session = JSON.readTree(get(browser, MOUNT + "/api/session").body());
        assertThat(session.path("user").path("id").asText()).isEqualTo("alice");
        assertThat(session.path("owners").get(0).asText()).isEqualTo("acme");
        String header = session.path("csrf").path("header").asText();
        String token = session.path("csrf").path("token").asText();
        assertThat(header).isEqualTo("X-CSRF-TOKEN");

        String body = "{\"owner\":\"acme\",\"name\":\"Made in the Boot console\",\"scopes\":[\"kb:read\"]}";
        HttpResponse<String> forged = post(MOUNT + "/api/keys", body, Map.of("Content-Type", "application/json"));
        assertThat(forged.statusCode()).isEqualTo(403);
        HttpResponse<String> wrong = post(MOUNT + "/api/keys", body, Map.of("Content-Type", "application/json", header, token + "x"));
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(wrong.body()).doesNotContain("urn:keyvault:console:csrf"); // Spring refused it, not the console
        assertThat(keys.list("acme")).isEmpty();

        HttpResponse<String> created = post(MOUNT + "/api/keys", body, Map.of("Content-Type", "application/json", header, token));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String apiKey = JSON.readTree(created.body()).path("token").asText();
        assertThat(apiKey).startsWith("kb_boot_");
        assertThat(keys.history(JSON.readTree(created.body()).path("key").path("id").asText()).get(0).actor()).isEqualTo("alice");

        HttpResponse<String> api = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri("/api/articles/7"))
                .header("Authorization", "Bearer " + apiKey).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).isEqualTo(200);
        assertThat(api.body()).contains("\"owner\":\"acme\"");
        // an API key is not a way into the console: its chain is the session one
        HttpResponse<String> byKey = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri(MOUNT + "/api/session"))
                .header("Authorization", "Bearer " + apiKey).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(byKey.statusCode()).isEqualTo(302);
        // another owner's keys stay out of reach
        assertThat(get(browser, MOUNT + "/api/keys?owner=globex").statusCode()).isEqualTo(403);
    }

    @Test
    void whenAnOperatorSignsInThenTheOperatorViewsAnswer() throws Exception {
        login("olga", "operator");
        JsonNode session = JSON.readTree(get(browser, MOUNT + "/api/session").body());
        assertThat(session.path("operator").asBoolean()).isTrue();
        assertThat(get(browser, MOUNT + "/api/operator/keys").statusCode()).isEqualTo(200);
        assertThat(get(browser, MOUNT + "/api/operator/due").statusCode()).isEqualTo(200);
    }
}
