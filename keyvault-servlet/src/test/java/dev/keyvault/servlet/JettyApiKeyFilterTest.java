package dev.keyvault.servlet;

import java.util.List;

/** {@link AbstractApiKeyFilterTest} on embedded Jetty 12 (ee10). */
class JettyApiKeyFilterTest extends AbstractApiKeyFilterTest {

    @Override
    TestServer start(TestApp app) throws Exception {
        return JettyServer.start(app, 64 * 1024);
    }

    /** Jetty refuses bare CR, obs-fold and NUL itself, and ends a header line at a bare LF. */
    @Override
    List<Integer> crLfStatuses() {
        return List.of(400, 200, 400, 400, 401);
    }
}
