package dev.keyvault.servlet;

import static java.util.Objects.requireNonNull;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Refuses a request whose path could be read in more than one way, before anything decides what
 * the path means. The filter matches its rules on the path the container mapped (servlet path plus
 * path info, decoded and normalized), while a framework behind it may route on the raw
 * {@code getRequestURI()} ({@code /api/x;/../../public/y} is {@code /public/y} to Tomcat and Jetty
 * but starts with {@code /api/} to a router): the only safe path is one that every reader reads the
 * same, so the others are refused rather than normalized (the stance of Spring Security's
 * {@code StrictHttpFirewall}).
 *
 * <p>{@link #check} refuses a request URI holding:
 * <ul>
 *   <li>a control character, space or non-ASCII character, raw or percent-encoded ({@code %00},
 *       {@code %0a}, {@code %0d}, {@code %7f}, C1 controls such as {@code %c2%85}) —
 *       {@link Rejection#UNSAFE_CHARACTER};</li>
 *   <li>a {@code %} not followed by two hex digits, or percent-encoded bytes that are not UTF-8
 *       (overlong forms such as {@code %c0%ae} included) — {@link Rejection#MALFORMED_ENCODING};</li>
 *   <li>an encoded {@code .} {@code /} {@code \} {@code %} or {@code ;} ({@code %2e %2f %5c %25 %3b},
 *       either case; {@code %25} is how double encoding starts) — {@link Rejection#ENCODED_DELIMITER};</li>
 *   <li>a raw backslash — {@link Rejection#BACKSLASH};</li>
 *   <li>a {@code ;} path parameter, in any segment — {@link Rejection#PATH_PARAMETER};</li>
 *   <li>a {@code .} or {@code ..} segment — {@link Rejection#DOT_SEGMENT};</li>
 *   <li>an empty segment ({@code //}; a trailing slash is fine) — {@link Rejection#EMPTY_SEGMENT};</li>
 *   <li>anything else that makes the decoded URI differ from context path + servlet path + path
 *       info, what the container mapped — {@link Rejection#NOT_CANONICAL}. The one difference
 *       allowed is a welcome file: a URI ending in {@code /} that the container mapped to a file
 *       name in that directory (Tomcat does that for welcome files).</li>
 * </ul>
 * The query string is not looked at: it names no resource, and {@code ?next=../x} is ordinary.
 *
 * <h2>What a host may relax</h2>
 * {@link Builder#allowPathParameters} lets named path parameters through — {@code jsessionid}, for
 * an application that tracks sessions in URLs — with values of letters, digits and {@code . _ ~ -};
 * a dot segment carrying one ({@code ..;jsessionid=1}) is still refused. {@link Builder#allowEncodedSlash}
 * lets {@code %2F} through for an application whose resource names contain slashes; the container
 * must be told too (Tomcat's {@code encodedSolidusHandling}, Jetty's URI compliance), and
 * {@code %2F} still separates segments for the dot and empty segment checks. Nothing else can be
 * relaxed. {@link #strict()} relaxes nothing.
 *
 * <p>Depends on {@link HttpServletRequest} only, so every HTTP entry point can run it first.
 * Immutable and thread-safe.
 */
public final class RequestFirewall {
    /** Why {@link #check} refused a request. */
    public enum Rejection {
        /** A control character, space or non-ASCII character in the URI, raw or percent-encoded. */
        UNSAFE_CHARACTER,
        /** A {@code %} without two hex digits, or percent-encoded bytes that are not UTF-8. */
        MALFORMED_ENCODING,
        /** {@code %2e}, {@code %2f}, {@code %5c}, {@code %25} or {@code %3b}, in either case. */
        ENCODED_DELIMITER,
        /** A raw backslash. */
        BACKSLASH,
        /** A {@code ;} path parameter that is not allowed by name. */
        PATH_PARAMETER,
        /** A {@code .} or {@code ..} segment. */
        DOT_SEGMENT,
        /** {@code //}: an empty segment that is not a trailing slash. */
        EMPTY_SEGMENT,
        /** The decoded URI is not what the container mapped (context path, servlet path, path info). */
        NOT_CANONICAL
    }

    private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final RequestFirewall STRICT = new RequestFirewall(Set.of(), false);

    private final Set<String> pathParameters;
    private final boolean encodedSlash;

    private RequestFirewall(Set<String> pathParameters, boolean encodedSlash) {
        this.pathParameters = pathParameters;
        this.encodedSlash = encodedSlash;
    }

    /** The firewall that relaxes nothing: what {@link ApiKeyFilter} runs unless configured otherwise. */
    public static RequestFirewall strict() {
        return STRICT;
    }

    /** A builder starting from {@link #strict()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The path parameter names let through, sorted; empty for {@link #strict()}. */
    public Set<String> allowedPathParameters() {
        return pathParameters;
    }

    /** Whether {@code %2F} is let through. */
    public boolean allowsEncodedSlash() {
        return encodedSlash;
    }

    /**
     * Why the request must be refused, or empty if its path means one thing only. Reads the
     * request URI, context path, servlet path and path info; never the query string, headers or
     * body. A container that throws while computing the servlet path (Jetty does for URIs it finds
     * ambiguous) gets {@link Rejection#NOT_CANONICAL}.
     */
    public Optional<Rejection> check(HttpServletRequest request) {
        requireNonNull(request, "request");
        Rejection r = rejection(request);
        return r == null ? Optional.empty() : Optional.of(r);
    }

    private Rejection rejection(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String contextPath = request.getContextPath();
        String servletPath;
        String pathInfo;
        try {
            servletPath = request.getServletPath();
            pathInfo = request.getPathInfo();
        } catch (RuntimeException ambiguous) {
            return Rejection.NOT_CANONICAL;
        }
        if (uri == null || uri.isEmpty() || uri.charAt(0) != '/' || contextPath == null || !uri.startsWith(contextPath)) {
            return Rejection.NOT_CANONICAL;
        }
        int n = uri.length();
        boolean plain = true; // no '%' and no ';': the decoded path is the raw one
        int start = 1; // the first character of the current segment
        int nameEnd = -1; // where a ';' ended the current segment's name
        int i = 1;
        while (i <= n) {
            char c = i < n ? uri.charAt(i) : '/'; // a virtual '/' closes the last segment
            int width = 1;
            boolean separator = c == '/';
            if (c == '%') {
                int b = i + 2 < n ? hexByte(uri.charAt(i + 1), uri.charAt(i + 2)) : -1;
                if (b < 0) {
                    return Rejection.MALFORMED_ENCODING;
                }
                if (b == '/' && encodedSlash) {
                    separator = true;
                } else if (b == '.' || b == '/' || b == '\\' || b == '%' || b == ';') {
                    return Rejection.ENCODED_DELIMITER;
                } else if (b < 0x20 || b == 0x7F) {
                    return Rejection.UNSAFE_CHARACTER;
                }
                plain = false;
                width = 3;
            }
            if (separator) {
                int length = (nameEnd >= 0 ? nameEnd : i) - start;
                if (length == 0 && i < n) {
                    return Rejection.EMPTY_SEGMENT;
                }
                if ((length == 1 || length == 2) && uri.charAt(start) == '.' && uri.charAt(start + length - 1) == '.') {
                    return Rejection.DOT_SEGMENT;
                }
                start = i + width;
                nameEnd = -1;
            } else if (c == ';') {
                int end = parameterEnd(uri, i + 1);
                if (end < 0) {
                    return Rejection.PATH_PARAMETER;
                }
                if (nameEnd < 0) {
                    nameEnd = i;
                }
                plain = false;
                width = end - i;
            } else if (c == '\\') {
                return Rejection.BACKSLASH;
            } else if (c != '%' && (c < 0x21 || c > 0x7E)) {
                return Rejection.UNSAFE_CHARACTER;
            }
            i += width;
        }
        int from = contextPath.length();
        String sp = servletPath == null ? "" : servletPath;
        if (plain) {
            if (isMapped(uri, from, sp, pathInfo)) {
                return null;
            }
            return isWelcomeFile(uri.substring(from), sp, pathInfo) ? null : Rejection.NOT_CANONICAL;
        }
        String decoded = decode(uri, from);
        if (decoded == null) {
            return Rejection.MALFORMED_ENCODING;
        }
        for (int k = 0; k < decoded.length(); k++) {
            if (Character.isISOControl(decoded.charAt(k))) {
                return Rejection.UNSAFE_CHARACTER; // C1 controls: the ASCII ones were refused while scanning
            }
        }
        if (encodedSlash) {
            // Tomcat's "passthrough" leaves %2F in the servlet path, Jetty decodes it: compare decoded
            sp = decodeSlashes(sp);
            pathInfo = pathInfo == null ? null : decodeSlashes(pathInfo);
        }
        return isMapped(decoded, 0, sp, pathInfo) || isWelcomeFile(decoded, sp, pathInfo) ? null : Rejection.NOT_CANONICAL;
    }

    /**
     * The end (exclusive) of the path parameters starting at {@code from} (just after a ';'): the
     * next '/' or the end of the URI; or -1 if one of them is not allowed. Each is {@code name} or
     * {@code name=value}.
     */
    private int parameterEnd(String uri, int from) {
        int n = uri.length();
        int i = from;
        while (true) {
            int nameStart = i;
            while (i < n && uri.charAt(i) != '=' && uri.charAt(i) != ';' && uri.charAt(i) != '/') {
                i++;
            }
            if (pathParameters.isEmpty() || !pathParameters.contains(uri.substring(nameStart, i))) {
                return -1;
            }
            if (i < n && uri.charAt(i) == '=') {
                i++;
                while (i < n && uri.charAt(i) != ';' && uri.charAt(i) != '/') {
                    if (!isValueChar(uri.charAt(i))) {
                        return -1;
                    }
                    i++;
                }
            }
            if (i < n && uri.charAt(i) == ';') {
                i++;
                continue;
            }
            return i;
        }
    }

    private static boolean isValueChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '~' || c == '-';
    }

    /** Whether {@code path} from {@code from} is exactly {@code servletPath} followed by {@code pathInfo}. */
    private static boolean isMapped(String path, int from, String servletPath, String pathInfo) {
        int infoLength = pathInfo == null ? 0 : pathInfo.length();
        return path.length() - from == servletPath.length() + infoLength
                && path.startsWith(servletPath, from)
                && (pathInfo == null || path.startsWith(pathInfo, from + servletPath.length()));
    }

    /** A directory URI the container mapped to a file in it (Tomcat's welcome files). */
    private static boolean isWelcomeFile(String path, String servletPath, String pathInfo) {
        String mapped = pathInfo == null ? servletPath : servletPath + pathInfo;
        return path.endsWith("/") && mapped.length() > path.length() && mapped.startsWith(path)
                && mapped.indexOf('/', path.length()) < 0;
    }

    /**
     * The URI from {@code from} without its (allowed) path parameters, percent-decoded as strict
     * UTF-8; {@code null} if the bytes are not UTF-8 (overlong forms and encoded surrogates are not).
     */
    private static String decode(String uri, int from) {
        int n = uri.length();
        byte[] bytes = new byte[n - from];
        int length = 0;
        int i = from;
        while (i < n) {
            char c = uri.charAt(i);
            if (c == ';') {
                while (i < n && uri.charAt(i) != '/') {
                    i++;
                }
            } else if (c == '%') {
                bytes[length++] = (byte) hexByte(uri.charAt(i + 1), uri.charAt(i + 2)); // checked by the scan
                i += 3;
            } else {
                bytes[length++] = (byte) c; // printable ASCII, checked by the scan
                i++;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String decodeSlashes(String s) {
        return s.indexOf('%') < 0 ? s : s.replace("%2F", "/").replace("%2f", "/");
    }

    /** The byte of two hex digits, or -1. */
    private static int hexByte(char high, char low) {
        int h = Character.digit(high, 16);
        int l = Character.digit(low, 16);
        return h < 0 || l < 0 || high > 0x7F || low > 0x7F ? -1 : h << 4 | l;
    }

    @Override
    public String toString() {
        return "RequestFirewall[allowedPathParameters=" + pathParameters + ", allowEncodedSlash=" + encodedSlash + "]";
    }

    /**
     * Relaxes a {@link RequestFirewall}. Every setter checks its argument at once; setting one
     * twice is an {@link IllegalStateException}. Not thread-safe.
     */
    public static final class Builder {
        private Set<String> pathParameters = Set.of();
        private boolean encodedSlash;
        private final List<String> set = new ArrayList<>();

        private Builder() {}

        private void once(String option) {
            if (set.contains(option)) {
                throw new IllegalStateException(option + " was already set");
            }
            set.add(option);
        }

        /**
         * Lets path parameters of these names through ({@code ;jsessionid=…}), each
         * {@code [A-Za-z0-9_-]{1,64}}, matched case-sensitively, with values of letters, digits and
         * {@code . _ ~ -}. Default: none — every {@code ;} in the path is refused.
         */
        public Builder allowPathParameters(String... names) {
            requireNonNull(names, "names");
            TreeSet<String> sorted = new TreeSet<>();
            for (String name : names) {
                requireNonNull(name, "name");
                if (!PARAMETER_NAME.matcher(name).matches()) {
                    throw new IllegalArgumentException("a path parameter name matches [A-Za-z0-9_-]{1,64}");
                }
                sorted.add(name);
            }
            if (sorted.isEmpty()) {
                throw new IllegalArgumentException("name at least one path parameter");
            }
            once("allowPathParameters");
            this.pathParameters = Collections.unmodifiableSet(sorted);
            return this;
        }

        /**
         * Whether {@code %2F} may appear in the path (it still separates segments for the dot and
         * empty segment checks). Default: false — it is refused.
         */
        public Builder allowEncodedSlash(boolean allow) {
            once("allowEncodedSlash");
            this.encodedSlash = allow;
            return this;
        }

        public RequestFirewall build() {
            return pathParameters.isEmpty() && !encodedSlash ? STRICT : new RequestFirewall(pathParameters, encodedSlash);
        }
    }
}
