package dev.keyvault.servlet;

/** {@link AbstractKeyPoliciesFilterTest} on embedded Tomcat. */
class TomcatKeyPoliciesFilterTest extends AbstractKeyPoliciesFilterTest {

    @Override
    TestServer start(TestApp app) throws Exception {
        return TomcatServer.start(app, 64 * 1024);
    }
}
