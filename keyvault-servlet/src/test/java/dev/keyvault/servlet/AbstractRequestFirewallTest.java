package dev.keyvault.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.IssuedKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The request firewall over real HTTP, with the rules of the review that found the bypass: a public
 * tree and a protected one. Every variant is sent raw (the JDK client normalizes some of them), and
 * the assertion is the same for all: not let through, and the application never ran — refused by
 * the filter's firewall with its 400, or by the container itself before any filter, which each
 * subclass lists in {@link #refusedByTheContainer()}.
 */
abstract class AbstractRequestFirewallTest extends AbstractFilterTest {
    /**
     * Ways of writing a path that a container, the filter and a framework routing on the raw URI
     * could each read differently. Without a key; most aim at {@code /public/**} (open) through an
     * {@code /api/} prefix (protected), the rest at {@code /api/**} through {@code /public/}.
     */
    static final List<String> AMBIGUOUS = List.of(
            // the four of the review
            "/api/%2e%2e/public/x",
            "/api/x;/../../public/y",
            "/api;/../public/z",
            "/api/x/..;/..;/public/y",
            // encoded dots, every case and half
            "/api/%2E%2E/public/x",
            "/api/%2e%2E/public/x",
            "/api/.%2e/public/x",
            "/api/%2e./public/x",
            "/api/x/.%2E/.%2e/public/y",
            "/api/%2e/public/x",
            "/public/%2e%2e/api/x",
            // plain dot segments
            "/api/x/../../public/y",
            "/public/../api/x",
            "/api/./x",
            "/./api/x",
            "/public/./../api/x",
            "/api/x/..",
            "/public/y/.",
            // path parameters, at every segment
            "/api/x;a=b",
            "/api;a=b/x",
            "/public;a=b/../api/x",
            "/;x/api/x",
            "/public/..;/api/x",
            "/public;/../api/x",
            "/public/x/;/../../api/x",
            "/api/x;jsessionid=0123ABC",
            "/api/x%3b/../../public/y",
            "/api/x%3B/../../public/y",
            // encoded and raw separators
            "/api/x%2f..%2f..%2fpublic/y",
            "/api/x%2F..%2F..%2Fpublic/y",
            "/api%2fx",
            "/public/..%2fapi/x",
            "/api/x%5c..%5c..%5cpublic/y",
            "/api/x%5C..%5Cpublic/y",
            "/api/x\\..\\..\\public/y",
            "/public\\..\\api/x",
            "//api/x",
            "/public//../api/x",
            "/api//x",
            // double encoding
            "/api/%252e%252e/public/x",
            "/api/x/..%252f..%252fpublic/y",
            "/api/%25%32%65%25%32%65/public/x",
            "/api/%252E./public/x",
            // control characters, raw bytes and broken encodings
            "/api/x%00/../public/y",
            "/public/y%00.json",
            "/api/x/..%00/public/y",
            "/public%0d%0aX-Injected:%201",
            "/api/x%0a/../../public/y",
            "/api/x%09/../../public/y",
            "/public/y%7f",
            "/api/%c0%ae%c0%ae/public/x",
            "/api/x%c0%af..%c0%afpublic/y",
            "/api/%e0%80%ae%e0%80%ae/public/x",
            "/api/x/..%c0%af../public/y",
            "/api/%u002e%u002e/public/x",
            "/api/x%2/../public/y",
            "/api/x%",
            "/public/caf\u00e9/../../api/x", // a raw ISO-8859-1 byte
            "/public/caf\u00c3\u00a9", // raw UTF-8 bytes of "café"
            "/public/%c2%85x"); // U+0085, a C1 control, correctly encoded

    /** Paths that mean one thing only: they keep working, and query strings are not the firewall's business. */
    static final List<String> PLAIN_PUBLIC = List.of(
            "/public/y",
            "/public/",
            "/public/a%20b",
            "/public/a+b",
            "/public/caf%C3%A9",
            "/public/%E2%9C%93/x",
            "/public/a-b_c~d.json",
            "/public/..foo/...bar/.hidden",
            "/public/.well-known/x",
            "/public/%7Euser",
            "/public/%3F%23x",
            "/public/a:b@c!$&'()*,=",
            "/public/y?q=../../api&next=%2e%2e%2fapi%2fx",
            "/public/y?path=..%2f..%2f&x=a;b");

    static final List<String> PLAIN_PROTECTED = List.of(
            "/api/items/42",
            "/api/a%20b",
            "/api/caf%C3%A9",
            "/api/items?filter=..%2f..");

    ApiKeyFilterConfig.Builder firewallConfig() {
        return ApiKeyFilterConfig.builder()
                .realm(REALM)
                .clock(clock)
                .rule(Rule.permitAll("GET", "/public/**"))
                .rule(Rule.requireScopes("GET", "/api/**", "kb:read"));
    }

    /**
     * Of {@link #AMBIGUOUS}, the variants this container answers with a 4xx itself, before any
     * filter runs (documented in the README).
     */
    abstract Set<String> refusedByTheContainer();

    /** This container configured to accept every URI it can be told to (encoded slashes, backslashes…). */
    abstract TestServer startLenient(TestApp app) throws Exception;

    /**
     * Of {@link #AMBIGUOUS}, those this container configured with {@link #startLenient} still
     * answers with a 4xx itself.
     */
    abstract Set<String> refusedByTheLenientContainer();

    TestServer serveLenient(ApiKeyFilterConfig config) throws Exception {
        TestServer server = startLenient(TestApp.programmatic(new ApiKeyFilter(keys, config)));
        closeAfter.add(server);
        return server;
    }

    @Test
    void whenThePathIsAmbiguousThenTheApplicationNeverRuns() throws Exception {
        TestServer server = serve(firewallConfig().build());

        assertNothingGetsThrough(server, refusedByTheContainer());
        assertThat(AMBIGUOUS).hasSizeGreaterThanOrEqualTo(40);
    }

    @Test
    void whenTheContainerIsLenientThenTheFirewallAloneStillRefusesEveryAmbiguousPath() throws Exception {
        TestServer server = serveLenient(firewallConfig().build());

        assertNothingGetsThrough(server, refusedByTheLenientContainer());
    }

    /**
     * Sends every {@link #AMBIGUOUS} path without a key: each is refused, by the firewall with its
     * 400 or else by the container with a 4xx for exactly {@code byTheContainer}, and the
     * application never runs.
     */
    static void assertNothingGetsThrough(TestServer server, Set<String> byTheContainer) throws Exception {
        Map<String, Integer> statuses = new LinkedHashMap<>();
        Set<String> refusedByContainer = new TreeSet<>();
        List<String> wrong = new ArrayList<>();
        for (String path : AMBIGUOUS) {
            RawHttp.Response response = RawHttp.get(server.port(), path);
            statuses.put(path, response.status());
            if (isFirewall400(response)) {
                continue;
            }
            if (response.status() >= 400 && response.status() < 500) {
                refusedByContainer.add(path);
            } else {
                wrong.add(path + " -> " + response.status());
            }
        }

        assertThat(wrong).as("let through: %s", statuses).isEmpty();
        assertThat(server.app().servletRuns()).as("the application ran").isEmpty();
        assertThat(refusedByContainer).as("refused by the container itself").isEqualTo(new TreeSet<>(byTheContainer));
    }

    @Test
    void whenThePathIsAmbiguousThenEvenAValidKeyDoesNotPass() throws Exception {
        TestServer server = serve(firewallConfig().build());
        IssuedKey key = issue("kb:read");

        for (String path : List.of("/api/x;/../../public/y", "/api/%2e%2e/public/x", "/api/./x", "/api//x")) {
            RawHttp.Response response = RawHttp.get(server.port(), path, "X-API-Key: " + key.token());
            assertThat(response.status()).as(path).isEqualTo(400);
        }
        assertThat(server.app().servletRuns()).isEmpty();
        assertThat(usage(keys, key.id())).isEmpty();
    }

    @Test
    void whenTheFirewallRefusesThen400ProblemJsonNoStoreAndNothingEchoed() throws Exception {
        TestServer server = serve(firewallConfig().build());

        RawHttp.Response response = RawHttp.get(server.port(), "/api;evil=alert(1)/../public/z");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.header("Content-Type")).startsWith(PROBLEM_JSON);
        assertThat(response.header("Cache-Control")).isEqualTo("no-store");
        assertThat(response.headers("WWW-Authenticate")).isEmpty();
        assertThat(response.body()).isEqualTo(FIREWALL_BODY);
        assertThat(response.raw()).doesNotContain("evil").doesNotContain("alert").doesNotContain("public/z");
    }

    @Test
    void whenThePathIsPlainThenItWorks() throws Exception {
        TestServer server = serve(firewallConfig().build());
        IssuedKey key = issue("kb:read");

        for (String path : PLAIN_PUBLIC) {
            assertThat(RawHttp.get(server.port(), path).status()).as(path).isEqualTo(200);
        }
        for (String path : PLAIN_PROTECTED) {
            assertThat(RawHttp.get(server.port(), path).status()).as(path).isEqualTo(401);
            assertThat(RawHttp.get(server.port(), path, "X-API-Key: " + key.token()).status()).as(path).isEqualTo(200);
        }
        assertThat(server.app().servletRuns()).hasSize(PLAIN_PUBLIC.size() + PLAIN_PROTECTED.size());
    }

    @Test
    void whenPathParametersAreAllowedByNameThenOnlyThoseGetThrough() throws Exception {
        TestServer server = serve(firewallConfig().allowPathParameters("jsessionid").build());
        IssuedKey key = issue("kb:read");

        assertThat(RawHttp.get(server.port(), "/public/y;jsessionid=0123ABCDEF").status()).isEqualTo(200);
        assertThat(RawHttp.get(server.port(), "/api/x;jsessionid=0123ABCDEF.node-1", "X-API-Key: " + key.token()).status())
                .isEqualTo(200);
        assertThat(RawHttp.get(server.port(), "/api/x;jsessionid=0123ABCDEF").status()).isEqualTo(401);
        for (String path : List.of("/api/x;foo=1", "/api/x;JSESSIONID=1", "/api/x;jsessionid=1;foo=2",
                "/api/x;jsessionid=a%2e", "/api;jsessionid=1/../public/z", "/api/..;jsessionid=1/public/y",
                "/api/x/..;jsessionid=1/..;jsessionid=1/public/y", "/;jsessionid=1/public/y")) {
            // the firewall's 400, or Jetty's own for the dot segments
            assertThat(RawHttp.get(server.port(), path).status()).as(path).isEqualTo(400);
        }
        assertThat(server.app().servletRuns()).containsExactly(
                "REQUEST /public/y;jsessionid=0123ABCDEF", "REQUEST /api/x;jsessionid=0123ABCDEF.node-1");
    }

    @Test
    void whenEncodedSlashesAreAllowedThenTheyPassButStillSeparateSegments() throws Exception {
        TestServer relaxed = serveLenient(firewallConfig().allowEncodedSlash(true).build());
        TestServer strict = serveLenient(firewallConfig().build());
        IssuedKey key = issue("kb:read");

        assertThat(RawHttp.get(relaxed.port(), "/api/a%2Fb", "X-API-Key: " + key.token()).status()).isEqualTo(200);
        assertThat(RawHttp.get(relaxed.port(), "/public/a%2fb").status()).isEqualTo(200);
        assertThat(RawHttp.get(relaxed.port(), "/api/a%2Fb").status()).isEqualTo(401);
        for (String path : List.of("/api/x%2F..%2F..%2Fpublic/y", "/api/x%2f..%2fpublic/y", "/public/..%2fapi/x",
                "/api%2F%2Fx", "/api/x%2F.%2Fy")) {
            assertThat(isFirewall400(RawHttp.get(relaxed.port(), path))).as(path).isTrue();
        }
        assertThat(isFirewall400(RawHttp.get(strict.port(), "/api/a%2Fb", "X-API-Key: " + key.token()))).isTrue();
        assertThat(relaxed.app().servletRuns()).containsExactly("REQUEST /api/a%2Fb", "REQUEST /public/a%2fb");
        assertThat(strict.app().servletRuns()).isEmpty();
    }

    static boolean isFirewall400(RawHttp.Response response) {
        return response.status() == 400 && response.body().equals(FIREWALL_BODY);
    }
}
