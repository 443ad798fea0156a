package dev.keyvault.scanning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/** Key pairs the tests make for themselves, GitHub's alert and key-list formats, and signing. */
final class Fixture {
    static final ObjectMapper JSON = new ObjectMapper();

    private Fixture() {}

    static KeyPair p256() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    }

    /** The base64 DER ECDSA-SHA256 signature GitHub sends. */
    static String sign(PrivateKey key, byte[] body) {
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(key);
            s.update(body);
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One alert entry as GitHub sends it. */
    static ObjectNode entry(String token, String url, String source) {
        ObjectNode o = JSON.createObjectNode();
        o.put("token", token);
        o.put("type", "kb_live_api_key");
        o.put("url", url);
        o.put("source", source);
        return o;
    }

    static byte[] alert(ObjectNode... entries) {
        ArrayNode a = JSON.createArrayNode();
        for (ObjectNode e : entries) {
            a.add(e);
        }
        return a.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** GitHub's published key list over these keys. */
    static String keyList(String[] identifiers, PublicKey[] keys) {
        ArrayNode list = JSON.createArrayNode();
        for (int i = 0; i < keys.length; i++) {
            ObjectNode o = list.addObject();
            o.put("key_identifier", identifiers[i]);
            o.put("key", pem(keys[i]));
            o.put("is_current", i == 0);
        }
        ObjectNode root = JSON.createObjectNode();
        root.set("public_keys", list);
        return root.toString();
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
