package dev.keyvault.console.internal;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyManager;
import dev.keyvault.Syntax;
import dev.keyvault.console.spi.ConsoleUser;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * One API request on its way through the console: the signed-in user, the path's segments, the
 * query and the body, and the checks every handler shares (who may see which key).
 */
final class Call {
    static final int MAX_BODY = 16 * 1024;
    /** The request attribute that says the body was taken by {@link #body}, so a refusal need not read it. */
    static final String BODY_TAKEN = Call.class.getName() + ".bodyTaken";
    /** How much of an oversized body is read and dropped before the 413; past that the connection is closed. */
    private static final long MAX_DRAINED = 256 * 1024;

    final HttpServletRequest request;
    final HttpServletResponse response;
    final ConsoleUser user;
    final KeyManager keys;
    final Instant now;
    private Views.Keys views;

    Call(HttpServletRequest request, HttpServletResponse response, ConsoleUser user, KeyManager keys) {
        this.request = request;
        this.response = response;
        this.user = user;
        this.keys = keys;
        this.now = keys.clock().instant();
    }

    /** The key views of this response (each credit balance read once). */
    Views.Keys views() {
        if (views == null) {
            views = new Views.Keys(keys);
        }
        return views;
    }

    /**
     * The key {@code id} if this user may see it. A key of an owner the user does not manage answers
     * exactly as one that does not exist: 404, so ids from another owner reveal nothing.
     */
    ApiKey visibleKey(String id) {
        if (!Syntax.isKeyId(id)) {
            throw Problems.noSuchKey();
        }
        Optional<ApiKey> key = keys.get(id);
        if (key.isEmpty() || !user.manages(key.get().owner())) {
            throw Problems.noSuchKey();
        }
        return key.get();
    }

    /** The owner named by a request, which this user must manage (403 otherwise). */
    String managedOwner(String owner) {
        if (owner == null) {
            throw Problems.badRequest("owner is required");
        }
        Syntax.text("owner", owner, Syntax.MAX_OWNER);
        if (!user.manages(owner)) {
            throw Problems.forbidden("You do not manage the keys of this owner");
        }
        return owner;
    }

    void requireOperator() {
        if (!user.operator()) {
            throw Problems.forbidden("This needs an operator");
        }
    }

    /** A query parameter given at most once. */
    Optional<String> query(String name) {
        String[] values = request.getParameterValues(name);
        if (values == null || values.length == 0) {
            return Optional.empty();
        }
        if (values.length > 1) {
            throw Problems.badRequest("the query parameter " + name + " is given more than once");
        }
        if (values[0].length() > 512) {
            throw Problems.badRequest("the query parameter " + name + " is too long");
        }
        return Optional.of(values[0]);
    }

    int limit(int defaultSize) {
        Optional<String> limit = query("limit");
        if (limit.isEmpty()) {
            return defaultSize;
        }
        try {
            int n = Integer.parseInt(limit.get());
            if (n >= 1 && n <= dev.keyvault.console.ConsoleConfig.MAX_PAGE_SIZE) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the refusal
        }
        throw Problems.badRequest("limit must be a number from 1 to " + dev.keyvault.console.ConsoleConfig.MAX_PAGE_SIZE);
    }

    Optional<String> afterId() {
        Optional<String> after = query("after");
        if (after.isPresent() && !Syntax.isKeyId(after.get())) {
            throw Problems.badRequest("after is not a key id this list returned");
        }
        return after;
    }

    /** The JSON body of a state-changing request, read into {@code type}. */
    <T> T body(Class<T> type) throws IOException {
        String contentType = request.getContentType();
        if (contentType == null || !isJson(contentType)) {
            throw Problems.unsupportedMediaType();
        }
        byte[] body;
        request.setAttribute(BODY_TAKEN, Boolean.TRUE);
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                // read (a bounded amount of) the rest, so the client is not cut off mid-send and sees the 413
                in.skipNBytes(Math.min(Math.max(0, request.getContentLengthLong() - body.length), MAX_DRAINED));
                throw Problems.tooLarge();
            }
        } catch (java.io.EOFException e) {
            throw Problems.tooLarge();
        }
        return Json.read(body, type);
    }

    static boolean isJson(String contentType) {
        String[] parts = contentType.toLowerCase(Locale.ROOT).split(";");
        if (!parts[0].trim().equals("application/json")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.startsWith("charset=") && !p.substring(8).replace("\"", "").equals("utf-8")) {
                return false;
            }
        }
        return true;
    }

    /** Writes {@code view} as JSON with {@code status}. */
    void json(int status, Object view) throws IOException {
        byte[] bytes = Json.write(view);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** Text a request gives, checked as keyvault checks names and reasons; {@code null} if absent and optional. */
    static String text(String field, String value, int max, boolean required) {
        if (value == null) {
            if (required) {
                throw Problems.badRequest(field + " is required");
            }
            return null;
        }
        return Syntax.text(field, value, max);
    }
}
