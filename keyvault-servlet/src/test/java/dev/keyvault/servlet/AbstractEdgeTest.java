package dev.keyvault.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.IssuedKey;
import dev.keyvault.KeySpec;
import dev.keyvault.testing.Tokens;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The public seam over real HTTP: {@link EdgeFilter}, an entry point composed only of the public
 * pieces, answers every case as {@link ApiKeyFilter} does — same status, challenge, rate-limit
 * fields and body — and records the same usage.
 */
abstract class AbstractEdgeTest extends AbstractFilterTest {

    /** The filter's rule for {@code /articles/**} is the edge's one requirement: {@code kb:read}. */
    ApiKeyFilterConfig edgeConfig() {
        return config().clientLabelHeader("X-Client-Name").build();
    }

    TestServer edge(ApiKeyFilterConfig config) throws Exception {
        TestServer server = start(TestApp.programmatic(new EdgeFilter(keys, config, Set.of("kb:read"))));
        closeAfter.add(server);
        return server;
    }

    /**
     * What a client sees of an answer: status, the entry point's headers and its body (not the
     * application's: the edge does not wrap the request, so the app sees no principal behind it).
     */
    static String seen(HttpResponse<String> r) {
        return r.statusCode() + " " + r.headers().allValues("WWW-Authenticate") + " " + r.headers().allValues("Retry-After")
                + " " + r.headers().allValues("RateLimit-Policy") + " " + r.headers().allValues("RateLimit")
                + " " + r.headers().allValues("Cache-Control") + " " + (r.statusCode() == 200 ? "(the application)" : r.body());
    }

    static String seen(RawHttp.Response r) {
        return r.status() + " " + r.headers("WWW-Authenticate") + " " + r.header("Content-Type") + " " + r.body();
    }

    @Test
    void whenTheEdgeIsComposedFromThePublicPiecesThenItAnswersEveryCaseAsTheFilterDoes() throws Exception {
        ApiKeyFilterConfig config = edgeConfig();
        TestServer filter = serve(config);
        TestServer edge = edge(config);
        IssuedKey reader = issue(keys, KeySpec.builder("acme", "tiny reader").scopes("kb:read").tier("tiny").build());
        IssuedKey writer = issue("kb:write");
        IssuedKey revoked = issue("kb:read");
        keys.revoke(revoked.id(), "leaked", "test");

        List<String[]> cases = List.of(
                new String[] {"/articles/1"},
                new String[] {"/articles/1", "Authorization", "Bearer "},
                new String[] {"/articles/1", "Authorization", bearer(reader), "X-API-Key", writer.token()},
                new String[] {"/articles/1", "X-API-Key", "kv_notakey"},
                new String[] {"/articles/1", "X-API-Key", Tokens.withWrongSecret(reader.token())},
                new String[] {"/articles/1", "X-API-Key", revoked.token()},
                new String[] {"/articles/1", "X-API-Key", writer.token()},
                new String[] {"/articles/1", "Authorization", bearer(reader), "X-Client-Name", "docs-site"},
                new String[] {"/articles/1", "Authorization", bearer(reader), "X-Client-Name", "docs-site"},
                new String[] {"/articles/1", "Authorization", bearer(reader), "X-Client-Name", "docs-site"},
                new String[] {"/articles/1;a=b", "X-API-Key", reader.token()});
        List<String> byFilter = new ArrayList<>();
        List<String> byEdge = new ArrayList<>();
        for (TestServer server : List.of(filter, edge)) {
            for (String[] c : cases) {
                String[] headers = java.util.Arrays.copyOfRange(c, 1, c.length);
                (server == filter ? byFilter : byEdge).add(seen(get(server, c[0], headers)));
            }
            (server == filter ? byFilter : byEdge).add(seen(RawHttp.get(server.port(), "/articles/1",
                    "X-API-Key: " + reader.token(), "X-API-Key: " + reader.token())));
            (server == filter ? byFilter : byEdge).add(seen(RawHttp.get(server.port(), "/articles/1",
                    "X-API-Key: " + "k".repeat(2_000))));
        }

        assertThat(byEdge).isEqualTo(byFilter);
        assertThat(byFilter).extracting(s -> s.substring(0, 3))
                .containsExactly("401", "400", "400", "401", "401", "401", "403", "200", "200", "429", "400", "400", "431");
        assertThat(byFilter.get(9)).contains("[30] [\"tiny\";q=2;w=60] [\"tiny\";r=0;t=30]");
    }

    @Test
    void whenTheEdgeRecordsUsageThenItIsTheFiltersUsageWithTheClientLabel() throws Exception {
        TestServer edge = edge(edgeConfig());
        IssuedKey reader = issue("kb:read");
        IssuedKey writer = issue("kb:write");

        get(edge, "/anything", "X-API-Key", reader.token(), "User-Agent", "okhttp/4.12", "X-Client-Name", "billing-sync");
        get(edge, "/anything", "X-API-Key", reader.token(), "User-Agent", "okhttp/4.12", "X-Client-Name", "reports");
        get(edge, "/async/job", "X-API-Key", reader.token(), "User-Agent", "okhttp/4.12", "X-Client-Name", "reports");
        get(edge, "/anything", "X-API-Key", writer.token(), "User-Agent", "okhttp/4.12");

        assertThat(awaitUsage(reader.id(), 3)).extracting(r -> r.endpoint() + " " + r.status() + " " + r.client() + " x" + r.count())
                .containsExactlyInAnyOrder(
                        "/edge/** 200 billing-sync x1",
                        "/edge/** 200 reports x1",
                        "/edge/** 202 reports x1");
        assertThat(usage(keys, writer.id())).extracting(r -> r.endpoint() + " " + r.status() + " " + r.client())
                .containsExactly("/edge/** 403 127.0.0.1 (okhttp/4.12)");
    }

    @Test
    void whenAClientSendsWrongKeysToTheEdgeThenItsFailureLimitHolds() throws Exception {
        TestServer edge = edge(edgeConfig());
        IssuedKey reader = issue("kb:read");

        for (int i = 0; i < 20; i++) {
            assertChallenge(get(edge, "/anything", "X-API-Key", Tokens.withUnknownId(reader.token())), 401, INVALID_TOKEN);
        }
        HttpResponse<String> limited = get(edge, "/anything", "X-API-Key", reader.token());

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(header(limited, "Retry-After")).isEqualTo("3");
        assertThat(limited.body()).contains("Too many failed API key attempts from this client");
    }

    /** Usage of {@code keyId} once it has {@code requests} requests: an async request is recorded when it completes. */
    List<dev.keyvault.UsageRollup> awaitUsage(String keyId, long requests) throws InterruptedException {
        List<dev.keyvault.UsageRollup> rollups = usage(keys, keyId);
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (rollups.stream().mapToLong(dev.keyvault.UsageRollup::count).sum() < requests && System.nanoTime() < deadline) {
            Thread.sleep(5);
            rollups = usage(keys, keyId);
        }
        return rollups;
    }
}
