package dev.keyvault.servlet.internal;

import dev.keyvault.KeyManager;
import dev.keyvault.Syntax;
import dev.keyvault.UsageEvent;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a finished request into {@link KeyManager#recordUsage} — in memory, no I/O on the request
 * thread — and makes sure a failure to record never changes the response: usage is bookkeeping,
 * the request has already been answered. Immutable, thread-safe.
 */
public final class UsageRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(UsageRecorder.class);
    private static final String OTHER_METHOD = "OTHER";
    private static final String UNMAPPED = "(unmapped)";

    private final KeyManager keys;
    private final Clock clock;
    private final ClientAddresses addresses;
    private final boolean enabled;

    public UsageRecorder(KeyManager keys, Clock clock, ClientAddresses addresses, boolean enabled) {
        this.keys = keys;
        this.clock = clock;
        this.addresses = addresses;
        this.enabled = enabled;
    }

    /**
     * Records one request of {@code keyId}.
     *
     * @param route  the route the request matched; its pattern is the endpoint label, or for
     *               unmatched requests the servlet mapping's pattern — never the raw path, whose ids
     *               would make one rollup per resource
     * @param status the final response status
     */
    public void record(HttpServletRequest request, String keyId, Route route, int status) {
        if (!enabled) {
            return;
        }
        try {
            String method = request.getMethod();
            String userAgent = request.getHeader("User-Agent");
            // The canonical constructor validates once; of(...).withUserAgent(...) would validate twice.
            UsageEvent event = new UsageEvent(Instant.ofEpochMilli(clock.millis()),
                    Syntax.isMethod(method) ? method : OTHER_METHOD,
                    route.label() != null ? route.label() : mappingLabel(request),
                    addresses.clientIp(request),
                    status < 100 || status > 599 ? 500 : status,
                    Optional.ofNullable(userAgent),
                    Optional.empty());
            keys.recordUsage(keyId, event);
        } catch (RuntimeException e) {
            // The class only: a message could quote request data.
            LOG.debug("recording usage of key {} failed: {}", keyId, e.getClass().getName());
        }
    }

    private static String mappingLabel(HttpServletRequest request) {
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
