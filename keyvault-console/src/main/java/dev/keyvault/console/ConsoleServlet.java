package dev.keyvault.console;

import static java.util.Objects.requireNonNull;

import dev.keyvault.KeyManager;
import dev.keyvault.console.internal.Console;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The console: the "Settings → API keys" page, the operator views and the JSON API they use, in one
 * servlet that the host registers under a path of its choice, inside its own authentication:
 *
 * <pre>{@code
 * ConsoleServlet console = new ConsoleServlet(keys, ConsoleConfig.builder(access).build());
 * servletContext.addServlet("api-keys", console).addMapping("/settings/api-keys/*");
 * }</pre>
 *
 * Below the mount: the page at {@code /} (a request for the mount itself is redirected there), its
 * files under {@code /assets/}, the API under {@code /api/}, and the API's OpenAPI 3.1 description at
 * {@code /api/openapi.json}. Every answer carries a strict {@code Content-Security-Policy} (no inline
 * script or style, no framing), {@code Cache-Control: no-store} and {@code nosniff}; every API refusal
 * is {@code application/problem+json}. Who may do what comes from the host's
 * {@link dev.keyvault.console.spi.ConsoleAccess}; CSRF protection from {@link CsrfProtection}.
 *
 * <p>Do not map the servlet filter that verifies API keys ({@code ApiKeyFilter}) over the console's
 * path: the console is for signed-in people, not for API keys. Thread-safe.
 */
public class ConsoleServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient Console console;

    public ConsoleServlet(KeyManager keys, ConsoleConfig config) {
        requireNonNull(keys, "keys");
        requireNonNull(config, "config");
        this.console = new Console(keys, config);
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        console.handle(request, response);
    }
}
