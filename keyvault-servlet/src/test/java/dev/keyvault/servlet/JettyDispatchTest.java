package dev.keyvault.servlet;

/** {@link AbstractDispatchTest} on embedded Jetty. */
class JettyDispatchTest extends AbstractDispatchTest {

    @Override
    TestServer start(TestApp app) throws Exception {
        return JettyServer.start(app, 64 * 1024);
    }
}
