package dev.keyvault.console.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A refusal the API answers with an RFC 9457 {@code application/problem+json} body. The detail is
 * text the console wrote (never the request echoed back, beyond field names); extension members
 * carry what a script needs to act (the clients still on an old key, say). No stack trace: this is a
 * result, not a fault.
 */
public final class ApiProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;
    private final String title;
    private final transient Map<String, Object> extensions;

    ApiProblem(int status, String type, String title, String detail, Map<String, Object> extensions) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
        this.extensions = Map.copyOf(extensions);
    }

    public int status() {
        return status;
    }

    /** The body: type, title, status, detail, then the extension members. */
    public Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", getMessage());
        body.putAll(new java.util.TreeMap<>(extensions));
        return body;
    }

    /** This problem with one more extension member. */
    public ApiProblem with(String member, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(extensions);
        more.put(member, value);
        return new ApiProblem(status, type, title, getMessage(), more);
    }
}
