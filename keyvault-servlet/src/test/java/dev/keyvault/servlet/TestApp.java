package dev.keyvault.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The application under test, deployed the same way on every container through the portable
 * {@link ServletContainerInitializer} API: context attributes, the app servlet on {@code /*} and the
 * filter on {@code /*} for every dispatcher type, as its documentation asks — either a configured
 * instance (programmatic) or the filter class with init-params, instantiated and initialized by the
 * container exactly as from web.xml (declarative). Each container's server sends 404s to the error
 * page {@value #ERROR_PAGE}.
 */
final class TestApp implements ServletContainerInitializer {
    /** Where the servers send 404s: an ERROR dispatch to the app servlet. No rule covers it. */
    static final String ERROR_PAGE = "/errors/page";

    private final Filter instance;
    private final Map<String, String> initParams;
    private final Map<String, Object> attributes;
    private final List<String> servletRuns = new CopyOnWriteArrayList<>();

    private TestApp(Filter instance, Map<String, String> initParams, Map<String, Object> attributes) {
        this.instance = instance;
        this.initParams = initParams;
        this.attributes = attributes;
    }

    /** The app behind a configured filter instance: an {@link ApiKeyFilter}, or another entry point. */
    static TestApp programmatic(Filter filter) {
        return new TestApp(filter, Map.of(), Map.of());
    }

    static TestApp declarative(Map<String, String> initParams, Map<String, Object> contextAttributes) {
        return new TestApp(null, new LinkedHashMap<>(initParams), new LinkedHashMap<>(contextAttributes));
    }

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        attributes.forEach(context::setAttribute);
        ServletRegistration.Dynamic servlet = context.addServlet("app", new AppServlet(servletRuns));
        servlet.addMapping("/*");
        servlet.setAsyncSupported(true);
        FilterRegistration.Dynamic filter = instance != null
                ? context.addFilter("api-keys", instance)
                : context.addFilter("api-keys", ApiKeyFilter.class);
        initParams.forEach(filter::setInitParameter);
        filter.setAsyncSupported(true);
        filter.addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), false, "/*");
    }

    /** Every time the app servlet ran: its dispatcher type and request URI, such as {@code REQUEST /articles/1}. */
    List<String> servletRuns() {
        return servletRuns;
    }

    /**
     * Answers 200 with what it sees of the caller; {@code …/404} answers 404, {@code …/boom} throws,
     * {@code /async/…} completes asynchronously with 202. Dispatches to a path: {@code …/forward/P}
     * forwards to {@code /P}; {@code …/include/P} writes {@code before|}, includes {@code /P}, then
     * writes {@code |after}, and {@code …/flush-include/P} does the same but commits the response
     * before including; {@code …/async-dispatch/P} starts async and dispatches to {@code /P};
     * {@code …/async-redispatch} dispatches back to itself. Included, forwarded-to and async
     * dispatched-to paths render the usual answer; the error page renders {@code error-page} with
     * the status and the key the request carries.
     */
    static final class AppServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient List<String> runs;

        AppServlet(List<String> runs) {
            this.runs = runs;
        }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
            DispatcherType type = req.getDispatcherType();
            runs.add(type + " " + (type == DispatcherType.INCLUDE
                    ? req.getAttribute(RequestDispatcher.INCLUDE_REQUEST_URI) : req.getRequestURI()));
            String path = req.getPathInfo() == null ? "" : req.getPathInfo();
            if (type == DispatcherType.ERROR) {
                Object key = req.getAttribute(ApiKeyFilter.API_KEY_ATTRIBUTE);
                resp.getOutputStream().write(("error-page " + req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE)
                        + " key=" + (key instanceof dev.keyvault.ApiKey k ? k.id() : null)).getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (type == DispatcherType.REQUEST && dispatch(req, resp, path)) {
                return;
            }
            if (type != DispatcherType.REQUEST) {
                answer(req, resp);
                return;
            }
            if (path.endsWith("/boom")) {
                throw new IllegalStateException("the application failed");
            }
            if (path.startsWith("/async/")) {
                AsyncContext async = req.startAsync();
                async.start(() -> {
                    HttpServletResponse r = (HttpServletResponse) async.getResponse();
                    r.setStatus(202);
                    async.complete();
                });
                return;
            }
            if (path.endsWith("/404")) {
                resp.sendError(404);
                return;
            }
            answer(req, resp);
        }

        /** Performs the dispatch {@code path} asks for, if any. */
        private static boolean dispatch(HttpServletRequest req, HttpServletResponse resp, String path)
                throws IOException, ServletException {
            int marker;
            if ((marker = path.indexOf("/forward/")) >= 0) {
                req.getRequestDispatcher(path.substring(marker + "/forward".length())).forward(req, resp);
                return true;
            }
            if ((marker = path.indexOf("/flush-include/")) >= 0 || (marker = path.indexOf("/include/")) >= 0) {
                boolean flush = path.startsWith("/flush-include/", marker);
                String target = path.substring(marker + (flush ? "/flush-include" : "/include").length());
                resp.setStatus(200);
                resp.getOutputStream().write("before|".getBytes(StandardCharsets.UTF_8));
                if (flush) {
                    resp.flushBuffer();
                }
                req.getRequestDispatcher(target).include(req, resp);
                resp.getOutputStream().write("|after".getBytes(StandardCharsets.UTF_8));
                return true;
            }
            if ((marker = path.indexOf("/async-dispatch/")) >= 0) {
                req.startAsync().dispatch(path.substring(marker + "/async-dispatch".length()));
                return true;
            }
            if (path.endsWith("/async-redispatch")) {
                req.startAsync().dispatch();
                return true;
            }
            return false;
        }

        private static void answer(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            Object key = req.getAttribute(ApiKeyFilter.API_KEY_ATTRIBUTE);
            String body = "owner=" + req.getRemoteUser()
                    + ";principal=" + (req.getUserPrincipal() == null ? null : req.getUserPrincipal().getClass().getSimpleName())
                    + ";auth=" + req.getAuthType()
                    + ";key=" + (key instanceof dev.keyvault.ApiKey k ? k.id() : null)
                    + ";kb:read=" + req.isUserInRole("kb:read")
                    + ";kb:write=" + req.isUserInRole("kb:write")
                    + (key instanceof dev.keyvault.ApiKey k && !k.metadata().isEmpty() ? ";metadata=" + k.metadata() : "");
            resp.setStatus(200);
            resp.setContentType("text/plain");
            resp.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        }
    }
}
