package dev.keyvault.servlet;

/** {@link AbstractDispatchTest} on embedded Tomcat. */
class TomcatDispatchTest extends AbstractDispatchTest {

    @Override
    TestServer start(TestApp app) throws Exception {
        return TomcatServer.start(app, 64 * 1024);
    }
}
