package dev.keyvault.console.internal;

import java.util.Map;

/**
 * The console's problem types. {@code about:blank} where the status says it all (RFC 9457 §4.2.1);
 * a {@code urn:keyvault:console:…} type where a script must tell refusals of one status apart.
 */
public final class Problems {
    public static final String CSRF = "urn:keyvault:console:csrf";
    public static final String CONFIRMATION = "urn:keyvault:console:confirmation-mismatch";
    public static final String NOT_SAFE = "urn:keyvault:console:rotation-not-safe";
    public static final String NOT_IN_ROTATION = "urn:keyvault:console:not-in-rotation";
    public static final String DUPLICATE_NAME = "urn:keyvault:console:duplicate-name";
    public static final String KEY_STATE = "urn:keyvault:console:key-state";
    public static final String SELECTION_CHANGED = "urn:keyvault:console:selection-changed";
    public static final String NOT_OFFERED = "urn:keyvault:console:not-offered";

    private Problems() {}

    public static ApiProblem of(int status, String type, String title, String detail) {
        return new ApiProblem(status, type, title, detail, Map.of());
    }

    public static ApiProblem badRequest(String detail) {
        return of(400, "about:blank", "Bad Request", detail);
    }

    public static ApiProblem unauthorized() {
        return of(401, "about:blank", "Unauthorized", "Sign in to manage API keys");
    }

    public static ApiProblem forbidden(String detail) {
        return of(403, "about:blank", "Forbidden", detail);
    }

    public static ApiProblem csrf(String detail) {
        return of(403, CSRF, "CSRF check failed", detail);
    }

    /** The same answer for a key that does not exist and one the user may not see. */
    public static ApiProblem noSuchKey() {
        return of(404, "about:blank", "Not Found", "No such key");
    }

    public static ApiProblem notFound() {
        return of(404, "about:blank", "Not Found", "No such resource");
    }

    public static ApiProblem methodNotAllowed() {
        return of(405, "about:blank", "Method Not Allowed", "This resource does not take this method");
    }

    public static ApiProblem conflict(String type, String title, String detail) {
        return of(409, type, title, detail);
    }

    public static ApiProblem unprocessable(String type, String title, String detail) {
        return of(422, type, title, detail);
    }

    public static ApiProblem unsupportedMediaType() {
        return of(415, "about:blank", "Unsupported Media Type", "Send the request body as application/json");
    }

    public static ApiProblem tooLarge() {
        return of(413, "about:blank", "Content Too Large", "The request body is too large");
    }

    public static ApiProblem unavailable() {
        return of(503, "about:blank", "Service Unavailable", "The key store cannot be reached right now; try again shortly");
    }

    public static ApiProblem internal() {
        return of(500, "about:blank", "Internal Server Error", "The console could not complete this request");
    }

    public static ApiProblem notCanonical() {
        return of(400, "about:blank", "Bad Request", "The request path is not in canonical form");
    }
}
