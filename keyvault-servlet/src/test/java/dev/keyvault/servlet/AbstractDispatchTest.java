package dev.keyvault.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.IssuedKey;
import dev.keyvault.UsageRollup;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every dispatcher type over real HTTP, with the filter mapped for all of them ({@link TestApp}):
 * FORWARD, INCLUDE and ASYNC dispatches are held to the rule of the path they go to, with the key
 * verified when the request came in (never verified, rate-limited or recorded a second time);
 * ERROR dispatches render the status of a request already answered and pass unchanged.
 */
abstract class AbstractDispatchTest extends AbstractFilterTest {
    static final String ADMIN_SCOPE = "Bearer realm=\"kb\", error=\"insufficient_scope\", scope=\"admin kb:read\"";

    /** Open {@code /public/**}, {@code /articles/**} for readers, {@code /admin/**} for admins; two requests a minute per key. */
    ApiKeyFilterConfig.Builder dispatchConfig() {
        return ApiKeyFilterConfig.builder()
                .realm(REALM)
                .clock(clock)
                .rule(Rule.permitAll("GET", "/public/**"))
                .rule(Rule.requireScopes("GET", "/articles/**", "kb:read"))
                .rule(Rule.requireScopes("GET", "/admin/**", "kb:read", "admin"))
                .tier(Tier.of("default", 2, Duration.ofMinutes(1), 2));
    }

    static String body(IssuedKey key, boolean write) {
        return "owner=acme;principal=ApiKeyPrincipal;auth=API-Key;key=" + key.id() + ";kb:read=true;kb:write=" + write;
    }

    // -------------------------------------------------------------------------------------- FORWARD

    @Test
    void whenForwardedToAStricterRouteThenTheKeyNeedsItsScopes() throws Exception {
        TestServer server = serve(dispatchConfig().build());
        IssuedKey reader = issue("kb:read");

        HttpResponse<String> response = get(server, "/articles/1/forward/admin/users", "X-API-Key", reader.token());

        assertChallenge(response, 403, ADMIN_SCOPE);
        assertThat(server.app().servletRuns()).containsExactly("REQUEST /articles/1/forward/admin/users");
        assertThat(awaitUsage(reader)).extracting(r -> r.endpoint() + " " + r.status() + " x" + r.count())
                .containsExactly("/articles/** 403 x1");
    }

    @Test
    void whenForwardedToARouteTheKeyMayUseThenItRunsWithoutASecondVerificationOrRecord() throws Exception {
        TestServer server = serve(dispatchConfig().build());
        IssuedKey admin = issue("kb:read", "admin");

        HttpResponse<String> response = get(server, "/articles/1/forward/admin/users", "X-API-Key", admin.token());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(body(admin, false));
        // one token of the tier taken, once
        assertThat(response.headers().allValues("RateLimit")).containsExactly("\"default\";r=1;t=30");
        assertThat(response.headers().allValues("RateLimit-Policy")).containsExactly("\"default\";q=2;w=60");
        assertThat(server.app().servletRuns()).containsExactly(
                "REQUEST /articles/1/forward/admin/users", "FORWARD /admin/users");
        assertThat(awaitUsage(admin)).extracting(r -> r.endpoint() + " " + r.status() + " x" + r.count())
                .containsExactly("/articles/** 200 x1");
    }

    @Test
    void whenARequestWithoutAVerifiedKeyIsForwardedToAProtectedRouteThen401() throws Exception {
        TestServer server = serve(dispatchConfig().build());
        IssuedKey reader = issue("kb:read");

        assertChallenge(get(server, "/public/forward/articles/1"), 401, BARE);
        // a permitAll route does not read credentials, so a key sent to it was never verified either
        assertChallenge(get(server, "/public/forward/articles/1", "X-API-Key", reader.token()), 401, BARE);
        assertThat(get(server, "/public/forward/public/other").statusCode()).isEqualTo(200);

        assertThat(server.app().servletRuns()).containsExactly(
                "REQUEST /public/forward/articles/1", "REQUEST /public/forward/articles/1",
                "REQUEST /public/forward/public/other", "FORWARD /public/other");
        assertThat(usage(keys, reader.id())).isEmpty();
    }

    // -------------------------------------------------------------------------------------- INCLUDE

    @Test
    void whenIncludingAStricterRouteThenTheKeyNeedsItsScopesAndTheWholeResponseIsTheRefusal() throws Exception {
        TestServer server = serve(dispatchConfig().build());
        IssuedKey reader = issue("kb:read");

        HttpResponse<String> response = get(server, "/articles/1/include/admin/users", "X-API-Key", reader.token());

        assertChallenge(response, 403, ADMIN_SCOPE);
        assertThat(response.body()).doesNotContain("before|").doesNotContain("|after");
        assertThat(server.app().servletRuns()).containsExactly("REQUEST /articles/1/include/admin/users");
    }

    @Test
    void whenIncludingARouteTheKeyMayUseThenItIsIncluded() throws Exception {
        TestServer server = serve(dispatchConfig().build());
        IssuedKey admin = issue("kb:read", "admin");

        HttpResponse<String> response = get(server, "/articles/1/include/admin/users", "X-API-Key", admin.token());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("before|" + body(admin, false) + "|after");
        assertThat(server.app().servletRuns()).containsExactly(
                "REQUEST /articles/1/include/admin/users", "INCLUDE /admin/users");
        assertThat(awaitUsage(admin)).extracting(r -> r.status() + " x" + r.count()).containsExactly("200 x1");
    }

    @Test
    void whenARefusedIncludeGoesIntoACommittedResponseThenTheIncludedResourceDoesNotRun() throws Exception {
        TestServer server = serve(dispatchConfig().build());
        IssuedKey reader = issue("kb:read");

        HttpResponse<String> response = get(server, "/articles/1/flush-include/admin/users", "X-API-Key", reader.token());

        assertThat(response.statusCode()).isEqualTo(200); // sent before the include was asked for
        assertThat(response.body()).isEqualTo("before||after");
        assertThat(server.app().servletRuns()).containsExactly("REQUEST /articles/1/flush-include/admin/users");
    }

    @Test
    void whenARequestWithoutAVerifiedKeyIncludesAProtectedRouteThen401() throws Exception {
        TestServer server = serve(dispatchConfig().build());

        assertChallenge(get(server, "/public/include/articles/1"), 401, BARE);
        assertThat(get(server, "/public/include/public/x").body()).startsWith("before|owner=null").endsWith("|after");
    }

    // ---------------------------------------------------------------------------------------- ASYNC

    @Test
    void whenAsyncDispatchedToAStricterRouteThenTheKeyNeedsItsScopes() throws Exception {
        TestServer server = serve(dispatchConfig().build());
        IssuedKey reader = issue("kb:read");

        HttpResponse<String> response = get(server, "/articles/1/async-dispatch/admin/users", "X-API-Key", reader.token());

        assertChallenge(response, 403, ADMIN_SCOPE);
        assertThat(server.app().servletRuns()).containsExactly("REQUEST /articles/1/async-dispatch/admin/users");
        assertThat(awaitUsage(reader)).extracting(r -> r.endpoint() + " " + r.status() + " x" + r.count())
                .containsExactly("/articles/** 403 x1");
    }

    @Test
    void whenAsyncDispatchedToARouteTheKeyMayUseThenItRunsOnce() throws Exception {
        TestServer server = serve(dispatchConfig().build());
        IssuedKey admin = issue("kb:read", "admin");
        IssuedKey reader = issue("kb:read");

        HttpResponse<String> toAdmin = get(server, "/articles/1/async-dispatch/admin/users", "X-API-Key", admin.token());
        HttpResponse<String> back = get(server, "/articles/2/async-redispatch", "X-API-Key", reader.token());

        assertThat(toAdmin.statusCode()).isEqualTo(200);
        assertThat(toAdmin.body()).isEqualTo(body(admin, false));
        assertThat(toAdmin.headers().allValues("RateLimit")).containsExactly("\"default\";r=1;t=30");
        assertThat(back.statusCode()).isEqualTo(200);
        assertThat(back.body()).isEqualTo(body(reader, false));
        assertThat(server.app().servletRuns()).containsExactly(
                "REQUEST /articles/1/async-dispatch/admin/users", "ASYNC /admin/users",
                "REQUEST /articles/2/async-redispatch", "ASYNC /articles/2/async-redispatch");
        assertThat(awaitUsage(admin)).extracting(r -> r.status() + " x" + r.count()).containsExactly("200 x1");
        assertThat(awaitUsage(reader)).extracting(r -> r.status() + " x" + r.count()).containsExactly("200 x1");
    }

    @Test
    void whenARequestWithoutAVerifiedKeyIsAsyncDispatchedToAProtectedRouteThen401() throws Exception {
        TestServer server = serve(dispatchConfig().build());

        assertChallenge(get(server, "/public/async-dispatch/articles/1"), 401, BARE);
        assertThat(server.app().servletRuns()).containsExactly("REQUEST /public/async-dispatch/articles/1");
    }

    // ---------------------------------------------------------------------------------------- ERROR

    @Test
    void whenAnErrorPageRendersThenItPassesUnchangedWithTheKeyOfTheRequest() throws Exception {
        TestServer server = serve(dispatchConfig().build());
        IssuedKey reader = issue("kb:read");

        HttpResponse<String> keyed = get(server, "/articles/1/404", "X-API-Key", reader.token());
        // the error page matches no rule (denied by default), yet a 404 stays a 404 and does not become a 401
        HttpResponse<String> open = get(server, "/public/x/404");

        assertThat(keyed.statusCode()).isEqualTo(404);
        assertThat(keyed.body()).isEqualTo("error-page 404 key=" + reader.id());
        assertThat(open.statusCode()).isEqualTo(404);
        assertThat(open.body()).isEqualTo("error-page 404 key=null");
        assertThat(server.app().servletRuns()).containsExactly(
                "REQUEST /articles/1/404", "ERROR " + TestApp.ERROR_PAGE, "REQUEST /public/x/404", "ERROR " + TestApp.ERROR_PAGE);
        assertThat(awaitUsage(reader)).extracting(r -> r.status() + " x" + r.count()).containsExactly("404 x1");
    }

    // -------------------------------------------------------------------------------------- REQUEST

    @Test
    void whenARequestComesInThenItIsCheckedOnceAgainstItsOwnRoute() throws Exception {
        TestServer server = serve(dispatchConfig().build());
        IssuedKey reader = issue("kb:read");

        assertThat(get(server, "/articles/1", "X-API-Key", reader.token()).statusCode()).isEqualTo(200);
        assertChallenge(get(server, "/admin/users", "X-API-Key", reader.token()), 403, ADMIN_SCOPE);

        assertThat(server.app().servletRuns()).containsExactly("REQUEST /articles/1");
    }

    /**
     * A forwarded or async request is recorded after the client may already have its answer (a
     * forward sends and closes the response; async completes on a container thread): wait for
     * the record, not for time.
     */
    List<UsageRollup> awaitUsage(IssuedKey key) throws InterruptedException {
        List<UsageRollup> rollups = usage(keys, key.id());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (rollups.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
            rollups = usage(keys, key.id());
        }
        return rollups;
    }
}
