package dev.keyvault.servlet;

/** {@link AbstractKeepAliveTest} on embedded Tomcat. */
class TomcatKeepAliveTest extends AbstractKeepAliveTest {

    @Override
    TestServer start(TestApp app) throws Exception {
        return TomcatServer.start(app, 64 * 1024);
    }
}
