package dev.keyvault.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.IssuedKey;
import dev.keyvault.KeySpec;
import dev.keyvault.support.RawConnection;
import dev.keyvault.testing.Tokens;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every refusal the filter writes comes before the application read the request's body. A body
 * left unread makes the container end the connection after the refusal without saying so, while a
 * client may already be sending its next request on it (a client retrying after a 429, say), which
 * then fails with no response at all. So every refusal reads and drops a body of up to 64 KiB,
 * sent with its head or after it, plain or chunked, and the connection serves the next request; a
 * larger body is not read and the refusal says {@code Connection: close}. (Tomcat ends the
 * connection after any 400, and says so.)
 */
abstract class AbstractKeepAliveTest extends AbstractFilterTest {

    @Test
    void whenAPostIsRefusedBeforeItsBodyIsReadThenTheConnectionServesTheNextRequestOrSaysItCloses() throws Exception {
        TestServer server = serve();
        IssuedKey reader = issue("kb:read");
        IssuedKey writer = issue("kb:write");
        IssuedKey tiny = issue(keys, KeySpec.builder("acme", "tiny writer").scopes("kb:write").tier("tiny").build());
        record Refusal(String what, String path, Map<String, String> headers, int status) {}
        List<Refusal> refusals = new java.util.ArrayList<>(List.of(
                new Refusal("no key", "/articles/1", Map.of(), 401),
                new Refusal("wrong secret", "/articles/1", Map.of("X-API-Key", Tokens.withWrongSecret(writer.token())), 401),
                new Refusal("malformed key", "/articles/1", Map.of("X-API-Key", "kv_notakey"), 401),
                new Refusal("empty credential", "/articles/1", Map.of("Authorization", "Bearer "), 400),
                new Refusal("missing scope", "/articles/1", Map.of("Authorization", bearer(reader)), 403),
                new Refusal("not canonical", "/articles/1;a=b", Map.of("Authorization", bearer(writer)), 400)));
        byte[] small = ("{\"title\":\"" + "x".repeat(300) + "\"}").getBytes(StandardCharsets.UTF_8);
        byte[] large = ("{\"title\":\"" + "x".repeat(30_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        int rateLimited = 0;
        for (int round = 0; round < 2; round++) {
            for (Refusal refusal : refusals) {
                for (RawConnection.Sending sending : RawConnection.Sending.values()) {
                    // a small body with its head; a large one after it, plain or chunked
                    byte[] body = sending == RawConnection.Sending.WITH_HEAD ? small : large;
                    check(server, refusal.what() + ", body " + sending, refusal.path(), refusal.headers(), refusal.status(), sending,
                            body);
                }
            }
            if (round == 0) {
                // the tiny tier allows 2 a minute: its key is refused with 429 from now on
                for (int i = 0; i < 2; i++) {
                    send(server, "POST", "/articles/1", "Authorization", bearer(tiny));
                }
                refusals.clear();
                refusals.add(new Refusal("rate limited", "/articles/1", Map.of("Authorization", bearer(tiny)), 429));
                rateLimited++;
            }
        }
        assertThat(rateLimited).isEqualTo(1);
        // A body larger than the filter drops is not read: the refusal says the connection ends.
        try (RawConnection c = new RawConnection(server.port())) {
            c.head("POST", "/articles/1", Map.of("Content-Type", "application/json", "Content-Length", "10000000"));
            RawConnection.Response r = c.read().orElseThrow();
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.closes()).isTrue();
        }
    }

    private static void check(TestServer server, String what, String path, Map<String, String> headers, int status,
            RawConnection.Sending sending, byte[] body) throws Exception {
        try (RawConnection c = new RawConnection(server.port())) {
            Map<String, String> head = new LinkedHashMap<>(headers);
            head.put("Content-Type", "application/json");
            c.send("POST", path, head, body, sending);
            RawConnection.Response first = c.read().orElseThrow();
            assertThat(first.status()).as(what).isEqualTo(status);
            if (first.closes()) {
                assertThat(first.status()).as(what + ": only Tomcat ends a connection, after a 400, and says so").isEqualTo(400);
                return;
            }
            c.head("GET", "/articles/2", Map.of());
            assertThat(c.read()).as("the next request on the connection after " + what)
                    .hasValueSatisfying(next -> assertThat(next.status()).isEqualTo(401));
        }
    }
}
