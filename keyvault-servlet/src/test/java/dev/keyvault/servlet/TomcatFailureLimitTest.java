package dev.keyvault.servlet;

/** {@link AbstractFailureLimitTest} on embedded Tomcat. */
class TomcatFailureLimitTest extends AbstractFailureLimitTest {

    @Override
    TestServer start(TestApp app) throws Exception {
        return TomcatServer.start(app, 64 * 1024);
    }
}
