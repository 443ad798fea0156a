package dev.keyvault.scanning.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * GitHub's alert body and the feedback answered to it. The alert is a JSON array of objects with a
 * string {@code token} and {@code type} and optional string (or null) {@code url} and
 * {@code source}; other members are ignored, for GitHub may add some. Anything else — not UTF-8,
 * not an array, a member of the wrong type, a duplicated member, trailing content, nesting deeper
 * than 8 — is {@link Malformed}. The feedback is GitHub's format:
 * {@code [{"token_hash":"<hex SHA-256 of the token>","token_type":…,"label":"true_positive"|"false_positive"}]},
 * which never carries the token itself.
 */
public final class Report {
    /** The longest {@code type}, {@code url} and {@code source} kept; longer ones are malformed (GitHub sends short ones). */
    public static final int MAX_TYPE = 256;
    public static final int MAX_URL = 8192;
    public static final int MAX_SOURCE = 256;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).build())
            .build();

    private Report() {}

    /** Thrown for a body that is not a well-formed alert; carries no part of it. */
    public static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String why) {
            super(why, null, false, false);
        }
    }

    public static List<ReportedToken> parse(byte[] body) throws Malformed {
        List<ReportedToken> out = new ArrayList<>();
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new Malformed("not a JSON array");
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t != JsonToken.START_OBJECT) {
                    throw new Malformed("an entry is not an object");
                }
                out.add(entry(p));
            }
            if (p.nextToken() != null) {
                throw new Malformed("content after the array");
            }
        } catch (IOException e) {
            throw new Malformed("not well-formed JSON");
        }
        return out;
    }

    private static ReportedToken entry(JsonParser p) throws IOException, Malformed {
        String token = null;
        String type = null;
        String url = "";
        String source = "";
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "token" -> token = string(p, value, false, Integer.MAX_VALUE);
                case "type" -> type = string(p, value, false, MAX_TYPE);
                case "url" -> url = string(p, value, true, MAX_URL);
                case "source" -> source = string(p, value, true, MAX_SOURCE);
                default -> p.skipChildren();
            }
        }
        if (token == null || type == null) {
            throw new Malformed("an entry lacks token or type");
        }
        return new ReportedToken(token, type, url, source);
    }

    private static String string(JsonParser p, JsonToken value, boolean nullable, int max) throws IOException, Malformed {
        if (value == JsonToken.VALUE_NULL && nullable) {
            return "";
        }
        if (value != JsonToken.VALUE_STRING) {
            throw new Malformed("a member has the wrong type");
        }
        String s = p.getText();
        if (s.length() > max) {
            throw new Malformed("a member is too long");
        }
        return s;
    }

    /** The feedback for {@code tokens}, each labelled by {@code truePositive}. */
    public static byte[] feedback(List<ReportedToken> tokens, boolean[] truePositive) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + tokens.size() * 140);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            for (int i = 0; i < tokens.size(); i++) {
                g.writeStartObject();
                g.writeStringField("token_hash", sha256Hex(tokens.get(i).token()));
                g.writeStringField("token_type", tokens.get(i).type());
                g.writeStringField("label", truePositive[i] ? "true_positive" : "false_positive");
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        return out.toByteArray();
    }

    /** Lower-case hex SHA-256 of the token's UTF-8 bytes, as GitHub computes {@code token_hash}. */
    public static String sha256Hex(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
