package dev.keyvault.console.internal;

import dev.keyvault.CapacityExceededException;
import dev.keyvault.DuplicateKeyException;
import dev.keyvault.HashingException;
import dev.keyvault.KeyManager;
import dev.keyvault.KeyStateException;
import dev.keyvault.KeyStoreException;
import dev.keyvault.UnknownKeyException;
import dev.keyvault.console.ConsoleConfig;
import dev.keyvault.console.spi.ConsoleUser;
import dev.keyvault.servlet.ProblemResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything behind {@code ConsoleServlet}: the firewall, the page and its assets, the API's
 * routes, and the one place where refusals and failures become problem+json. Thread-safe.
 */
public final class Console {
    private static final Logger LOG = LoggerFactory.getLogger(Console.class);

    private final KeyManager keys;
    private final ConsoleConfig config;
    private final Assets assets;
    private final OpenApi openApi;
    private final CsrfTokens csrf;
    private final SelfServiceApi self;
    private final OperatorApi operator;

    public Console(KeyManager keys, ConsoleConfig config) {
        this.keys = keys;
        this.config = config;
        this.assets = Assets.load();
        this.openApi = OpenApi.load();
        this.csrf = config.csrf().secret().map(s -> new CsrfTokens(s, keys.clock())).orElse(null);
        this.self = new SelfServiceApi(keys, config, csrf);
        this.operator = new OperatorApi(keys, config);
    }

    public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        SecurityHeaders.apply(response);
        try {
            if (config.firewall().check(request).isPresent()) {
                throw Problems.notCanonical();
            }
            String path = request.getPathInfo();
            String method = request.getMethod();
            if (path == null || path.isEmpty()) {
                // mounted at /settings/api-keys and asked for it without the slash: the page's relative
                // links need the slash
                requireMethod(method, "GET", "HEAD");
                response.setStatus(302);
                response.setHeader("Location", request.getRequestURI() + "/");
                return;
            }
            if (path.equals("/") || path.equals("/index.html")) {
                requireMethod(method, "GET", "HEAD");
                Assets.write(assets.get("index.html").orElseThrow(), request, response);
                return;
            }
            if (path.startsWith("/assets/")) {
                String name = path.substring("/assets/".length());
                Assets.Asset asset = name.equals("index.html") ? null : assets.get(name).orElse(null);
                if (asset == null) {
                    throw Problems.notFound();
                }
                requireMethod(method, "GET", "HEAD");
                Assets.write(asset, request, response);
                return;
            }
            if (path.startsWith("/api/")) {
                api(request, response, path.substring("/api/".length()).split("/", -1));
                return;
            }
            throw Problems.notFound();
        } catch (ApiProblem p) {
            problem(request, response, p);
        } catch (UnknownKeyException e) {
            problem(request, response, Problems.noSuchKey());
        } catch (DuplicateKeyException e) {
            problem(request, response, Problems.conflict(Problems.DUPLICATE_NAME, "Name taken",
                    "This owner already has an active key with this name"));
        } catch (KeyStateException e) {
            problem(request, response, Problems.conflict(Problems.KEY_STATE, "Not possible in this state", e.getMessage()));
        } catch (KeyStoreException | CapacityExceededException | HashingException e) {
            LOG.warn("console: the key store failed ({})", e.getClass().getSimpleName());
            response.setHeader("Retry-After", "5");
            problem(request, response, Problems.unavailable());
        } catch (IllegalArgumentException e) {
            problem(request, response, Problems.badRequest(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warn("console: request failed ({})", e.getClass().getName());
            LOG.debug("console: request failure", e);
            problem(request, response, Problems.internal());
        }
    }

    private void api(HttpServletRequest request, HttpServletResponse response, String[] p) throws IOException {
        String method = request.getMethod();
        if (p.length == 1 && p[0].equals("openapi.json")) {
            requireMethod(method, "GET");
            openApi.write(request, response);
            return;
        }
        Route route = Route.match(p, method);
        if (route == null) {
            throw Problems.notFound();
        }
        if (!route.method().equals(method)) {
            response.setHeader("Allow", route.allow());
            throw Problems.methodNotAllowed();
        }
        Optional<ConsoleUser> user = config.access().currentUser(request);
        if (user.isEmpty()) {
            throw Problems.unauthorized();
        }
        if (method.equals("POST")) {
            if (csrf != null) {
                csrf.check(request, user.get().id());
            } else if (config.csrf().hostCsrf().orElseThrow().token(request).isEmpty()) {
                // The host checks CSRF, yet its check did not run for this request (a chain with CSRF
                // off covers the console): refuse rather than run with no protection at all.
                throw Problems.csrf("The application's CSRF protection does not cover the console's path");
            }
        }
        Call call = new Call(request, response, user.get(), keys);
        String id = route.id(p);
        switch (route) {
            case SESSION -> self.session(call);
            case CATALOGUE -> self.catalogue(call);
            case KEYS -> self.list(call);
            case CREATE -> self.create(call);
            case KEY -> self.get(call, id);
            case HISTORY -> self.history(call, id);
            case ROTATE -> self.rotate(call, id);
            case ROTATION -> self.rotation(call, id);
            case COMPLETE -> self.complete(call, id);
            case REVOKE -> self.revoke(call, id);
            case OPERATOR_KEYS -> operator.keys(call);
            case DUE -> operator.due(call);
            case COMPLIANCE -> operator.compliance(call);
            case EMERGENCY -> operator.emergency(call, id);
            case AUDIT -> operator.audit(call, id);
            case REVOKE_ALL -> operator.revokeAll(call);
        }
    }

    private static void requireMethod(String method, String... allowed) {
        for (String a : allowed) {
            if (a.equals(method)) {
                return;
            }
        }
        throw Problems.methodNotAllowed();
    }

    static void problem(HttpServletRequest request, HttpServletResponse response, ApiProblem p) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        if (request.getAttribute(Call.BODY_TAKEN) == null) {
            // a refusal before the body was read (401, 403, CSRF, 404, 405, 415): keep the connection usable
            ProblemResponses.releaseUnreadBody(request, response);
        }
        if (p.status() == 405 && response.getHeader("Allow") == null) {
            response.setHeader("Allow", "GET, HEAD");
        }
        byte[] body = Json.write(p.body());
        response.setStatus(p.status());
        response.setContentType("application/problem+json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
