package dev.keyvault.servlet;

/** {@link AbstractKeyPoliciesFilterTest} on embedded Jetty. */
class JettyKeyPoliciesFilterTest extends AbstractKeyPoliciesFilterTest {

    @Override
    TestServer start(TestApp app) throws Exception {
        return JettyServer.start(app, 64 * 1024);
    }
}
