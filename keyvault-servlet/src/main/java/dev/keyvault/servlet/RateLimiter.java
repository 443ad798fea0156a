package dev.keyvault.servlet;

import static java.util.Objects.requireNonNull;

import dev.keyvault.ApiKey;
import dev.keyvault.servlet.internal.Buckets;
import dev.keyvault.servlet.internal.Probes;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Rate limits keys by their tier: one token bucket per key, sized by the {@link Tier} the
 * {@link ApiKeyFilterConfig} gives the key's tier name ({@link ApiKeyFilterConfig#tierFor}), in the
 * config's {@link RateLimitStore} (local by default, or PostgreSQL shared by every node). An entry
 * point takes one request per verified key and announces the result:
 *
 * <pre>{@code
 * RateLimiter limiter = RateLimiter.from(config, clock);
 * Optional<RateLimitProbe> probe = limiter.tryConsume(key);   // empty: the key's tier is unlimited
 * if (probe.isPresent() && !probe.get().allowed()) {
 *     responses.rateLimited(response, probe.get());             // 429, Retry-After, RateLimit fields
 *     return;
 * }
 * probe.ifPresent(p -> limiter.addHeaders(response, p));       // RateLimit-Policy and RateLimit
 * }</pre>
 *
 * The header fields follow draft-ietf-httpapi-ratelimit-headers (-09 and later); what {@code q},
 * {@code w}, {@code r} and {@code t} mean for a token bucket is on {@link RateLimitProbe}.
 *
 * <p>Defaults are the config's: no tiers (nothing limited), local buckets for at most 100,000
 * keys. The clock times the buckets (with PostgreSQL buckets every node's clock must agree):
 * {@link ApiKeyFilterConfig#clock()} if set, else pass the {@code KeyManager}'s. Immutable and
 * thread-safe.
 */
public final class RateLimiter {
    /** The field announcing a tier's policy, such as {@code "standard";q=100;w=10}. */
    public static final String POLICY_HEADER = "RateLimit-Policy";
    /** The field announcing what is left of it, such as {@code "standard";r=42;t=1}. */
    public static final String HEADER = "RateLimit";

    private final ApiKeyFilterConfig config;
    private final Buckets buckets;
    /** Per configured tier: its policy field and the start of its RateLimit field, built once. */
    private final Map<Tier, String[]> fields = new IdentityHashMap<>();

    private RateLimiter(ApiKeyFilterConfig config, Buckets buckets) {
        this.config = config;
        this.buckets = buckets;
        for (Tier t : config.tiers().values()) {
            fields.put(t, new String[] {RateLimitProbe.policyField(t), "\"" + t.name() + "\";r="});
        }
    }

    /**
     * The rate limiter of {@code config}'s tiers and store, timed by {@code clock}. Opens no
     * buckets when no tiers are configured.
     */
    public static RateLimiter from(ApiKeyFilterConfig config, Clock clock) {
        requireNonNull(config, "config");
        requireNonNull(clock, "clock");
        return new RateLimiter(config, config.tiers().isEmpty() ? null : config.rateLimitStore().open(clock));
    }

    /**
     * Takes one request from {@code key}'s bucket, created full if new (or if its tier's numbers
     * changed). Empty if the key's tier is not limited: no tiers configured, or a tier that is not
     * configured with {@link ApiKeyFilterConfig.Builder#unknownTiersUnlimited()}.
     *
     * @throws dev.keyvault.KeyStoreException if a shared bucket store fails (answer 503, never let
     *                                        the request through)
     */
    public Optional<RateLimitProbe> tryConsume(ApiKey key) {
        requireNonNull(key, "key");
        return Optional.ofNullable(tryConsumeOrNull(key));
    }

    /** {@link #tryConsume} without the Optional, for the filter's per-request path. */
    RateLimitProbe tryConsumeOrNull(ApiKey key) {
        if (buckets == null) {
            return null;
        }
        Tier tier = config.tierOrNull(key.tier());
        return tier == null ? null : buckets.tryConsume(key.id(), tier);
    }

    /**
     * Adds the {@value #POLICY_HEADER} and {@value #HEADER} fields of {@code probe} to
     * {@code response}. Added, not set: both are lists another policy may share, and a set scans
     * every header already there — on every request, that scan costs more than the rate limit.
     * Nothing if the response is committed.
     */
    public void addHeaders(HttpServletResponse response, RateLimitProbe probe) {
        requireNonNull(response, "response");
        requireNonNull(probe, "probe");
        String[] f = fields.get(probe.tier());
        if (f == null) {
            add(response, probe);
            return;
        }
        response.addHeader(POLICY_HEADER, f[0]);
        response.addHeader(HEADER, f[1] + Probes.text(RateLimitProbe.integer(probe.remaining()))
                + ";t=" + Probes.text(RateLimitProbe.integer(probe.resetSeconds())));
    }

    /** The fields of any probe, built for it. */
    static void add(HttpServletResponse response, RateLimitProbe probe) {
        response.addHeader(POLICY_HEADER, probe.policyField());
        response.addHeader(HEADER, probe.field());
    }

    @Override
    public String toString() {
        return "RateLimiter[tiers=" + config.tiers().keySet() + ", store=" + config.rateLimitStore() + "]";
    }
}
