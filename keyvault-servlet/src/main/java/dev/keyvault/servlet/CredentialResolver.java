package dev.keyvault.servlet;

import static java.util.Objects.requireNonNull;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Enumeration;

/**
 * Finds the API key of a request in {@code Authorization: Bearer <key>} (scheme case-insensitive,
 * RFC 6750 §2.1) and in the API-key header ({@code X-API-Key} by default). Never in the query
 * string or the body: URLs end up in access logs, proxies and browser history. Every HTTP entry
 * point reads keys through it, so they all refuse the same ambiguous requests:
 *
 * <pre>{@code
 * CredentialResolver credentials = CredentialResolver.from(config);
 * Credential credential = credentials.resolve(request);
 * }</pre>
 *
 * <p>An {@code Authorization} header of another scheme (Basic, Digest…) is not ours and is
 * ignored. A credential header sent twice is refused ({@link Credential.Problem#REPEATED}) rather
 * than guessed at, and so are two different keys in the two headers
 * ({@link Credential.Problem#CONFLICTING}): which one the application would have meant is
 * unknowable. {@code Bearer} alone or an empty API-key header is {@link Credential.Problem#EMPTY};
 * a header value over the maximum length is {@link Credential.Problem#TOO_LARGE}, not read
 * further. The two headers are compared in constant time.
 *
 * <p>Which headers are read and the maximum length come from the {@link ApiKeyFilterConfig}:
 * by default {@code Authorization} and {@code X-API-Key}, at most 1,024 characters.
 * Immutable and thread-safe.
 */
public final class CredentialResolver {
    private static final String BEARER = "Bearer";
    private final String authorizationHeader;
    private final String apiKeyHeader;
    private final int maxLength;

    private CredentialResolver(String authorizationHeader, String apiKeyHeader, int maxLength) {
        this.authorizationHeader = authorizationHeader;
        this.apiKeyHeader = apiKeyHeader;
        this.maxLength = maxLength;
    }

    /**
     * Reads the headers {@code config} accepts ({@link ApiKeyFilterConfig#authorizationHeader()},
     * {@link ApiKeyFilterConfig#apiKeyHeader()}), up to {@link ApiKeyFilterConfig#maxCredentialLength()}.
     */
    public static CredentialResolver from(ApiKeyFilterConfig config) {
        requireNonNull(config, "config");
        return new CredentialResolver(config.authorizationHeader().orElse(null), config.apiKeyHeader().orElse(null),
                config.maxCredentialLength());
    }

    /** The credential {@code request} carries. Reads two headers at most; never the query string or body. */
    public Credential resolve(HttpServletRequest request) {
        requireNonNull(request, "request");
        String bearer = null;
        // getHeader first: it costs no enumeration when the header is absent, the usual case for one of the two.
        if (authorizationHeader != null && request.getHeader(authorizationHeader) != null) {
            Enumeration<String> values = request.getHeaders(authorizationHeader);
            if (values != null && values.hasMoreElements()) {
                String value = values.nextElement();
                if (values.hasMoreElements()) {
                    return new Credential.Bad(Credential.Problem.REPEATED);
                }
                if (value != null && isBearer(value)) {
                    if (value.length() > maxLength) {
                        return new Credential.Bad(Credential.Problem.TOO_LARGE);
                    }
                    bearer = afterScheme(value);
                    if (bearer.isEmpty()) {
                        return new Credential.Bad(Credential.Problem.EMPTY);
                    }
                }
            }
        }
        String apiKey = null;
        if (apiKeyHeader != null && request.getHeader(apiKeyHeader) != null) {
            Enumeration<String> values = request.getHeaders(apiKeyHeader);
            if (values != null && values.hasMoreElements()) {
                String value = values.nextElement();
                if (values.hasMoreElements()) {
                    return new Credential.Bad(Credential.Problem.REPEATED);
                }
                if (value != null) {
                    if (value.length() > maxLength) {
                        return new Credential.Bad(Credential.Problem.TOO_LARGE);
                    }
                    apiKey = trimWhitespace(value);
                    if (apiKey.isEmpty()) {
                        return new Credential.Bad(Credential.Problem.EMPTY);
                    }
                }
            }
        }
        if (bearer != null && apiKey != null && !sameKey(bearer, apiKey)) {
            return new Credential.Bad(Credential.Problem.CONFLICTING);
        }
        String token = bearer != null ? bearer : apiKey;
        if (token == null) {
            return Credential.NONE;
        }
        return new Credential.Token(token, isB64Token(token));
    }

    /** {@code Bearer} in any case, alone or followed by whitespace; {@code Bearerx} is another scheme. */
    private static boolean isBearer(String value) {
        if (!value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        return value.length() == BEARER.length() || isWhitespace(value.charAt(BEARER.length()));
    }

    private static String afterScheme(String value) {
        return trimWhitespace(value, BEARER.length());
    }

    private static String trimWhitespace(String s) {
        return trimWhitespace(s, 0);
    }

    /** {@code s} from {@code from}, without leading and trailing spaces and tabs; one substring at most. */
    private static String trimWhitespace(String s, int from) {
        int start = from;
        int end = s.length();
        while (start < end && isWhitespace(s.charAt(start))) {
            start++;
        }
        while (end > start && isWhitespace(s.charAt(end - 1))) {
            end--;
        }
        return start == 0 && end == s.length() ? s : s.substring(start, end);
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }

    /** RFC 6750 §2.1: {@code b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}. */
    static boolean isB64Token(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && isB64Char(s.charAt(i))) {
            i++;
        }
        if (i == 0) {
            return false;
        }
        while (i < n && s.charAt(i) == '=') {
            i++;
        }
        return i == n;
    }

    private static final boolean[] B64_CHAR = new boolean[128];

    static {
        for (char c = 0; c < 128; c++) {
            B64_CHAR[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
        }
    }

    private static boolean isB64Char(char c) {
        return c < 128 && B64_CHAR[c];
    }

    /** Constant-time, so the comparison of a client's two headers says nothing through timing. */
    private static boolean sameKey(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
