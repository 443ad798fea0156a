package dev.keyvault.scanning;

import jakarta.servlet.Servlet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.ErrorReportValve;

/** Embedded Tomcat 11, loopback, ephemeral port, its default error page off (as in production). */
final class TomcatServer implements TestServer {
    private final Tomcat tomcat;
    private final Connector connector;
    private final Path base;

    private TomcatServer(Tomcat tomcat, Connector connector, Path base) {
        this.tomcat = tomcat;
        this.connector = connector;
        this.base = base;
    }

    static TomcatServer start(Map<String, Servlet> servlets) throws Exception {
        Path base = Files.createTempDirectory("tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        ErrorReportValve errors = new ErrorReportValve();
        errors.setShowReport(false);
        errors.setShowServerInfo(false);
        tomcat.getHost().getPipeline().addValve(errors);
        Context context = tomcat.addContext("", base.toString());
        int i = 0;
        for (Map.Entry<String, Servlet> e : servlets.entrySet()) {
            String name = "servlet-" + i++;
            Tomcat.addServlet(context, name, e.getValue());
            context.addServletMappingDecoded(e.getKey(), name);
        }
        tomcat.start();
        return new TomcatServer(tomcat, connector, base);
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        tomcat.stop();
        tomcat.destroy();
        try (var files = Files.walk(base)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
