package dev.keyvault.console;

/** The console's API on embedded Tomcat 11. */
class TomcatConsoleApiTest extends AbstractConsoleApiTest {
    @Override
    TestServer start(ConsoleApp app) throws Exception {
        return TestServer.tomcat(app);
    }

    @Override
    String tablePrefix() {
        return "console_tomcat_";
    }
}
