package dev.keyvault.servlet;

/** {@link AbstractEdgeTest} on embedded Jetty. */
class JettyEdgeTest extends AbstractEdgeTest {

    @Override
    TestServer start(TestApp app) throws Exception {
        return JettyServer.start(app, 64 * 1024);
    }
}
