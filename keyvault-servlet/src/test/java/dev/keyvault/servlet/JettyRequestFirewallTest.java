package dev.keyvault.servlet;

import java.util.Set;

/** {@link AbstractRequestFirewallTest} on embedded Jetty. */
class JettyRequestFirewallTest extends AbstractRequestFirewallTest {

    @Override
    TestServer start(TestApp app) throws Exception {
        return JettyServer.start(app, 64 * 1024);
    }

    @Override
    TestServer startLenient(TestApp app) throws Exception {
        return JettyServer.start(app, 64 * 1024, true);
    }

    /**
     * Jetty's default URI compliance refuses ambiguous segments ({@code %2e}, {@code ..;}), encoded
     * separators ({@code %2f}, {@code %5c}), empty segments, {@code %25} followed by an escape, bad
     * or overlong UTF-8, encoded and raw control characters and raw non-ASCII bytes with its own 400.
     */
    @Override
    Set<String> refusedByTheContainer() {
        return Set.of(
                "//api/x",
                "/;x/api/x",
                "/api%2fx",
                "/api/%25%32%65%25%32%65/public/x",
                "/api/%252E./public/x",
                "/api/%252e%252e/public/x",
                "/api/%2E%2E/public/x",
                "/api/%2e%2E/public/x",
                "/api/%2e%2e/public/x",
                "/api/%2e./public/x",
                "/api/%2e/public/x",
                "/api/%c0%ae%c0%ae/public/x",
                "/api/%e0%80%ae%e0%80%ae/public/x",
                "/api/%u002e%u002e/public/x",
                "/api/.%2e/public/x",
                "/api//x",
                "/api/x%",
                "/api/x%00/../public/y",
                "/api/x%09/../../public/y",
                "/api/x%0a/../../public/y",
                "/api/x%2/../public/y",
                "/api/x%2F..%2F..%2Fpublic/y",
                "/api/x%2f..%2f..%2fpublic/y",
                "/api/x%5C..%5Cpublic/y",
                "/api/x%5c..%5c..%5cpublic/y",
                "/api/x%c0%af..%c0%afpublic/y",
                "/api/x/.%2E/.%2e/public/y",
                "/api/x/..%00/public/y",
                "/api/x/..%252f..%252fpublic/y",
                "/api/x/..%c0%af../public/y",
                "/api/x/..;/..;/public/y",
                "/api/x\\..\\..\\public/y",
                "/public%0d%0aX-Injected:%201",
                "/public/%2e%2e/api/x",
                "/public/..%2fapi/x",
                "/public/..;/api/x",
                "/public//../api/x",
                "/public/caf\u00c3\u00a9",
                "/public/caf\u00e9/../../api/x",
                "/public/x/;/../../api/x",
                "/public/y%00.json",
                "/public/y%7f",
                "/public\\..\\api/x");
    }

    /** Even with {@code UriCompliance.UNSAFE}, Jetty refuses {@code %00} and broken {@code %} escapes. */
    @Override
    Set<String> refusedByTheLenientContainer() {
        return Set.of(
                "/api/x%",
                "/api/x%00/../public/y",
                "/api/x%2/../public/y",
                "/api/x/..%00/public/y",
                "/public/y%00.json");
    }
}
