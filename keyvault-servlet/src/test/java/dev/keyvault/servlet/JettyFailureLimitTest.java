package dev.keyvault.servlet;

/** {@link AbstractFailureLimitTest} on embedded Jetty. */
class JettyFailureLimitTest extends AbstractFailureLimitTest {

    @Override
    TestServer start(TestApp app) throws Exception {
        return JettyServer.start(app, 64 * 1024);
    }
}
