package dev.keyvault.console.internal;

/**
 * The API's routes below {@code api/}: a method and a path of fixed segments, {@code *} standing
 * for a key id. A path that matches a route with another method answers 405 with {@code Allow}.
 */
enum Route {
    SESSION("GET", "session"),
    CATALOGUE("GET", "catalogue"),
    KEYS("GET", "keys"),
    CREATE("POST", "keys"),
    KEY("GET", "keys", "*"),
    HISTORY("GET", "keys", "*", "history"),
    ROTATE("POST", "keys", "*", "rotate"),
    ROTATION("GET", "keys", "*", "rotation"),
    COMPLETE("POST", "keys", "*", "rotation", "complete"),
    REVOKE("POST", "keys", "*", "revoke"),
    OPERATOR_KEYS("GET", "operator", "keys"),
    DUE("GET", "operator", "due"),
    COMPLIANCE("GET", "operator", "compliance"),
    EMERGENCY("POST", "operator", "keys", "*", "emergency-rotation"),
    AUDIT("GET", "operator", "keys", "*", "audit"),
    REVOKE_ALL("POST", "operator", "revoke-all");

    private final String method;
    private final String[] segments;

    Route(String method, String... segments) {
        this.method = method;
        this.segments = segments;
    }

    String method() {
        return method;
    }

    /** The route for this path and method; for another method, a route of this path (405). */
    static Route match(String[] path, String method) {
        Route other = null;
        for (Route r : values()) {
            if (r.matches(path)) {
                if (other == null) {
                    other = r;
                }
                if (r.method.equals(method)) {
                    return r;
                }
            }
        }
        return other;
    }

    /** Every method the path of this route takes, for {@code Allow}. */
    String allow() {
        StringBuilder allow = new StringBuilder();
        for (Route r : values()) {
            if (java.util.Arrays.equals(r.segments, segments)) {
                allow.append(allow.length() == 0 ? "" : ", ").append(r.method);
            }
        }
        return allow.toString();
    }

    private boolean matches(String[] path) {
        if (path.length != segments.length) {
            return false;
        }
        for (int i = 0; i < path.length; i++) {
            if (segments[i].equals("*") ? path[i].isEmpty() : !segments[i].equals(path[i])) {
                return false;
            }
        }
        return true;
    }

    /** The key id in {@code path}, or null for routes without one. */
    String id(String[] path) {
        for (int i = 0; i < segments.length; i++) {
            if (segments[i].equals("*")) {
                return path[i];
            }
        }
        return null;
    }
}
