package dev.keyvault.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.IssuedKey;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** Runs the example application and calls its API over HTTP, as its README section says. */
class KbApiApplicationTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> send(int port, String method, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void whenTheApplicationRunsThenKeysOpenItsApiByScope() throws Exception {
        try (ConfigurableApplicationContext app = KbApiApplication.run("--server.port=0", "--spring.datasource.url=jdbc:h2:mem:kb_test;DB_CLOSE_DELAY=-1")) {
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            KeyManager keys = app.getBean(KeyManager.class);
            IssuedKey reader = keys.issue(KeySpec.builder("acme", "KB Sync Script").scopes("kb:read").build());
            IssuedKey editor = keys.issue(KeySpec.builder("acme", "KB Editor").scopes("kb:*").build());

            HttpResponse<String> read = send(port, "GET", "/api/articles/42", reader.token());
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(read.body()).contains("\"readBy\":\"acme\"");
            assertThat(read.headers().firstValue("RateLimit-Policy")).hasValue("\"standard\";q=100;w=10");

            assertThat(send(port, "GET", "/api/articles/42", null).statusCode()).isEqualTo(401);
            HttpResponse<String> denied = send(port, "POST", "/api/articles", reader.token());
            assertThat(denied.statusCode()).isEqualTo(403);
            assertThat(denied.headers().firstValue("WWW-Authenticate"))
                    .hasValue("Bearer realm=\"kb\", error=\"insufficient_scope\", scope=\"kb:write\"");
            assertThat(send(port, "POST", "/api/articles", editor.token()).statusCode()).isEqualTo(200);

            HttpResponse<String> health = send(port, "GET", "/actuator/health/keyvault", null);
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"store\":\"reachable\"");
        }
    }
}
