package dev.keyvault.servlet;

import static java.util.Objects.requireNonNull;

import dev.keyvault.KeyManager;
import dev.keyvault.RejectionReason;
import dev.keyvault.Syntax;
import dev.keyvault.UsageEvent;
import dev.keyvault.servlet.internal.AsyncCompletion;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.Enumeration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a request made with a key as {@link KeyManager#recordUsage} — in memory, no I/O on the
 * request thread — with the method, an endpoint label, the client address ({@link ClientAddresses}),
 * the user agent, the client label and the final status. Every entry point records through it, so
 * usage means the same whichever one a request came through:
 *
 * <pre>{@code
 * UsageRecorder usage = UsageRecorder.from(keyManager, config);
 * chain.doFilter(request, response);
 * usage.recordWhenDone(request, response, key.id(), "/articles/**"); // now, or when an async request completes
 * }</pre>
 *
 * <p>The endpoint is a route label such as {@code /articles/**}, never the raw path: ids in paths
 * would make one rollup per resource. {@link #servletMapping} gives the servlet mapping's pattern
 * for requests without a route of their own.
 *
 * <p>The <b>client label</b>: with {@link ApiKeyFilterConfig.Builder#clientLabelHeader} set, the
 * value of that request header is the event's consumer label, which tells apart consumers that
 * share an address and user agent (two services behind one NAT) — rotation status then lists them
 * separately. It is validated as core's text ({@link Syntax#text}, at most
 * {@value Syntax#MAX_CLIENT} characters: not blank, no control or bidirectional-formatting
 * characters, no surrounding whitespace); a value that is not, or a header sent twice, is recorded
 * as absent. It never fails the request, is never echoed and never logged.
 *
 * <p>Recording never changes the response: a failure to record is logged (at debug, without
 * request data) and dropped — usage is bookkeeping, the request has been answered. Timestamps come
 * from {@link ApiKeyFilterConfig#clock()} if set, else the {@code KeyManager}'s clock. Defaults
 * are the config's: recording on, no trusted proxies, no client label. Immutable and thread-safe.
 */
public final class UsageRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(UsageRecorder.class);
    private static final String OTHER_METHOD = "OTHER";
    private static final String UNMAPPED = "(unmapped)";

    private final KeyManager keys;
    private final Clock clock;
    private final ClientAddresses addresses;
    private final String labelHeader;
    private final boolean enabled;

    private UsageRecorder(KeyManager keys, Clock clock, ClientAddresses addresses, String labelHeader, boolean enabled) {
        this.keys = keys;
        this.clock = clock;
        this.addresses = addresses;
        this.labelHeader = labelHeader;
        this.enabled = enabled;
    }

    /**
     * Recording into {@code keys} as {@code config} says: whether at all
     * ({@link ApiKeyFilterConfig#recordUsage()}), the trusted proxies, the client-label header and
     * the clock.
     */
    public static UsageRecorder from(KeyManager keys, ApiKeyFilterConfig config) {
        requireNonNull(keys, "keys");
        requireNonNull(config, "config");
        return new UsageRecorder(keys, config.clock().orElseGet(keys::clock), ClientAddresses.from(config),
                config.clientLabelHeader().orElse(null), config.recordUsage());
    }

    /**
     * Records one request of {@code keyId}, now.
     *
     * @param endpoint the route label: non-blank text of at most {@value Syntax#MAX_ENDPOINT}
     *                 characters, such as a rule's pattern or {@link #servletMapping}
     * @param status   the final response status (one outside 100–599 is recorded as 500)
     * @throws IllegalArgumentException if {@code endpoint} is not such text
     */
    public void record(HttpServletRequest request, String keyId, String endpoint, int status) {
        requireNonNull(request, "request");
        requireNonNull(keyId, "keyId");
        Syntax.text("endpoint", endpoint, Syntax.MAX_ENDPOINT);
        if (enabled) {
            record(request, addresses.clientIp(request), keyId, endpoint, status);
        }
    }

    /**
     * Records one request of {@code keyId} that a key policy refused after its secret matched, now,
     * with the refusal and the status {@link ProblemResponses} answers it with (403 for a client
     * address outside the key's allowlist, 429 for no credits left), so {@code usageAudit} lists it.
     *
     * @param refusal {@link RejectionReason#IP_NOT_ALLOWED} or {@link RejectionReason#CREDITS_EXHAUSTED}
     * @throws IllegalArgumentException as {@link #record(HttpServletRequest, String, String, int)}, or
     *                                  for another reason
     */
    public void recordRefusal(HttpServletRequest request, String keyId, String endpoint, RejectionReason refusal) {
        requireNonNull(request, "request");
        requireNonNull(keyId, "keyId");
        Syntax.text("endpoint", endpoint, Syntax.MAX_ENDPOINT);
        if (requireNonNull(refusal, "refusal") != RejectionReason.IP_NOT_ALLOWED && refusal != RejectionReason.CREDITS_EXHAUSTED) {
            throw new IllegalArgumentException("a usage refusal is IP_NOT_ALLOWED or CREDITS_EXHAUSTED, was " + refusal);
        }
        if (enabled) {
            int status = refusal == RejectionReason.IP_NOT_ALLOWED ? 403 : 429;
            record(request, addresses.clientIp(request), keyId, endpoint, status, Optional.of(refusal));
        }
    }

    /**
     * Records a request whose handling returned normally: with its final status when it
     * completes if it went async (an {@code AsyncListener}, kept across further
     * {@code startAsync} calls), else now with the response's status. For a request whose
     * handling threw, record {@code 500} (or the status, if the response was committed) with
     * {@link #record}.
     *
     * @throws IllegalArgumentException as {@link #record}
     */
    public void recordWhenDone(HttpServletRequest request, HttpServletResponse response, String keyId, String endpoint) {
        requireNonNull(request, "request");
        requireNonNull(response, "response");
        requireNonNull(keyId, "keyId");
        Syntax.text("endpoint", endpoint, Syntax.MAX_ENDPOINT);
        if (enabled) {
            recordWhenDone(request, response, addresses.clientIp(request), keyId, endpoint);
        }
    }

    /** {@link #recordWhenDone} with the client address already resolved; {@code endpoint} null: {@link #servletMapping}. */
    void recordWhenDone(HttpServletRequest request, HttpServletResponse response, String client, String keyId,
            String endpoint) {
        if (!enabled) {
            return;
        }
        if (request.isAsyncStarted()) {
            try {
                request.getAsyncContext().addListener(
                        new AsyncCompletion(() -> record(request, client, keyId, endpoint, response.getStatus())));
                return;
            } catch (IllegalStateException completedMeanwhile) {
                // recorded below, with the status it completed with
            }
        }
        record(request, client, keyId, endpoint, response.getStatus());
    }

    /**
     * {@link #record} with the client address already resolved and the endpoint trusted;
     * {@code endpoint} null: {@link #servletMapping}, read when recording.
     */
    void record(HttpServletRequest request, String client, String keyId, String endpoint, int status) {
        record(request, client, keyId, endpoint, status, Optional.empty());
    }

    /** {@link #record(HttpServletRequest, String, String, String, int)} of a request a key policy refused. */
    void record(HttpServletRequest request, String client, String keyId, String endpoint, int status,
            Optional<RejectionReason> refusal) {
        if (!enabled) {
            return;
        }
        try {
            String method = request.getMethod();
            String userAgent = request.getHeader("User-Agent");
            // The canonical constructor validates once; of(...).withUserAgent(...) would validate twice.
            UsageEvent event = new UsageEvent(Instant.ofEpochMilli(clock.millis()),
                    Syntax.isMethod(method) ? method : OTHER_METHOD,
                    endpoint != null ? endpoint : servletMapping(request),
                    client,
                    status < 100 || status > 599 ? 500 : status,
                    Optional.ofNullable(userAgent),
                    clientLabel(request),
                    refusal);
            keys.recordUsage(keyId, event);
        } catch (RuntimeException e) {
            // The class only: a message could quote request data.
            LOG.debug("recording usage of key {} failed: {}", keyId, e.getClass().getName());
        }
    }

    /** The configured client-label header's value if it is valid text sent once; otherwise absent. */
    private Optional<String> clientLabel(HttpServletRequest request) {
        if (labelHeader == null) {
            return Optional.empty();
        }
        String value = request.getHeader(labelHeader);
        if (value == null || value.length() > Syntax.MAX_CLIENT) {
            return Optional.empty();
        }
        Enumeration<String> values = request.getHeaders(labelHeader);
        if (values != null && values.hasMoreElements()) {
            values.nextElement();
            if (values.hasMoreElements()) {
                return Optional.empty(); // which of two labels is meant is unknowable
            }
        }
        try {
            return Optional.of(Syntax.text("consumer", value, Syntax.MAX_CLIENT));
        } catch (IllegalArgumentException notText) {
            return Optional.empty();
        }
    }

    /**
     * The endpoint label of a request without a route of its own: the pattern of the servlet
     * mapping it came in on ({@code /api/*}, {@code *.json}, {@code /} for the context root), or
     * {@code (unmapped)} — never the raw path.
     */
    public static String servletMapping(HttpServletRequest request) {
        requireNonNull(request, "request");
        HttpServletMapping mapping;
        try {
            mapping = request.getHttpServletMapping();
        } catch (RuntimeException e) {
            return UNMAPPED;
        }
        if (mapping == null || mapping.getPattern() == null) {
            return UNMAPPED;
        }
        String pattern = mapping.getPattern();
        if (pattern.isEmpty()) {
            return "/"; // the context root mapping
        }
        return pattern.length() <= Syntax.MAX_ENDPOINT && pattern.strip().equals(pattern) ? pattern : UNMAPPED;
    }
}
