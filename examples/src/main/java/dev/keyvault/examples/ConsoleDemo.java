package dev.keyvault.examples;

import dev.keyvault.KeyManager;
import dev.keyvault.console.ConsoleConfig;
import dev.keyvault.console.ConsoleServlet;
import dev.keyvault.console.spi.Catalogue;
import dev.keyvault.console.spi.ConsoleAccess;
import dev.keyvault.console.spi.ConsoleUser;
import dev.keyvault.examples.support.DemoApi;
import dev.keyvault.jdbc.JdbiKeyStore;
import dev.keyvault.servlet.ApiKeyFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The console on the walkthrough's data: runs the {@link Walkthrough} (its H2 file database under
 * {@code target/walkthrough}), then serves, on one embedded Jetty, a stand-in sign-in page, the console
 * under {@code /settings/api-keys} and the walkthrough's small API behind the filter (so a key made in
 * the console can be tried with curl). Prints the URL and runs until stopped (Ctrl-C).
 *
 * <p>The clock continues from the walkthrough's last day (day 100), so the rotations due and the
 * compliance report read as they did there. Sign in as {@code alice@acme} (the owner acme's keys) or
 * {@code olga} (operator). Run it with {@code mvn -q -Pconsole -pl examples -am package -DskipTests}
 * ({@code -Dconsole.port=8080} for a fixed port).
 */
public final class ConsoleDemo implements AutoCloseable {
    static final String MOUNT = "/settings/api-keys";
    private static final Instant DAY_100 = Instant.parse("2026-03-02T09:00:00Z").plus(Duration.ofDays(100));
    private static final Map<String, ConsoleUser> USERS = Map.of(
            "alice@acme", new ConsoleUser("alice@acme", "Alice (acme)", Set.of("acme"), false),
            "olga", new ConsoleUser("olga", "Olga (operator)", Set.of(), true));

    private final JdbcConnectionPool pool;
    private final KeyManager keys;
    private final Server server;
    private final String url;

    private ConsoleDemo(JdbcConnectionPool pool, KeyManager keys, Server server, String url) {
        this.pool = pool;
        this.keys = keys;
        this.server = server;
        this.url = url;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/walkthrough");
        int port = Integer.getInteger("console.port", 0);
        try (ConsoleDemo demo = start(dir, port, System.out)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("stopping")));
            demo.server.join();
        }
    }

    /** Runs the walkthrough into {@code dir}, then starts the console on its database; prints the URL to {@code out}. */
    static ConsoleDemo start(Path dir, int port, PrintStream out) throws Exception {
        out.println("keyvault console demo: preparing the walkthrough's data in " + dir + " …");
        new Walkthrough(new PrintStream(OutputStream.nullOutputStream()), dir).run();
        JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:file:" + dir.toAbsolutePath().resolve("keyvault"), "sa", "");
        Clock clock = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), DAY_100));
        KeyManager keys = KeyManager.builder().store(JdbiKeyStore.builder(pool).build()).clock(clock).keyPrefix("kb_live")
                .usageFlushInterval(Duration.ofSeconds(1)).build();
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new SignIn()), "/");
        context.addServlet(new ServletHolder(new ConsoleServlet(keys, ConsoleConfig.builder(new SessionAccess()).build())), MOUNT + "/*");
        context.addFilter(new FilterHolder(new ApiKeyFilter(keys, DemoApi.config(clock))), "/articles/*", EnumSet.allOf(DispatcherType.class));
        context.addServlet(new ServletHolder(new DemoApi.KnowledgeBase()), "/articles/*");
        server.setHandler(context);
        server.start();
        String url = "http://127.0.0.1:" + connector.getLocalPort() + "/";
        out.println("keyvault console demo: " + url + "  (sign in as alice@acme or olga; the console is at "
                + url.substring(0, url.length() - 1) + MOUNT + "/)");
        out.println("  try a key made there: curl -H 'Authorization: Bearer <key>' " + url + "articles/1");
        out.println("  stop with Ctrl-C");
        return new ConsoleDemo(pool, keys, server, url);
    }

    String url() {
        return url;
    }

    @Override
    public void close() throws Exception {
        server.stop();
        keys.close();
        pool.dispose();
    }

    /** The stand-in for the host's sign-in: pick a user, and the session remembers them. */
    static final class SignIn extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String user = req.getParameter("user");
            if (user != null && USERS.containsKey(user)) {
                req.getSession(true).setAttribute("user", user);
                resp.sendRedirect(MOUNT + "/");
                return;
            }
            resp.setContentType("text/html;charset=utf-8");
            resp.setHeader("Content-Security-Policy", "default-src 'none'");
            resp.getWriter().write("<!doctype html><html lang=en><title>Sign in — keyvault demo</title><h1>keyvault console demo</h1>"
                    + "<p>The host application signs people in; this stand-in lets you pick one.</p><ul>"
                    + "<li><a href='?user=alice%40acme'>Sign in as alice@acme</a> — the keys of acme (self-service)</li>"
                    + "<li><a href='?user=olga'>Sign in as olga</a> — operator: every owner, rotations due, compliance, audits</li></ul>");
        }
    }

    /** Who is signed in: the user the stand-in sign-in put in the session. */
    static final class SessionAccess implements ConsoleAccess {
        @Override
        public Optional<ConsoleUser> currentUser(HttpServletRequest request) {
            HttpSession session = request.getSession(false);
            return session == null ? Optional.empty() : Optional.ofNullable(USERS.get(String.valueOf(session.getAttribute("user"))));
        }

        @Override
        public Catalogue catalogue(ConsoleUser user, String owner) {
            return new Catalogue(List.of(Catalogue.scope("kb:read", "Read articles"), Catalogue.scope("kb:write", "Create and edit articles"),
                    Catalogue.scope("kb:admin", "Administer users")), List.of("standard", "free"), List.of("production", "staging"));
        }
    }
}
