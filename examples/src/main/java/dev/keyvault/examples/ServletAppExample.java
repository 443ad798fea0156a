package dev.keyvault.examples;

import dev.keyvault.IssuedKey;
import dev.keyvault.KeyHashers;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.examples.support.DemoApi;
import dev.keyvault.examples.support.Http;
import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.servlet.ApiKeyFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.io.PrintStream;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * A servlet application that installs the filter the declarative way, as {@code web.xml} would:
 * the filter by class name with init-params (rules and tiers as text), the {@link KeyManager} put
 * into the {@code ServletContext} by a listener under {@link ApiKeyFilter#KEY_MANAGER_ATTRIBUTE}.
 * The equivalent {@code web.xml}:
 *
 * <pre>{@code
 * <listener><listener-class>com.example.KeysListener</listener-class></listener>
 * <filter>
 *   <filter-name>api-keys</filter-name>
 *   <filter-class>dev.keyvault.servlet.ApiKeyFilter</filter-class>
 *   <init-param><param-name>realm</param-name><param-value>kb</param-value></init-param>
 *   <init-param><param-name>rules</param-name><param-value>
 *     GET /health permitAll; GET /articles/** kb:read; POST /articles/** kb:write
 *   </param-value></init-param>
 *   <init-param><param-name>tiers</param-name><param-value>
 *     free 5/m burst 5; standard 600/m burst 100
 *   </param-value></init-param>
 *   <init-param><param-name>fallback-tier</param-name><param-value>free</param-value></init-param>
 * </filter>
 * <filter-mapping>
 *   <filter-name>api-keys</filter-name><url-pattern>/*</url-pattern>
 *   <dispatcher>REQUEST</dispatcher><dispatcher>FORWARD</dispatcher><dispatcher>INCLUDE</dispatcher>
 *   <dispatcher>ASYNC</dispatcher><dispatcher>ERROR</dispatcher>
 * </filter-mapping>
 * }</pre>
 */
public final class ServletAppExample {
    private ServletAppExample() {}

    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /** What a host's {@code ServletContextListener} does: make the application's KeyManager available. */
    public static final class KeysListener implements ServletContextListener {
        private final KeyManager keys;

        public KeysListener(KeyManager keys) {
            this.keys = keys;
        }

        @Override
        public void contextInitialized(ServletContextEvent sce) {
            sce.getServletContext().setAttribute(ApiKeyFilter.KEY_MANAGER_ATTRIBUTE, keys);
        }
    }

    static void run(PrintStream out) throws Exception {
        try (KeyManager keys = KeyManager.builder().store(InMemoryKeyStore.create()).hasher(KeyHashers.hmacSha256()).build()) {
            ServletContextHandler context = new ServletContextHandler();
            context.setContextPath("/");
            context.addEventListener(new KeysListener(keys));
            FilterHolder filter = new FilterHolder(ApiKeyFilter.class);
            filter.setInitParameter("realm", "kb");
            filter.setInitParameter("rules", "GET /health permitAll; GET /articles/** kb:read; POST /articles/** kb:write");
            filter.setInitParameter("tiers", "free 5/m burst 5; standard 600/m burst 100");
            filter.setInitParameter("fallback-tier", "free");
            context.addFilter(filter, "/*", EnumSet.allOf(DispatcherType.class));
            context.addServlet(new ServletHolder(new DemoApi.KnowledgeBase()), "/*");

            IssuedKey reader = keys.issue(KeySpec.builder("acme", "Docs site (read)").scopes("kb:read").tier("free").build());
            IssuedKey writer = keys.issue(KeySpec.builder("acme", "CMS sync (write)").scopes("kb:read", "kb:write").tier("standard").build());
            try (DemoApi api = DemoApi.start(context)) {
                Http http = new Http(api.uri());
                out.println("servlet app on " + api.uri() + ", filter installed from init-params");
                show(out, "health check, no key", http.call("GET", "/health", null, "10.0.0.1", "probe/1.0"));
                show(out, "read with the read key", http.call("GET", "/articles/7", reader.token(), "10.0.0.1", "docs/1.0"));
                show(out, "write with the read key", http.call("POST", "/articles", reader.token(), "10.0.0.1", "docs/1.0"));
                show(out, "write with the write key", http.call("POST", "/articles", writer.token(), "10.0.0.2", "cms/3.2"));
                show(out, "no key", http.call("GET", "/articles/7", null, "10.0.0.3", "curl/8.5"));
                int status = 0;
                int calls = 0;
                while (status != 429 && calls < 20) {
                    status = http.call("GET", "/articles/" + calls, reader.token(), "10.0.0.1", "docs/1.0").status();
                    calls++;
                }
                // the read key already made two requests above (a read and the refused write)
                out.println("  free tier (5/min, burst 5): the read key's request #" + (calls + 2) + " within the minute → " + status);
                show(out, "standard tier meanwhile", http.call("GET", "/articles/7", writer.token(), "10.0.0.2", "cms/3.2"));
            }
        }
    }

    private static void show(PrintStream out, String what, Http.Response r) {
        out.printf("  %-26s → %d%s%n", what, r.status(), r.challenge().isEmpty() ? "" : "  WWW-Authenticate: " + r.challenge());
    }
}
