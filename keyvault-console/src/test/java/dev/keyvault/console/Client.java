package dev.keyvault.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One signed-in browser session against the test app, through the JDK's HTTP client with its own
 * cookie jar. Every console answer is checked against the OpenAPI description and for the console's
 * security headers, and kept (to search later responses for a token).
 */
public final class Client {
    static final ObjectMapper JSON = new ObjectMapper();

    private final TestServer server;
    private final OpenApiCheck openApi;
    private final HttpClient http;
    private final List<String> bodies;
    private String csrfHeader;
    private String csrfToken;

    Client(TestServer server, OpenApiCheck openApi, List<String> bodies) {
        this.server = server;
        this.openApi = openApi;
        this.bodies = bodies;
        this.http = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Signs in as {@code user} (a new session) and fetches the session's CSRF token. */
    Client login(String user) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri("/login?user=" + user)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(302);
        Response session = get("/api/session");
        assertThat(session.status()).isEqualTo(200);
        csrfHeader = session.json().path("csrf").path("header").asText();
        csrfToken = session.json().path("csrf").path("token").asText();
        return this;
    }

    String csrfToken() {
        return csrfToken;
    }

    Response get(String path) throws Exception {
        return send("GET", path, null, Map.of());
    }

    /**
     * A POST with a JSON body and this session's CSRF token; like the page, fetches a fresh token once
     * if the server says the token expired (tests move the clock by days).
     */
    Response post(String path, Object body) throws Exception {
        String text = body instanceof String s ? s : JSON.writeValueAsString(body);
        Response r = send("POST", path, text, Map.of("Content-Type", "application/json", csrfHeader, csrfToken));
        if (r.status() == 403 && r.body().contains("urn:keyvault:console:csrf")) {
            csrfToken = get("/api/session").json().path("csrf").path("token").asText();
            r = send("POST", path, text, Map.of("Content-Type", "application/json", csrfHeader, csrfToken));
        }
        return r;
    }

    Response send(String method, String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(ConsoleApp.MOUNT + path)).timeout(Duration.ofSeconds(30));
        headers.forEach(b::header);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        Response response = new Response(r.statusCode(), r.headers().map(), new String(r.body(), StandardCharsets.UTF_8));
        bodies.add(response.body());
        response.headers().forEach((k, v) -> bodies.add(k + ": " + v));
        assertSecurityHeaders(response);
        if (path.startsWith("/api/")) {
            openApi.check(method, path, r.statusCode(), response.header("Content-Type"), response.body());
        }
        return response;
    }

    /**
     * The status of a request that may never reach the console (the container refuses some paths
     * itself, without the console's headers): no OpenAPI or header checks.
     */
    int raw(String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + ConsoleApp.MOUNT + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        bodies.add(r.body());
        if (r.headers().firstValue("Content-Security-Policy").isPresent()) {
            assertSecurityHeaders(new Response(r.statusCode(), r.headers().map(), r.body()));
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        }
        return r.statusCode();
    }

    static void assertSecurityHeaders(Response r) {
        String csp = r.header("Content-Security-Policy");
        assertThat(csp).contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'",
                "require-trusted-types-for 'script'").doesNotContain("unsafe-inline", "unsafe-eval");
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
    }

    /** Calls the API the keys protect, as a consumer would. */
    static int callApi(TestServer server, String method, String path, String token, String client) throws IOException, InterruptedException {
        return callApi(server, method, path, token, client, null, null);
    }

    /** As {@link #callApi(TestServer, String, String, String, String)}, from {@code ip} (through the trusted loopback proxy) with a user agent. */
    static int callApi(TestServer server, String method, String path, String token, String client, String ip, String userAgent)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path)).method(method, HttpRequest.BodyPublishers.noBody());
        if (ip != null) {
            b.header("X-Forwarded-For", ip);
        }
        if (userAgent != null) {
            b.header("User-Agent", userAgent);
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (client != null) {
            b.header("X-Client-Name", client);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    record Response(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().isEmpty() ? null : e.getValue().get(0);
                }
            }
            return null;
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }
}
