package dev.keyvault.console;

import dev.keyvault.KeyManager;
import dev.keyvault.servlet.ApiKeyFilter;
import dev.keyvault.servlet.ApiKeyFilterConfig;
import dev.keyvault.servlet.Rule;
import dev.keyvault.servlet.Tier;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The host application of the tests, deployed the same way on Jetty and Tomcat: a login page that
 * puts a user in the session ({@code /login?user=…}), the console under {@value #MOUNT}, and a small
 * API protected by keyvault's filter under {@code /kb/*} ({@code GET} needs {@code kb:read},
 * {@code POST} {@code kb:write}, {@code DELETE /kb/admin/**} {@code kb:admin}; consumers name
 * themselves in {@code X-Client-Name}). A filter over everything records each request's URI and query,
 * so tests can show no token ever travels in a URL.
 */
public final class ConsoleApp implements ServletContainerInitializer {
    public static final String MOUNT = "/settings/api-keys";

    private final KeyManager keys;
    private final ConsoleConfig config;
    private final List<String> requestLines = new CopyOnWriteArrayList<>();

    public ConsoleApp(KeyManager keys, ConsoleConfig config) {
        this.keys = keys;
        this.config = config;
    }

    /** Every request URI with its query, in arrival order. */
    public List<String> requestLines() {
        return requestLines;
    }

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        context.addFilter("request-log", new Filter() {
            @Override
            public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
                HttpServletRequest http = (HttpServletRequest) request;
                requestLines.add(http.getMethod() + " " + http.getRequestURI() + (http.getQueryString() == null ? "" : "?" + http.getQueryString()));
                chain.doFilter(request, response);
            }
        }).addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
        context.addServlet("login", new Login()).addMapping("/login");
        context.addServlet("console", new ConsoleServlet(keys, config)).addMapping(MOUNT + "/*");
        ApiKeyFilterConfig api = ApiKeyFilterConfig.builder()
                .realm("kb")
                .rule(Rule.requireScopes("GET", "/kb/**", "kb:read"))
                .rule(Rule.requireScopes("POST", "/kb/**", "kb:write"))
                .rule(Rule.requireScopes("DELETE", "/kb/admin/**", "kb:admin"))
                .tier(Tier.of("standard", 100_000, Duration.ofMinutes(1), 10_000))
                .tier(Tier.of("free", 100_000, Duration.ofMinutes(1), 10_000))
                .fallbackTier("free")
                .withoutFailureLimit()
                .clientLabelHeader("X-Client-Name")
                .trustedProxies("127.0.0.1", "::1")
                .build();
        context.addFilter("api-keys", new ApiKeyFilter(keys, api))
                .addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), false, "/kb/*");
        context.addServlet("kb", new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setStatus(req.getMethod().equals("POST") ? 201 : 200);
                resp.setContentType("text/plain");
                resp.getWriter().write("ok");
            }
        }).addMapping("/kb/*");
    }

    /** The host's sign-in, reduced to its effect: {@code /login?user=alice} puts alice in a new session. */
    static final class Login extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            if (req.getSession(false) != null) {
                req.getSession(false).invalidate();
            }
            String user = req.getParameter("user");
            if (user != null && !user.isEmpty()) {
                req.getSession(true).setAttribute(TestAccess.SESSION_USER, user);
            }
            resp.setStatus(302);
            resp.setHeader("Location", req.getContextPath() + MOUNT + "/");
        }
    }
}
