package dev.keyvault.servlet;

import java.util.List;

/** {@link AbstractApiKeyFilterTest} on embedded Tomcat 11. */
class TomcatApiKeyFilterTest extends AbstractApiKeyFilterTest {

    @Override
    TestServer start(TestApp app) throws Exception {
        return TomcatServer.start(app, 64 * 1024);
    }

    /** Tomcat unfolds obs-fold into one line (RFC 9112 §5.2 allows that), so the folded Bearer key is valid. */
    @Override
    List<Integer> crLfStatuses() {
        return List.of(400, 200, 200, 400, 401);
    }
}
