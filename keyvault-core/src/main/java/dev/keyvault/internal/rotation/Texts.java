package dev.keyvault.internal.rotation;

import java.time.Duration;
import java.util.List;

/** Text for history entries and results: clipped to the stored limits, and never holding a token. */
public final class Texts {
    private Texts() {}

    /**
     * The detail of the ROTATED entry in a predecessor's history. It is written in the same
     * transaction as the successor, so workflows read it (through {@link #isRotationTo}) to learn
     * durably why a successor exists; both sides use these two methods, never the wording itself.
     */
    public static String rotatedDetail(String successorId, String successorName, String reason) {
        return "successor " + successorId + " '" + clip(successorName, 300) + "': " + reason;
    }

    /** Whether {@code detail} is a {@link #rotatedDetail} naming {@code successorId} with {@code reason}. */
    public static boolean isRotationTo(String detail, String successorId, String reason) {
        return detail.startsWith("successor " + successorId + " '") && detail.endsWith("': " + reason);
    }

    /** {@code s} cut to {@code max} characters (an ellipsis marks the cut), without a dangling surrogate. */
    public static String clip(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + "…";
    }

    /**
     * A one-line description of a failure from host code (a probe, a sink), safe to store: the token
     * is replaced by its hint if the host put it in the message, and the text is made
     * {@linkplain #safe storable}.
     */
    public static String describe(Throwable t, String token, String hint, int max) {
        String msg = t.getMessage();
        String s = t.getClass().getSimpleName() + (msg == null || msg.isBlank() ? "" : ": " + msg);
        if (!token.isEmpty()) {
            s = s.replace(token, hint);
        }
        return safe(s, max, "?");
    }

    /**
     * Host-supplied text made acceptable to the stored-text rules (no control characters, no
     * bidirectional formatting, no unpaired surrogates, no surrounding whitespace, at most {@code max}
     * characters), so that recording it can never fail the step it describes; {@code fallback} if
     * nothing is left.
     */
    public static String safe(String s, int max, String fallback) {
        StringBuilder out = new StringBuilder(Math.min(s.length(), max + 1));
        for (int i = 0; i < s.length() && out.length() <= max; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
            } else if (Character.isISOControl(c) || Character.isSurrogate(c) || isDirectional(c)) {
                out.append(' ');
            } else {
                out.append(c);
            }
        }
        String stripped = out.toString().strip();
        return stripped.isEmpty() ? fallback : clip(stripped, max).strip();
    }

    private static boolean isDirectional(char c) {
        return c == '\u061C' || c == '\u200E' || c == '\u200F' || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
    }

    /** Up to {@code limit} items joined by ", ", with "and N more" for the rest. */
    public static String list(List<String> items, int limit) {
        if (items.isEmpty()) {
            return "none";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < items.size() && i < limit; i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(items.get(i));
        }
        if (items.size() > limit) {
            b.append(" and ").append(items.size() - limit).append(" more");
        }
        return b.toString();
    }

    /** {@code 3d 4h}, {@code 5h 12m}, {@code 42s}: for people, not for parsing. */
    public static String human(Duration d) {
        long s = Math.max(0, d.getSeconds());
        long days = s / 86_400;
        long hours = (s % 86_400) / 3_600;
        long minutes = (s % 3_600) / 60;
        if (days > 0) {
            return days + "d" + (hours > 0 ? " " + hours + "h" : "");
        }
        if (hours > 0) {
            return hours + "h" + (minutes > 0 ? " " + minutes + "m" : "");
        }
        return minutes > 0 ? minutes + "m" : s + "s";
    }
}
