package dev.keyvault.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Checks real responses against the OpenAPI 3.1 description the console serves: the status must be
 * documented for the operation, the content type must be the documented one, and the body must
 * validate against the documented schema (JSON Schema 2020-12 with OpenAPI's dialect, by networknt's
 * validator; every schema is closed with {@code additionalProperties: false}, so an undocumented
 * field fails as surely as a missing one). Records which operation/status pairs were seen.
 */
public final class OpenApiCheck {
    private static final String DOC_URI = "https://keyvault.test/console/openapi.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode document;
    private final SchemaRegistry registry;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    public OpenApiCheck(String documentText) {
        this.document = JSON.readTree(documentText);
        this.registry = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi31(), b -> b.schemas(Map.of(DOC_URI, documentText)));
    }

    public JsonNode document() {
        return document;
    }

    /**
     * Checks one response of {@code method path} (the path below the mount, such as
     * {@code /api/keys/AbC…/rotation}, query allowed).
     */
    public void check(String method, String path, int status, String contentType, String body) {
        String p = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        String template = template(p);
        if (template == null) {
            // a path the API does not have: only problem+json 404/405 are acceptable
            assertThat(status).as("status of undocumented %s %s", method, path).isIn(400, 404, 405);
            return;
        }
        JsonNode op = document.path("paths").path(template).path(method.toLowerCase(java.util.Locale.ROOT));
        if (op.isMissingNode()) {
            assertThat(status).as("%s is not documented for %s", method, template).isIn(400, 405);
            return;
        }
        JsonNode response = op.path("responses").path(Integer.toString(status));
        if (response.isMissingNode()) {
            fail("status " + status + " of " + method + " " + template + " is not documented; body: " + body);
        }
        JsonNode content = response.path("content");
        String type = contentType == null ? "" : contentType.split(";")[0].trim();
        if (!content.has(type)) {
            fail("content type " + contentType + " of " + status + " " + method + " " + template + " is not documented");
        }
        String ref = content.path(type).path("schema").path("$ref").asString();
        Schema schema = schemas.computeIfAbsent(ref, r -> registry.getSchema(SchemaLocation.of(DOC_URI + r)));
        List<Error> errors = schema.validate(JSON.readTree(body));
        if (!errors.isEmpty()) {
            fail(status + " of " + method + " " + template + " does not match " + ref + ": " + errors + "\nbody: " + body);
        }
        seen.add(op.path("operationId").asString() + " " + status);
    }

    /** The documented path template {@code path} falls under, or null. */
    String template(String path) {
        String[] segments = path.split("/", -1);
        Iterator<String> names = document.path("paths").propertyNames().iterator();
        while (names.hasNext()) {
            String t = names.next();
            String[] ts = t.split("/", -1);
            if (ts.length != segments.length) {
                continue;
            }
            boolean match = true;
            for (int i = 0; i < ts.length && match; i++) {
                match = ts[i].startsWith("{") ? !segments[i].isEmpty() : ts[i].equals(segments[i]);
            }
            if (match) {
                return t;
            }
        }
        return null;
    }

    /** Every "operationId status" pair checked so far. */
    public Set<String> seen() {
        return new TreeSet<>(seen);
    }

    /** Every documented "operationId status" pair with a 2xx status. */
    public Set<String> documentedSuccesses() {
        Set<String> out = new TreeSet<>();
        for (JsonNode path : iterable(document.path("paths"))) {
            for (JsonNode op : iterable(path)) {
                Iterator<String> statuses = op.path("responses").propertyNames().iterator();
                while (statuses.hasNext()) {
                    String s = statuses.next();
                    if (s.startsWith("2")) {
                        out.add(op.path("operationId").asString() + " " + s);
                    }
                }
            }
        }
        return out;
    }

    private static List<JsonNode> iterable(JsonNode node) {
        List<JsonNode> out = new ArrayList<>();
        node.values().forEach(out::add);
        return out;
    }
}
