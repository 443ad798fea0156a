package dev.keyvault.scanning.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GitHub's published key list, {@code {"public_keys":[{"key_identifier":…,"key":"<PEM>","is_current":…}]}}:
 * every entry with a valid identifier and a P-256 PEM key, by identifier. Entries that are not are
 * skipped (a future key type must not break the ones that work); a document with none is refused.
 */
public final class KeyList {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_LENGTH = 1 << 20;

    private KeyList() {}

    public static Map<String, PublicKey> parse(String json) throws IOException {
        if (json.length() > MAX_LENGTH) {
            throw new IOException("the key list is larger than 1 MiB");
        }
        JsonNode root = JSON.readTree(json);
        JsonNode list = root == null ? null : root.get("public_keys");
        if (list == null || !list.isArray()) {
            throw new IOException("the key list has no public_keys array");
        }
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        for (JsonNode entry : list) {
            JsonNode id = entry.get("key_identifier");
            JsonNode pem = entry.get("key");
            if (id == null || !id.isTextual() || !EcKeys.isIdentifier(id.asText()) || pem == null || !pem.isTextual()) {
                continue;
            }
            try {
                keys.put(id.asText(), EcKeys.parsePem(pem.asText()));
            } catch (IllegalArgumentException notP256) {
                // skipped: see the class comment
            }
        }
        if (keys.isEmpty()) {
            throw new IOException("the key list holds no P-256 key");
        }
        return Map.copyOf(keys);
    }
}
