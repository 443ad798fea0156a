package dev.keyvault.cli.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The CLI's JSON: a small writer instead of a data-binding library, on purpose. Every field of every
 * command's object is written here by name, in a fixed order, so the documented shape cannot change
 * because a library record gained a field; and the jar stays free of a JSON library (smaller, faster
 * to start under cron). Output is one compact line per object.
 *
 * <p>Values: {@code null} and empty {@link Optional}s are {@code null}; strings, booleans, numbers;
 * {@link Instant}s as ISO-8601 UTC strings ({@code 2026-06-01T12:00:00Z}); {@link Duration}s as
 * ISO-8601 durations ({@code PT24H}); enums by name; collections as arrays; {@link Obj} as objects.
 */
final class Json {
    private Json() {}

    /** A JSON object whose fields keep the order they were put in. */
    public static final class Obj {
        private final Map<String, Object> fields = new LinkedHashMap<>();

        /** Sets {@code name} (replacing an earlier value of the same name, keeping its place). */
        public Obj put(String name, Object value) {
            fields.put(requireNonNull(name, "name"), value);
            return this;
        }

        @Override
        public String toString() {
            return write(this);
        }
    }

    /** A new, empty object. */
    public static Obj obj() {
        return new Obj();
    }

    /** {@code value} as one line of JSON. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder(256);
        append(out, value);
        return out.toString();
    }

    private static void append(StringBuilder out, Object value) {
        if (value instanceof Optional<?> o) {
            value = o.orElse(null);
        }
        if (value == null) {
            out.append("null");
        } else if (value instanceof Obj o) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, Object> e : o.fields.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(out, e.getKey());
                out.append(':');
                append(out, e.getValue());
            }
            out.append('}');
        } else if (value instanceof Map<?, ?> m) {
            Obj o = new Obj();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                o.put((String) e.getKey(), e.getValue());
            }
            append(out, o);
        } else if (value instanceof Collection<?> c) {
            out.append('[');
            boolean first = true;
            for (Object v : c) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                append(out, v);
            }
            out.append(']');
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
            out.append(value);
        } else if (value instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                out.append("null");
            } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                out.append((long) d.doubleValue());
            } else {
                out.append(d);
            }
        } else if (value instanceof Enum<?> e) {
            string(out, e.name());
        } else if (value instanceof Instant || value instanceof Duration || value instanceof String) {
            string(out, value.toString());
        } else {
            throw new IllegalArgumentException("no JSON form for " + value.getClass().getName());
        }
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    // control characters, the two JavaScript line separators and lone surrogates as \\u escapes
                    boolean lone = Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1)));
                    if (c < 0x20 || c == '\u2028' || c == '\u2029' || c == 0x7f || lone) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else if (Character.isHighSurrogate(c)) {
                        out.append(c).append(s.charAt(++i));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
