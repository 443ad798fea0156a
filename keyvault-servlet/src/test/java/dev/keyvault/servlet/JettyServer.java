package dev.keyvault.servlet;

import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** Embedded Jetty 12 (ee10), loopback, ephemeral port. */
final class JettyServer implements TestServer {
    private final Server server;
    private final ServerConnector connector;
    private final TestApp app;

    private JettyServer(Server server, ServerConnector connector, TestApp app) {
        this.server = server;
        this.connector = connector;
        this.app = app;
    }

    static JettyServer start(TestApp app, int requestHeaderSize) throws Exception {
        return start(app, requestHeaderSize, false);
    }

    /**
     * @param lenient let through every URI Jetty can be told to accept — encoded slashes, ambiguous
     *                segments, backslashes, bad encodings ({@code UriCompliance.UNSAFE}) — as a host
     *                that needs one of them might configure it
     */
    static JettyServer start(TestApp app, int requestHeaderSize, boolean lenient) throws Exception {
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(requestHeaderSize);
        http.setSendServerVersion(false);
        if (lenient) {
            http.setUriCompliance(UriCompliance.UNSAFE);
        }
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        if (lenient) {
            context.getServletHandler().setDecodeAmbiguousURIs(true);
        }
        ErrorPageErrorHandler errors = new ErrorPageErrorHandler();
        errors.addErrorPage(404, TestApp.ERROR_PAGE);
        context.setErrorHandler(errors);
        context.addServletContainerInitializer(app);
        server.setHandler(context);
        server.start();
        return new JettyServer(server, connector, app);
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public TestApp app() {
        return app;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
