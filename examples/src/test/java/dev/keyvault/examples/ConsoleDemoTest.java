package dev.keyvault.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts the console demo on the walkthrough's data, signs in from the printed URL, and reads acme's keys. */
class ConsoleDemoTest {
    @Test
    void whenTheDemoStartsThenItPrintsAUrlWhereTheWalkthroughsKeysAreListed(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ConsoleDemo demo = ConsoleDemo.start(dir, 0, new PrintStream(bytes, true, StandardCharsets.UTF_8))) {
            Matcher url = Pattern.compile("keyvault console demo: (http://127\\.0\\.0\\.1:\\d+/) ").matcher(bytes.toString(StandardCharsets.UTF_8));
            assertThat(url.find()).isTrue();
            HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NORMAL).build();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(url.group(1) + "?user=alice%40acme")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("assets/console.js");
            String keys = http.send(HttpRequest.newBuilder(URI.create(url.group(1) + "settings/api-keys/api/keys?owner=acme")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(keys).contains("KB Sync Script — Production", "Reporting (read-only)", "Ops Console", "\"compromised\":true");
            String due = http.send(HttpRequest.newBuilder(URI.create(url.group(1) + "settings/api-keys/api/operator/due")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(due).contains("\"status\":403"); // alice is no operator
        }
    }
}
