package dev.keyvault.servlet;

/** {@link AbstractKeepAliveTest} on embedded Jetty. */
class JettyKeepAliveTest extends AbstractKeepAliveTest {

    @Override
    TestServer start(TestApp app) throws Exception {
        return JettyServer.start(app, 64 * 1024);
    }
}
