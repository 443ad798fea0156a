package dev.keyvault.console.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OpenAPI 3.1 description of the API ({@code openapi.json} in the jar), served with its
 * {@code servers} entry set to where the console is mounted, so a client generated from it calls
 * this console. Immutable apart from a small cache per mount path; thread-safe.
 */
final class OpenApi {
    private static final String RESOURCE = "/dev/keyvault/console/openapi.json";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_CACHED = 16;

    private final JsonNode document;
    private final Map<String, byte[]> byMount = new ConcurrentHashMap<>();

    private OpenApi(JsonNode document) {
        this.document = document;
    }

    static OpenApi load() {
        try (InputStream in = OpenApi.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the jar");
            }
            return new OpenApi(MAPPER.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void write(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String mount = request.getContextPath() + request.getServletPath();
        byte[] body = byMount.get(mount);
        if (body == null) {
            ObjectNode doc = document.deepCopy();
            ArrayNode servers = doc.putArray("servers");
            servers.addObject().put("url", mount.isEmpty() ? "/" : mount).put("description", "this console");
            body = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
            if (byMount.size() < MAX_CACHED) {
                byMount.put(mount, body);
            }
        }
        response.setStatus(200);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
