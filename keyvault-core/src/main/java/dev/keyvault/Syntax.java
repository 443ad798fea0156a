package dev.keyvault;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The syntax rules of keyvault's values, in one place, for the value types here and for every
 * module that must check a value before it reaches them (a filter's scopes and tier names, a
 * console's inputs). Each check either returns its argument or throws: {@link NullPointerException}
 * naming the argument, or {@link IllegalArgumentException} naming the argument and the rule; the
 * {@code is…} forms answer without throwing. Messages never echo the value: a caller may pass a
 * token where a name was expected.
 */
public final class Syntax {
    /** A key id is this many base62 characters ({@code 0-9A-Za-z}), 71 random bits. */
    public static final int KEY_ID_LENGTH = 12;
    /** The longest token prefix, such as {@code kb_live}. */
    public static final int MAX_PREFIX_LENGTH = 40;
    /** Token prefixes: segments of {@code [a-z][a-z0-9]{1,15}} joined by {@code _}. */
    public static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9]{1,15}(_[a-z][a-z0-9]{1,15})*");
    public static final int MAX_NAME = 200;
    public static final int MAX_OWNER = 200;
    public static final int MAX_REASON = 500;
    public static final int MAX_ACTOR = 200;
    public static final int MAX_ENDPOINT = 200;
    public static final int MAX_CLIENT = 256;
    public static final int MAX_SCOPES = 64;
    public static final int MAX_TAGS = 32;
    /** The most metadata entries a key may carry. */
    public static final int MAX_METADATA = 16;
    /** The longest metadata value. */
    public static final int MAX_METADATA_VALUE = 256;

    /** Scopes: lower-case letters, digits and {@code _ : . * -}, 1 to 64 characters. */
    public static final Pattern SCOPE = Pattern.compile("[a-z0-9_:.*-]{1,64}");
    /** Tier and environment names: a lower-case letter or digit, then up to 31 of {@code [a-z0-9_.-]}. */
    public static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,31}");
    /** Tags: letters, digits and {@code _ : . = / @ -}, 1 to 64 characters. */
    public static final Pattern TAG = Pattern.compile("[A-Za-z0-9_:.=/@-]{1,64}");
    /** Metadata names: a letter, then up to 63 letters, digits and {@code _ . : -}. */
    public static final Pattern METADATA_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.:-]{0,63}");
    private static final boolean[] METHOD_CHARS = table("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");
    private static final boolean[] CLIENT_IP_CHARS =
            table("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz:.%_-");

    private static boolean[] table(String chars) {
        boolean[] t = new boolean[128];
        for (char c : chars.toCharArray()) {
            t[c] = true;
        }
        return t;
    }

    private static boolean allIn(String value, boolean[] table, int from) {
        for (int i = from; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 128 || !table[c]) {
                return false;
            }
        }
        return true;
    }

    /**
     * An HTTP-method-like verb, {@code [A-Z][A-Z0-9_-]{0,15}}. Checked by hand rather than by regex:
     * it runs for every recorded request.
     */
    public static String method(String value) {
        requireNonNull(value, "method");
        if (!isMethod(value)) {
            throw new IllegalArgumentException("method must match [A-Z][A-Z0-9_-]{0,15}");
        }
        return value;
    }

    /** Whether {@code value} passes {@link #method}; {@code false} for {@code null}. */
    public static boolean isMethod(String value) {
        return value != null && !value.isEmpty() && value.length() <= 16 && value.charAt(0) >= 'A' && value.charAt(0) <= 'Z'
                && allIn(value, METHOD_CHARS, 1);
    }

    /** IPv4, IPv6 (with an optional zone) or a token such as {@code unknown}: {@code [0-9A-Za-z:.%_-]{1,64}}. */
    public static String clientIp(String value) {
        requireNonNull(value, "clientIp");
        if (!isClientIp(value)) {
            throw new IllegalArgumentException("clientIp must match [0-9A-Za-z:.%_-]{1,64}");
        }
        return value;
    }

    /** Whether {@code value} passes {@link #clientIp}; {@code false} for {@code null}. */
    public static boolean isClientIp(String value) {
        return value != null && !value.isEmpty() && value.length() <= 64 && allIn(value, CLIENT_IP_CHARS, 0);
    }

    /**
     * Free text that is stored and shown to people: not blank, at most {@code max} characters, no
     * control characters, no bidirectional-override or invisible direction marks (they make a
     * name display as something else), no unpaired surrogates (they do not survive UTF-8), and no
     * leading or trailing whitespace (it would make two names look the same).
     */
    public static String text(String what, String value, int max) {
        requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        if (value.length() > max) {
            throw new IllegalArgumentException(what + " must be at most " + max + " characters, was " + value.length());
        }
        if (Character.isWhitespace(value.charAt(0)) || Character.isWhitespace(value.charAt(value.length() - 1))) {
            throw new IllegalArgumentException(what + " must not start or end with whitespace");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException(what + " must not contain control characters (found U+"
                        + String.format("%04X", (int) c) + " at index " + i + ")");
            }
            if (isDirectionalFormatting(c)) {
                throw new IllegalArgumentException(what + " must not contain bidirectional formatting characters (found U+"
                        + String.format("%04X", (int) c) + " at index " + i + ")");
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    throw new IllegalArgumentException(what + " contains an unpaired surrogate at index " + i);
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                throw new IllegalArgumentException(what + " contains an unpaired surrogate at index " + i);
            }
        }
        return value;
    }

    /** Marks that make text display as something else: Arabic letter mark, LRM/RLM, embeddings, overrides, isolates. */
    public static boolean isDirectionalFormatting(char c) {
        return c == '\u061C' || c == '\u200E' || c == '\u200F'
                || (c >= '\u202A' && c <= '\u202E')
                || (c >= '\u2066' && c <= '\u2069');
    }

    public static String matches(String what, String value, Pattern pattern, String rule) {
        requireNonNull(value, what);
        if (value.length() > 256 || !pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must match " + rule);
        }
        return value;
    }

    public static SortedSet<String> scopes(Collection<String> scopes) {
        return set("scopes", scopes, SCOPE, "[a-z0-9_:.*-]{1,64}", MAX_SCOPES);
    }

    public static SortedSet<String> tags(Collection<String> tags) {
        return set("tags", tags, TAG, "[A-Za-z0-9_:.=/@-]{1,64}", MAX_TAGS);
    }

    private static SortedSet<String> set(String what, Collection<String> values, Pattern pattern, String rule, int max) {
        requireNonNull(values, what);
        if (values.size() > max) {
            throw new IllegalArgumentException("at most " + max + " " + what + ", got " + values.size());
        }
        TreeSet<String> copy = new TreeSet<>();
        for (String v : values) {
            requireNonNull(v, what + " element");
            copy.add(matches(what.substring(0, what.length() - 1), v, pattern, rule));
        }
        return Collections.unmodifiableSortedSet(copy);
    }

    /**
     * A key's metadata: at most {@value #MAX_METADATA} entries, names matching {@link #METADATA_NAME},
     * values {@linkplain #text text} of at most {@value #MAX_METADATA_VALUE} characters. Returns a sorted,
     * unmodifiable copy. Messages name the entry by position, never echo it.
     */
    public static java.util.SortedMap<String, String> metadata(java.util.Map<String, String> metadata) {
        requireNonNull(metadata, "metadata");
        if (metadata.size() > MAX_METADATA) {
            throw new IllegalArgumentException("at most " + MAX_METADATA + " metadata entries, got " + metadata.size());
        }
        java.util.TreeMap<String, String> copy = new java.util.TreeMap<>();
        for (java.util.Map.Entry<String, String> e : metadata.entrySet()) {
            String name = requireNonNull(e.getKey(), "metadata name");
            if (name.length() > 64 || !METADATA_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("metadata names must match [A-Za-z][A-Za-z0-9_.:-]{0,63}");
            }
            copy.put(name, text("metadata value", requireNonNull(e.getValue(), "metadata value"), MAX_METADATA_VALUE));
        }
        return java.util.Collections.unmodifiableSortedMap(copy);
    }

    /** Checks one metadata name (see {@link #metadata}). */
    public static String metadataName(String name) {
        requireNonNull(name, "metadata name");
        if (name.length() > 64 || !METADATA_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("metadata names must match [A-Za-z][A-Za-z0-9_.:-]{0,63}");
        }
        return name;
    }

    public static String slug(String what, String value) {
        return matches(what, value, SLUG, "[a-z0-9][a-z0-9_.-]{0,31}");
    }

    /** 0 for each base62 character, -1 for every other byte. */
    private static final byte[] NOT_BASE62 = new byte[256];

    static {
        java.util.Arrays.fill(NOT_BASE62, (byte) -1);
        for (char c : "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray()) {
            NOT_BASE62[c] = 0;
        }
    }

    private Syntax() {}

    /** Whether {@code id} is a key id: {@value #KEY_ID_LENGTH} base62 characters; {@code false} for {@code null}. */
    public static boolean isKeyId(String id) {
        if (id == null || id.length() != KEY_ID_LENGTH) {
            return false;
        }
        // One table load per character and no branch (recordUsage checks ids on its hot path).
        int acc = 0;
        for (int i = 0; i < KEY_ID_LENGTH; i++) {
            char c = id.charAt(i);
            acc |= NOT_BASE62[c & 0xff] | ((c >>> 8) == 0 ? 0 : -1);
        }
        return acc == 0;
    }

    /** Checks that {@code id} is a key id: {@value #KEY_ID_LENGTH} base62 characters. */
    public static String keyId(String id) {
        requireNonNull(id, "keyId");
        if (!isKeyId(id)) {
            throw new IllegalArgumentException("a key id is " + KEY_ID_LENGTH + " base62 characters");
        }
        return id;
    }

    /** Checks a token prefix: {@link #PREFIX}, at most {@value #MAX_PREFIX_LENGTH} characters. */
    public static String prefix(String prefix) {
        requireNonNull(prefix, "prefix");
        if (prefix.length() > MAX_PREFIX_LENGTH || !PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException(
                    "prefix must be segments of [a-z][a-z0-9]{1,15} joined by '_', at most " + MAX_PREFIX_LENGTH + " characters");
        }
        return prefix;
    }

    /** Whether {@code value} is a scope ({@link #SCOPE}); {@code false} for {@code null}. */
    public static boolean isScope(String value) {
        return value != null && SCOPE.matcher(value).matches();
    }

    /** Whether {@code value} is a tier or environment name ({@link #SLUG}); {@code false} for {@code null}. */
    public static boolean isSlug(String value) {
        return value != null && SLUG.matcher(value).matches();
    }
}
