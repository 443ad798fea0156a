package dev.keyvault.examples.support;

import dev.keyvault.KeyManager;
import dev.keyvault.servlet.ApiKeyFilter;
import dev.keyvault.servlet.ApiKeyFilterConfig;
import dev.keyvault.servlet.ApiKeyPrincipal;
import dev.keyvault.servlet.Rule;
import dev.keyvault.servlet.Tier;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A small knowledge-base API on embedded Jetty 12, protected by {@link ApiKeyFilter}:
 * {@code GET /articles/**} needs {@code kb:read}, {@code POST /articles/**} needs {@code kb:write},
 * {@code DELETE /admin/**} needs {@code kb:admin}; two tiers, {@code standard} and {@code free}
 * (also the fallback of keys of any other tier).
 * Listens on an ephemeral loopback port.
 */
public final class DemoApi implements AutoCloseable {
    private final Server server;
    private final URI uri;

    private DemoApi(Server server, URI uri) {
        this.server = server;
        this.uri = uri;
    }

    /** The programmatic way to install the filter: build a config, hand the instance to the container. */
    public static ApiKeyFilterConfig config(Clock clock) {
        return ApiKeyFilterConfig.builder()
                .realm("kb")
                .rule(Rule.permitAll("GET", "/health"))
                .rule(Rule.requireScopes("GET", "/articles/**", "kb:read"))
                .rule(Rule.requireScopes("POST", "/articles/**", "kb:write"))
                .rule(Rule.requireScopes("DELETE", "/admin/**", "kb:admin"))
                .tier(Tier.of("standard", 600, Duration.ofMinutes(1), 100))
                .tier(Tier.of("free", 60, Duration.ofMinutes(1), 10))
                .fallbackTier("free") // keys of any other tier get the free tier's limits, never none
                .trustedProxies("127.0.0.1", "::1")
                .clock(clock)
                .build();
    }

    public static DemoApi start(KeyManager keys, Clock clock) throws Exception {
        return start(new ApiKeyFilter(keys, config(clock)));
    }

    public static DemoApi start(ApiKeyFilter filter) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addFilter(new FilterHolder(filter), "/*", EnumSet.allOf(DispatcherType.class));
        context.addServlet(new ServletHolder(new KnowledgeBase()), "/*");
        server.setHandler(context);
        server.start();
        return new DemoApi(server, URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/"));
    }

    /** Starts the API with an already configured context (used by the web.xml-style example). */
    public static DemoApi start(ServletContextHandler context) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(context);
        server.start();
        return new DemoApi(server, URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/"));
    }

    public URI uri() {
        return uri;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** The application behind the filter: it sees the verified key as the request's principal. */
    public static final class KnowledgeBase extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String owner = req.getUserPrincipal() instanceof ApiKeyPrincipal p ? p.key().owner() : "anonymous";
            resp.setStatus(req.getMethod().equals("POST") ? 201 : 200);
            resp.setContentType("application/json");
            resp.getWriter().write("{\"path\":\"" + req.getRequestURI().replaceAll("[^A-Za-z0-9/_-]", "")
                    + "\",\"owner\":\"" + owner.replaceAll("[^A-Za-z0-9 _-]", "") + "\"}");
        }
    }
}
