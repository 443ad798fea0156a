package dev.keyvault.servlet;

/** {@link AbstractEdgeTest} on embedded Tomcat. */
class TomcatEdgeTest extends AbstractEdgeTest {

    @Override
    TestServer start(TestApp app) throws Exception {
        return TomcatServer.start(app, 64 * 1024);
    }
}
