package dev.keyvault.servlet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.tomcat.util.descriptor.web.ErrorPage;

/** Embedded Tomcat 11, loopback, ephemeral port. */
final class TomcatServer implements TestServer {
    private final Tomcat tomcat;
    private final Connector connector;
    private final TestApp app;

    private TomcatServer(Tomcat tomcat, Connector connector, TestApp app) {
        this.tomcat = tomcat;
        this.connector = connector;
        this.app = app;
    }

    static TomcatServer start(TestApp app, int maxHttpHeaderSize) throws Exception {
        return start(app, maxHttpHeaderSize, false);
    }

    /**
     * @param lenient let through what Tomcat can be told to accept — encoded slashes and
     *                backslashes (decoded), raw backslashes as separators — as a host that needs one
     *                of them might configure it
     */
    static TomcatServer start(TestApp app, int maxHttpHeaderSize, boolean lenient) throws Exception {
        Path base = Files.createTempDirectory("tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("maxHttpHeaderSize", Integer.toString(maxHttpHeaderSize));
        connector.setProperty("maxHttpRequestHeaderSize", Integer.toString(maxHttpHeaderSize));
        if (lenient) {
            connector.setEncodedSolidusHandling("decode");
            connector.setEncodedReverseSolidusHandling("decode");
            connector.setAllowBackslash(true);
            connector.setProperty("relaxedPathChars", "\\\"<>[]^`{|}");
        }
        tomcat.setConnector(connector);
        // Tomcat's default error page quotes the rejected header line (key included) and a stack trace
        // when the connector refuses a malformed request; production deployments switch that off too.
        ErrorReportValve errors = new ErrorReportValve();
        errors.setShowReport(false);
        errors.setShowServerInfo(false);
        tomcat.getHost().getPipeline().addValve(errors);
        Context context = tomcat.addContext("", base.toString());
        ErrorPage notFound = new ErrorPage();
        notFound.setErrorCode(404);
        notFound.setLocation(TestApp.ERROR_PAGE);
        context.addErrorPage(notFound);
        context.addServletContainerInitializer(app, null);
        // Tomcat logs why a context failed (a filter's init exception, say) instead of throwing it: collect it.
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Handler collector = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getThrown() != null) {
                    failures.add(record.getThrown());
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger catalina = Logger.getLogger("org.apache.catalina");
        catalina.addHandler(collector);
        try {
            tomcat.start();
        } finally {
            catalina.removeHandler(collector);
        }
        if (context.getState() != LifecycleState.STARTED) {
            tomcat.stop();
            tomcat.destroy();
            IllegalStateException e = new IllegalStateException("the Tomcat context did not start: " + context.getState());
            failures.forEach(e::addSuppressed);
            throw e;
        }
        return new TomcatServer(tomcat, connector, app);
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
        tomcat.stop();
        tomcat.destroy();
    }
}
