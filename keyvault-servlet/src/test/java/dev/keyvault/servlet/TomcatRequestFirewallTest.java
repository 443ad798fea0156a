package dev.keyvault.servlet;

import java.util.Set;

/** {@link AbstractRequestFirewallTest} on embedded Tomcat. */
class TomcatRequestFirewallTest extends AbstractRequestFirewallTest {

    @Override
    TestServer start(TestApp app) throws Exception {
        return TomcatServer.start(app, 64 * 1024);
    }

    @Override
    TestServer startLenient(TestApp app) throws Exception {
        return TomcatServer.start(app, 64 * 1024, true);
    }

    /**
     * Tomcat refuses encoded slashes and backslashes ({@code encodedSolidusHandling} and
     * {@code encodedReverseSolidusHandling} default to reject), raw backslashes, {@code %00},
     * broken {@code %} escapes, bad or overlong UTF-8 and raw non-ASCII bytes with its own 400;
     * everything else — {@code %2e%2e}, {@code ;} parameters, {@code //}, {@code %252e} — it
     * normalizes and would hand to the application.
     */
    @Override
    Set<String> refusedByTheContainer() {
        return Set.of(
                "/api%2fx",
                "/api/%c0%ae%c0%ae/public/x",
                "/api/%e0%80%ae%e0%80%ae/public/x",
                "/api/%u002e%u002e/public/x",
                "/api/x%",
                "/api/x%00/../public/y",
                "/api/x%2/../public/y",
                "/api/x%2F..%2F..%2Fpublic/y",
                "/api/x%2f..%2f..%2fpublic/y",
                "/api/x%5C..%5Cpublic/y",
                "/api/x%5c..%5c..%5cpublic/y",
                "/api/x%c0%af..%c0%afpublic/y",
                "/api/x/..%00/public/y",
                "/api/x/..%c0%af../public/y",
                "/api/x\\..\\..\\public/y",
                "/public/..%2fapi/x",
                "/public/caf\u00c3\u00a9",
                "/public/caf\u00e9/../../api/x",
                "/public/y%00.json",
                "/public\\..\\api/x");
    }

    /** Told to decode encoded slashes and backslashes, Tomcat still refuses {@code %00}, broken escapes, bad UTF-8 and raw non-ASCII. */
    @Override
    Set<String> refusedByTheLenientContainer() {
        return Set.of(
                "/api/%c0%ae%c0%ae/public/x",
                "/api/%e0%80%ae%e0%80%ae/public/x",
                "/api/%u002e%u002e/public/x",
                "/api/x%",
                "/api/x%00/../public/y",
                "/api/x%2/../public/y",
                "/api/x%c0%af..%c0%afpublic/y",
                "/api/x/..%00/public/y",
                "/api/x/..%c0%af../public/y",
                "/public/caf\u00c3\u00a9",
                "/public/caf\u00e9/../../api/x",
                "/public/y%00.json");
    }
}
