package dev.keyvault.servlet.internal;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The path inside the application that rules are matched on: for a request, and for a dispatch,
 * the path it goes to. For REQUEST, FORWARD and ASYNC dispatches the container has made the
 * request's own servlet path and path info those of the target; an INCLUDE keeps the including
 * request's, and names its target in the {@code jakarta.servlet.include.*} attributes.
 */
public final class RequestPaths {
    private RequestPaths() {}

    /** Servlet path plus path info, as the container decoded and mapped them. */
    public static String inApplication(HttpServletRequest request) {
        return join(request.getServletPath(), request.getPathInfo());
    }

    /**
     * Where a dispatch of {@code type} goes. A named dispatcher's include carries no path: the
     * request's own is then the best there is (the route it came in on).
     */
    public static String dispatchTarget(HttpServletRequest request, DispatcherType type) {
        if (type == DispatcherType.INCLUDE
                && request.getAttribute(RequestDispatcher.INCLUDE_SERVLET_PATH) instanceof String servletPath) {
            Object pathInfo = request.getAttribute(RequestDispatcher.INCLUDE_PATH_INFO);
            return join(servletPath, pathInfo instanceof String info ? info : null);
        }
        return inApplication(request);
    }

    private static String join(String servletPath, String pathInfo) {
        if (pathInfo == null) {
            return servletPath == null || servletPath.isEmpty() ? "/" : servletPath;
        }
        return servletPath == null || servletPath.isEmpty() ? pathInfo : servletPath + pathInfo;
    }
}
