package dev.keyvault.console;

/** The console's API on embedded Jetty 12 (ee10). */
class JettyConsoleApiTest extends AbstractConsoleApiTest {
    @Override
    TestServer start(ConsoleApp app) throws Exception {
        return TestServer.jetty(app);
    }

    @Override
    String tablePrefix() {
        return "console_jetty_";
    }
}
