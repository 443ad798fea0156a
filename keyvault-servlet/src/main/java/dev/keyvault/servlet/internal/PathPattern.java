package dev.keyvault.servlet.internal;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * A compiled {@link dev.keyvault.servlet.Rule} path pattern: {@code /}-separated segments, each a
 * literal, a glob with {@code *} (any characters inside one segment), or {@code **} (any number of
 * segments). Empty segments are ignored on both sides. A pattern with at most one {@code **} is
 * matched in one pass without allocating; one with more is a dynamic program over segments, so no
 * pattern/path pair costs more than (pattern segments × path segments) steps — a path with many
 * segments cannot make a {@code **} pattern backtrack exponentially. Immutable, thread-safe.
 */
public final class PathPattern {
    private static final String ANY_SEGMENTS = "**";
    private final String[] segments;
    private final int doubleStars;

    private PathPattern(String[] segments) {
        this.segments = segments;
        int n = 0;
        for (String s : segments) {
            if (s.equals(ANY_SEGMENTS)) {
                n++;
            }
        }
        this.doubleStars = n;
    }

    /** Checks a pattern's syntax; see the class comment. */
    public static String check(String pattern) {
        requireNonNull(pattern, "pattern");
        if (pattern.isEmpty() || pattern.charAt(0) != '/' || pattern.length() > 200) {
            throw new IllegalArgumentException("a path pattern starts with '/' and has at most 200 characters");
        }
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c <= 0x20 || c >= 0x7F || c == '?' || c == '#' || c == ';' || c == '\\') {
                throw new IllegalArgumentException("a path pattern holds visible ASCII characters other than ? # ; \\ only");
            }
        }
        for (String s : split(pattern)) {
            if (s.contains(ANY_SEGMENTS) && !s.equals(ANY_SEGMENTS)) {
                throw new IllegalArgumentException("** must be a whole segment, as in /articles/**");
            }
        }
        return pattern;
    }

    public static PathPattern compile(String pattern) {
        check(pattern);
        return new PathPattern(split(pattern));
    }

    /** Whether {@code path} (the decoded path inside the application) matches. */
    public boolean matches(String path) {
        return doubleStars <= 1 ? matchesWithoutBacktracking(path) : matchesByTable(path);
    }

    /**
     * The usual patterns ({@code /health}, {@code /articles/**}, {@code /a/**\/b}) without any
     * allocation: the segments before the {@code **} are matched from the left, those after it
     * from the right, and the {@code **} takes whatever is left in between.
     */
    boolean matchesWithoutBacktracking(String path) {
        int len = path.length();
        int pos = 0;
        int i = 0;
        for (; i < segments.length && !segments[i].equals(ANY_SEGMENTS); i++) {
            int start = skipSlashes(path, pos);
            if (start == len) {
                return false;
            }
            int end = path.indexOf('/', start);
            end = end < 0 ? len : end;
            if (!segmentMatches(segments[i], path, start, end)) {
                return false;
            }
            pos = end;
        }
        if (i == segments.length) {
            return skipSlashes(path, pos) == len; // no ** and nothing left over
        }
        int end = len;
        for (int k = segments.length - 1; k > i; k--) {
            while (end > pos && path.charAt(end - 1) == '/') {
                end--;
            }
            if (end == pos) {
                return false;
            }
            int start = path.lastIndexOf('/', end - 1) + 1;
            if (start < pos || !segmentMatches(segments[k], path, start, end)) {
                return false;
            }
            end = start;
        }
        return true;
    }

    private static int skipSlashes(String path, int from) {
        int i = from;
        while (i < path.length() && path.charAt(i) == '/') {
            i++;
        }
        return i;
    }

    /** Two or more {@code **}: a dynamic program over segments, (pattern × path) steps at most. */
    boolean matchesByTable(String path) {
        int[] bounds = bounds(path);
        int n = bounds.length / 2;
        int m = segments.length;
        // reach[j]: pattern segments [0, i) can consume exactly path segments [0, j)
        boolean[] reach = new boolean[n + 1];
        boolean[] next = new boolean[n + 1];
        reach[0] = true;
        for (int i = 0; i < m; i++) {
            String seg = segments[i];
            java.util.Arrays.fill(next, false);
            boolean any = false;
            if (seg.equals(ANY_SEGMENTS)) {
                for (int j = 0; j <= n; j++) {
                    any |= reach[j];
                    next[j] = any;
                }
            } else {
                for (int j = 0; j < n; j++) {
                    if (reach[j] && segmentMatches(seg, path, bounds[2 * j], bounds[2 * j + 1])) {
                        next[j + 1] = true;
                        any = true;
                    }
                }
            }
            if (!any) {
                return false;
            }
            boolean[] t = reach;
            reach = next;
            next = t;
        }
        return reach[n];
    }

    /** Start and end offsets of the non-empty segments of {@code path}. */
    private static int[] bounds(String path) {
        int len = path.length();
        int count = 0;
        for (int i = 0; i < len; i++) {
            if (path.charAt(i) != '/' && (i == 0 || path.charAt(i - 1) == '/')) {
                count++;
            }
        }
        int[] b = new int[2 * count];
        int k = 0;
        int start = -1;
        for (int i = 0; i <= len; i++) {
            boolean slash = i == len || path.charAt(i) == '/';
            if (slash && start >= 0) {
                b[k++] = start;
                b[k++] = i;
                start = -1;
            } else if (!slash && start < 0) {
                start = i;
            }
        }
        return b;
    }

    /** Glob match of one segment, {@code *} matching any run of characters; linear with one backtrack point. */
    static boolean segmentMatches(String glob, String text, int from, int to) {
        int g = 0;
        int t = from;
        int star = -1;
        int mark = 0;
        while (t < to) {
            if (g < glob.length() && glob.charAt(g) == '*') {
                star = g++;
                mark = t;
            } else if (g < glob.length() && glob.charAt(g) == text.charAt(t)) {
                g++;
                t++;
            } else if (star >= 0) {
                g = star + 1;
                t = ++mark;
            } else {
                return false;
            }
        }
        while (g < glob.length() && glob.charAt(g) == '*') {
            g++;
        }
        return g == glob.length();
    }

    static String[] split(String path) {
        List<String> out = new ArrayList<>(8);
        int start = 0;
        int len = path.length();
        for (int i = 0; i <= len; i++) {
            if (i == len || path.charAt(i) == '/') {
                if (i > start) {
                    out.add(path.substring(start, i));
                }
                start = i + 1;
            }
        }
        return out.toArray(new String[0]);
    }
}
