package dev.keyvault.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.testing.MutableClock;
import java.io.InputStream;
import java.net.CookieManager;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The page's files: what the first view weighs over HTTP with gzip (the browser tests measure it in
 * Chromium too), and that the script cannot turn a string into markup or code.
 */
class AssetsTest {

    private static String resource(String name) throws Exception {
        try (InputStream in = AssetsTest.class.getResourceAsStream("/dev/keyvault/console/assets/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void whenTheFirstViewIsFetchedWithGzipThenItWeighsAtMost150Kb() throws Exception {
        MutableClock clock = MutableClock.at(Instant.parse("2026-06-01T09:00:00Z"));
        try (KeyManager keys = KeyManager.inMemory(clock)) {
            for (int i = 0; i < 50; i++) {
                keys.issue(KeySpec.builder("acme", "Key number " + i).scopes("kb:read", "kb:write").tier("standard").environment("production").build());
            }
            ConsoleApp app = new ConsoleApp(keys, ConsoleConfig.builder(new TestAccess().user("alice", false, "acme")).build());
            try (TestServer server = TestServer.jetty(app)) {
                HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
                http.send(HttpRequest.newBuilder(server.uri("/login?user=alice")).build(), HttpResponse.BodyHandlers.discarding());
                long total = 0;
                StringBuilder parts = new StringBuilder();
                for (String path : List.of("/", "/assets/console.css", "/assets/console.js", "/assets/favicon.svg", "/api/session",
                        "/api/keys?owner=acme&status=active")) {
                    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(server.uri(ConsoleApp.MOUNT + path))
                            .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
                    assertThat(r.statusCode()).as(path).isEqualTo(200);
                    if (path.startsWith("/assets") || path.equals("/")) {
                        assertThat(r.headers().firstValue("Content-Encoding")).as(path).contains("gzip");
                    }
                    total += r.body().length;
                    parts.append(path).append(' ').append(r.body().length).append(", ");
                }
                Files.createDirectories(Path.of("target"));
                Files.writeString(Path.of("target", "page-weight-http.txt"), "first view over HTTP (bodies, gzip where served): "
                        + total + " bytes: " + parts + "a page of 50 keys\n");
                assertThat(total).isLessThanOrEqualTo(150 * 1024);
            }
        }
    }

    @Test
    void whenTheScriptIsReadThenNoStringBecomesMarkupOrCode() throws Exception {
        String js = resource("console.js");
        for (String sink : List.of("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                "setTimeout('", "setTimeout(\"", "setInterval(", ".srcdoc", ".src =", "DOMParser", "createContextualFragment",
                "javascript:", "style.cssText", "setAttribute('style'", "setAttribute('on")) {
            assertThat(js).as(sink).doesNotContain(sink);
        }
        // the one place that sets attributes refuses handlers, style and unsafe links
        assertThat(js).contains("throw new Error('refused attribute ' + k)");
    }

    @Test
    void whenThePageIsReadThenItHasNoInlineScriptStyleOrHandlerAndLoadsOnlyItsOwnFiles() throws Exception {
        String html = resource("index.html");
        assertThat(html).doesNotContain("<style", "style=").doesNotContainPattern("\\son[a-z]+\\s*=");
        Matcher scripts = Pattern.compile("<script([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(html);
        int n = 0;
        while (scripts.find()) {
            assertThat(scripts.group(1)).contains("src=\"assets/");
            assertThat(scripts.group(2)).isBlank();
            n++;
        }
        assertThat(n).isEqualTo(1);
        assertThat(html).doesNotContainPattern("(src|href)=\"(https?:)?//");
        String css = resource("console.css");
        assertThat(css).doesNotContain("@import", "url(http", "expression(");
    }
}
