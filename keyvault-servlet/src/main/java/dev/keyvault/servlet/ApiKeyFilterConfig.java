package dev.keyvault.servlet;

import static java.util.Objects.requireNonNull;

import dev.keyvault.servlet.internal.IpRange;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How an {@link ApiKeyFilter} treats requests: where it reads keys, which routes need which
 * scopes, the rate-limit tiers and where their buckets live, how many failed verifications a
 * client may have, and what the {@link RequestFirewall} may let through. Build one with
 * {@link #builder()}:
 *
 * <pre>{@code
 * ApiKeyFilterConfig config = ApiKeyFilterConfig.builder()
 *         .realm("kb")
 *         .rule(Rule.permitAll("GET", "/health"))
 *         .rule(Rule.requireScopes("GET", "/articles/**", "kb:read"))
 *         .rule(Rule.requireScopes("POST", "/articles/**", "kb:write"))
 *         .tier(Tier.of("free", 60, Duration.ofMinutes(1), 10))
 *         .tier(Tier.of("standard", 600, Duration.ofMinutes(1), 100))
 *         .fallbackTier("free") // keys issued without a tier (tier "default") are limited as free
 *         .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class ApiKeyFilterConfig {
    private final String realm;
    private final Optional<String> authorizationHeader;
    private final Optional<String> apiKeyHeader;
    private final List<Rule> rules;
    private final UnmatchedPolicy unmatched;
    private final Map<String, Tier> tiers;
    private final Optional<Tier> fallbackTier;
    private final boolean unknownTiersUnlimited;
    private final RateLimitStore rateLimitStore;
    private final List<String> trustedProxies;
    private final Optional<FailureLimit> failureLimit;
    private final Clock clock;
    private final int maxCredentialLength;
    private final boolean recordUsage;
    private final Duration unavailableRetryAfter;
    private final Optional<String> clientLabelHeader;
    private final RequestFirewall requestFirewall;
    private final boolean requirePepper;

    private ApiKeyFilterConfig(Builder b) {
        this.requirePepper = b.requirePepper;
        this.realm = b.realm;
        this.authorizationHeader = b.authorizationHeader;
        this.apiKeyHeader = b.apiKeyHeader;
        this.rules = List.copyOf(b.rules);
        this.unmatched = b.unmatched;
        this.tiers = Collections.unmodifiableMap(new LinkedHashMap<>(b.tiers));
        this.fallbackTier = Optional.ofNullable(b.tiers.get(b.fallbackTier));
        this.unknownTiersUnlimited = b.unknownTiersUnlimited;
        this.rateLimitStore = b.rateLimitStore;
        this.trustedProxies = List.copyOf(b.trustedProxies);
        this.failureLimit = b.failureLimit;
        this.clock = b.clock;
        this.maxCredentialLength = b.maxCredentialLength;
        this.recordUsage = b.recordUsage;
        this.unavailableRetryAfter = b.unavailableRetryAfter;
        this.clientLabelHeader = b.clientLabelHeader;
        this.requestFirewall = b.firewall.build();
    }

    /** A builder with the defaults documented on each setter. */
    public static Builder builder() {
        return new Builder();
    }

    /** The realm of every {@code WWW-Authenticate} challenge. */
    public String realm() {
        return realm;
    }

    /** The header read for {@code Bearer <key>}, if that is accepted. */
    public Optional<String> authorizationHeader() {
        return authorizationHeader;
    }

    /** The header read for a bare key, if that is accepted. */
    public Optional<String> apiKeyHeader() {
        return apiKeyHeader;
    }

    /** The rules, in the order they are tried. */
    public List<Rule> rules() {
        return rules;
    }

    /** What happens to a request no rule matches. */
    public UnmatchedPolicy unmatched() {
        return unmatched;
    }

    /** The tiers by name, in the order they were added. */
    public Map<String, Tier> tiers() {
        return tiers;
    }

    /**
     * The tier a key of tier {@code tierName} is limited by: the configured tier of that name, else
     * the fallback tier; empty (not limited) only when no tiers are configured, or when
     * {@link Builder#unknownTiersUnlimited()} was chosen.
     */
    public Optional<Tier> tierFor(String tierName) {
        return Optional.ofNullable(tierOrNull(tierName));
    }

    /** {@link #tierFor} without the Optional, for the rate limiter's per-request path. */
    Tier tierOrNull(String tierName) {
        Tier t = tiers.get(tierName);
        return t != null ? t : fallbackTier.orElse(null);
    }

    /** The tier keys of unconfigured tiers get, if any. */
    public Optional<Tier> fallbackTier() {
        return fallbackTier;
    }

    /** Whether the filter refuses a {@code KeyManager} without a pepper ({@link Builder#requirePepper()}). */
    public boolean requirePepper() {
        return requirePepper;
    }

    /** Whether keys of unconfigured tiers were explicitly left unlimited ({@link Builder#unknownTiersUnlimited()}). */
    public boolean unknownTiersUnlimited() {
        return unknownTiersUnlimited;
    }

    /** Where the buckets live. */
    public RateLimitStore rateLimitStore() {
        return rateLimitStore;
    }

    /** Addresses and CIDR blocks whose {@code X-Forwarded-For} is believed. */
    public List<String> trustedProxies() {
        return trustedProxies;
    }

    /**
     * How many failed key verifications a client address may have before its keys are answered
     * 429 unverified; empty if switched off with {@link Builder#withoutFailureLimit()}.
     */
    public Optional<FailureLimit> failureLimit() {
        return failureLimit;
    }

    /**
     * The clock of rate-limit buckets, the failure limit and usage timestamps, if one was set;
     * otherwise the filter uses its {@code KeyManager}'s.
     */
    public Optional<Clock> clock() {
        return Optional.ofNullable(clock);
    }

    /** The longest credential header value looked at; longer ones get 431. */
    public int maxCredentialLength() {
        return maxCredentialLength;
    }

    /** Whether requests are recorded with {@link dev.keyvault.KeyManager#recordUsage}. */
    public boolean recordUsage() {
        return recordUsage;
    }

    /** The {@code Retry-After} of a 503. */
    public Duration unavailableRetryAfter() {
        return unavailableRetryAfter;
    }

    /**
     * The request header whose value usage records as the consumer label, telling apart clients
     * that share an address and user agent; empty if none was set.
     */
    public Optional<String> clientLabelHeader() {
        return clientLabelHeader;
    }

    /**
     * The request firewall every request passes first, permitAll routes included: strict unless
     * {@link Builder#allowPathParameters} or {@link Builder#allowEncodedSlash} relaxed it.
     */
    public RequestFirewall requestFirewall() {
        return requestFirewall;
    }

    @Override
    public String toString() {
        return "ApiKeyFilterConfig[realm=" + realm + ", authorizationHeader=" + authorizationHeader
                + ", apiKeyHeader=" + apiKeyHeader + ", rules=" + rules + ", unmatched=" + unmatched
                + ", tiers=" + tiers.values() + ", fallbackTier=" + fallbackTier.map(Tier::name)
                + (unknownTiersUnlimited ? ", unknownTiersUnlimited" : "")
                + ", rateLimitStore=" + rateLimitStore + ", trustedProxies=" + trustedProxies
                + ", failureLimit=" + failureLimit.map(Object::toString).orElse("none")
                + clientLabelHeader.map(h -> ", clientLabelHeader=" + h).orElse("")
                + ", requestFirewall=" + requestFirewall + "]";
    }

    /**
     * Configures an {@link ApiKeyFilterConfig}. Every setter checks its argument at once
     * ({@link NullPointerException}, {@link IllegalArgumentException}); setting an option twice, or
     * two options that contradict each other, is an {@link IllegalStateException}. Nothing is
     * required. Not thread-safe.
     */
    public static final class Builder {
        /** RFC 7230 {@code token}: what a header name may be. */
        private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}");
        /** Visible ASCII and space, without the quote and backslash that would break out of a quoted-string. */
        private static final Pattern REALM = Pattern.compile("[\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]{1,64}");

        private String realm = "api";
        private Optional<String> authorizationHeader = Optional.of("Authorization");
        private Optional<String> apiKeyHeader = Optional.of("X-API-Key");
        private final List<Rule> rules = new ArrayList<>();
        private final Set<String> ruleKeys = new HashSet<>();
        private UnmatchedPolicy unmatched = UnmatchedPolicy.DENY;
        private final Map<String, Tier> tiers = new LinkedHashMap<>();
        private String fallbackTier = "default";
        private boolean unknownTiersUnlimited;
        private RateLimitStore rateLimitStore = RateLimitStore.local();
        private List<String> trustedProxies = List.of();
        private Optional<FailureLimit> failureLimit = Optional.of(FailureLimit.DEFAULT);
        private Clock clock;
        private int maxCredentialLength = 1024;
        private boolean recordUsage = true;
        private Duration unavailableRetryAfter = Duration.ofSeconds(5);
        private Optional<String> clientLabelHeader = Optional.empty();
        private boolean requirePepper;
        private final RequestFirewall.Builder firewall = RequestFirewall.builder();
        private final Set<String> set = new HashSet<>();

        private Builder() {}

        private void once(String option) {
            if (!set.add(option)) {
                throw new IllegalStateException(option + " was already set");
            }
        }

        /**
         * The realm named in every {@code WWW-Authenticate} challenge: 1–64 visible ASCII characters
         * or spaces, without {@code "} or {@code \}. Default: {@code api}.
         */
        public Builder realm(String realm) {
            requireNonNull(realm, "realm");
            if (!REALM.matcher(realm).matches()) {
                throw new IllegalArgumentException("realm must be 1-64 visible ASCII characters without \" or \\");
            }
            once("realm");
            this.realm = realm;
            return this;
        }

        /**
         * The header holding {@code Bearer <key>} (the scheme is matched case-insensitively).
         * Default: {@code Authorization}.
         */
        public Builder authorizationHeader(String name) {
            checkHeader(name);
            once("authorizationHeader");
            this.authorizationHeader = Optional.of(name);
            return this;
        }

        /** Do not read keys from {@code Authorization: Bearer}. Default: read them. */
        public Builder withoutAuthorizationHeader() {
            once("authorizationHeader");
            this.authorizationHeader = Optional.empty();
            return this;
        }

        /** The header holding a bare key. Default: {@code X-API-Key}. */
        public Builder apiKeyHeader(String name) {
            checkHeader(name);
            once("apiKeyHeader");
            this.apiKeyHeader = Optional.of(name);
            return this;
        }

        /** Do not read keys from an API-key header. Default: read them. */
        public Builder withoutApiKeyHeader() {
            once("apiKeyHeader");
            this.apiKeyHeader = Optional.empty();
            return this;
        }

        private static void checkHeader(String name) {
            requireNonNull(name, "name");
            if (!HEADER_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("a header name is an RFC 7230 token of at most 64 characters");
            }
        }

        /**
         * Adds a rule; rules are tried in the order added and the first match decides. Adding a
         * second rule for the same method and pattern is an {@link IllegalStateException} (it could
         * never match). Default: no rules, so every request gets the {@link #unmatched} policy.
         */
        public Builder rule(Rule rule) {
            requireNonNull(rule, "rule");
            if (!ruleKeys.add(rule.method() + " " + rule.pattern())) {
                throw new IllegalStateException("there is already a rule for " + rule.method() + " " + rule.pattern());
            }
            rules.add(rule);
            return this;
        }

        /**
         * What happens to requests no rule matches. Default: {@link UnmatchedPolicy#DENY} (a valid
         * key is still required, then 403), so a forgotten route is closed, not open.
         */
        public Builder unmatched(UnmatchedPolicy policy) {
            requireNonNull(policy, "policy");
            once("unmatched");
            this.unmatched = policy;
            return this;
        }

        /**
         * Adds a rate-limit tier; keys name theirs ({@link dev.keyvault.ApiKey#tier()}). Adding two
         * tiers of one name is an {@link IllegalStateException}. Once tiers are added, keys of
         * every other tier need one too — a tier named {@code default}, a {@link #fallbackTier},
         * or {@link #unknownTiersUnlimited()} — or {@link #build()} fails. Default: no tiers, so
         * nothing is rate-limited.
         */
        public Builder tier(Tier tier) {
            requireNonNull(tier, "tier");
            if (tiers.putIfAbsent(tier.name(), tier) != null) {
                throw new IllegalStateException("there is already a tier named " + tier.name());
            }
            return this;
        }

        /**
         * The tier of keys whose tier is not configured here; it must be added with {@link #tier}.
         * Default: the tier named {@code default} — the tier keyvault gives keys issued without
         * one — if such a tier is added. When tiers are configured and neither exists,
         * {@link #build()} fails rather than leave those keys unlimited, unless
         * {@link #unknownTiersUnlimited()} says so.
         */
        public Builder fallbackTier(String name) {
            requireNonNull(name, "name");
            if (unknownTiersUnlimited) {
                throw new IllegalStateException("fallbackTier contradicts unknownTiersUnlimited already set");
            }
            once("fallbackTier");
            this.fallbackTier = name;
            return this;
        }

        /**
         * Refuse to start unless the {@code KeyManager}'s hashes are keyed by a pepper, or the host chose
         * its hasher or declined the pepper explicitly: a filter built with a manager whose
         * {@code pepperStatus()} is {@code NOT_CONFIGURED} throws {@link IllegalStateException} (and
         * {@code init} a {@code ServletException}), naming {@code KEYVAULT_PEPPER}. Set it in production.
         * Default: off — the filter starts, and logs a warning when the manager has no pepper.
         */
        public Builder requirePepper() {
            once("requirePepper");
            this.requirePepper = true;
            return this;
        }

        /**
         * Leaves keys whose tier is not configured unlimited, on purpose: without this, or a
         * {@link #fallbackTier}, or a tier named {@code default}, {@link #build()} fails when tiers
         * are configured — a key issued without a tier must not escape every limit by accident.
         * Contradicts {@link #fallbackTier}. Default: off.
         */
        public Builder unknownTiersUnlimited() {
            if (set.contains("fallbackTier")) {
                throw new IllegalStateException("unknownTiersUnlimited contradicts the fallbackTier already set");
            }
            once("unknownTiersUnlimited");
            this.unknownTiersUnlimited = true;
            return this;
        }

        /** Where the buckets live. Default: {@link RateLimitStore#local()}. */
        public Builder rateLimitStore(RateLimitStore store) {
            requireNonNull(store, "store");
            once("rateLimitStore");
            this.rateLimitStore = store;
            return this;
        }

        /**
         * The reverse proxies (addresses or CIDR blocks, such as {@code 10.0.0.0/8} or {@code ::1})
         * whose {@code X-Forwarded-For} is believed for the client address: the one usage records,
         * failed verifications are counted by ({@link #failureLimit}) and key verification is given
         * ({@code VerificationRequest.withClientAddress}). See {@link ClientAddresses}.
         * Default: none — the connection's remote address is the client.
         */
        public Builder trustedProxies(String... proxies) {
            requireNonNull(proxies, "proxies");
            List<String> list = new ArrayList<>();
            for (String p : proxies) {
                IpRange.parse(p);
                list.add(p.strip());
            }
            once("trustedProxies");
            this.trustedProxies = List.copyOf(list);
            return this;
        }

        /**
         * How many failed key verifications — a malformed, unknown or wrong key, answered 401 — a
         * client address may have before its requests with a key are answered 429 with
         * {@code Retry-After}, without being verified, until its allowance refills. The address is
         * the one usage records ({@code X-Forwarded-For} only from {@link #trustedProxies}); IPv6
         * addresses count by /64. While an address is limited even a valid key from it gets 429:
         * verifying it would cost what the limit saves, and a client that keeps failing is not
         * told which of its keys are good. Requests that succeed, carry no key, or are refused
         * otherwise never count. At most 10,000 addresses are tracked; beyond that, addresses
         * whose allowance refilled are forgotten first, then unlimited ones, then any.
         * Default: {@link FailureLimit#DEFAULT} — 20 failures at once, then 20 a minute.
         */
        public Builder failureLimit(FailureLimit limit) {
            requireNonNull(limit, "limit");
            once("failureLimit");
            this.failureLimit = Optional.of(limit);
            return this;
        }

        /**
         * Switches failure limiting off: every request with a key is verified, however many wrong
         * keys its address sent. Default: on, see {@link #failureLimit}.
         */
        public Builder withoutFailureLimit() {
            once("failureLimit");
            this.failureLimit = Optional.empty();
            return this;
        }

        /**
         * The clock of rate-limit buckets, the failure limit and usage timestamps. With PostgreSQL buckets every node's
         * clock must agree (NTP). Default: the {@code KeyManager}'s clock ({@code KeyManager.clock()}),
         * so a test that moves the manager's clock moves the buckets too.
         */
        public Builder clock(Clock clock) {
            requireNonNull(clock, "clock");
            once("clock");
            this.clock = clock;
            return this;
        }

        /**
         * The longest credential header value looked at, 64–65,536 characters; a longer one is
         * answered 431 without being read. keyvault's keys are under 100 characters. Default: 1,024.
         */
        public Builder maxCredentialLength(int max) {
            if (max < 64 || max > 65_536) {
                throw new IllegalArgumentException("maxCredentialLength must be 64-65536");
            }
            once("maxCredentialLength");
            this.maxCredentialLength = max;
            return this;
        }

        /**
         * Whether each request with a key — let through, or refused with 401 (revoked or expired),
         * 403 or 429 — is recorded with {@link dev.keyvault.KeyManager#recordUsage}. Default: true.
         */
        public Builder recordUsage(boolean record) {
            once("recordUsage");
            this.recordUsage = record;
            return this;
        }

        /** The {@code Retry-After} of a 503 (store failing), 1 second to 1 hour. Default: 5 seconds. */
        public Builder unavailableRetryAfter(Duration retryAfter) {
            requireNonNull(retryAfter, "retryAfter");
            if (retryAfter.compareTo(Duration.ofSeconds(1)) < 0 || retryAfter.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("unavailableRetryAfter must be 1 second to 1 hour");
            }
            once("unavailableRetryAfter");
            this.unavailableRetryAfter = retryAfter;
            return this;
        }

        /**
         * A request header whose value usage records as the consumer label
         * ({@code UsageEvent.consumer}), such as {@code X-Client-Name}: consumers behind one address
         * with one user agent (two services behind a NAT) are then told apart — in usage and in
         * rotation status. The value is recorded if it is text by {@code dev.keyvault.Syntax.text}'s
         * rules of at most {@value dev.keyvault.Syntax#MAX_CLIENT} characters, sent once; otherwise
         * the request is recorded without a label. It never fails a request and is never echoed.
         * Clients choose the value, so it labels, it does not authenticate. A header that carries
         * credentials ({@code Authorization}, {@code Proxy-Authorization}, {@code Cookie}) is refused,
         * and so is either credential header at {@link #build()}. Default: none — usage tells
         * consumers apart by address and user agent only.
         */
        public Builder clientLabelHeader(String name) {
            checkHeader(name);
            if (name.equalsIgnoreCase("Authorization") || name.equalsIgnoreCase("Proxy-Authorization")
                    || name.equalsIgnoreCase("Cookie")) {
                throw new IllegalArgumentException("the client label header must not be one that carries credentials");
            }
            once("clientLabelHeader");
            this.clientLabelHeader = Optional.of(name);
            return this;
        }

        /**
         * Lets path parameters of these names through the {@link RequestFirewall} — such as
         * {@code jsessionid}, for an application that keeps session ids in URLs — each
         * {@code [A-Za-z0-9_-]{1,64}}, with values of letters, digits and {@code . _ ~ -}. A dot
         * segment carrying one is still refused. Default: none — a {@code ;} anywhere in the path
         * is answered 400.
         */
        public Builder allowPathParameters(String... names) {
            requireNonNull(names, "names");
            if (set.contains("allowPathParameters")) {
                throw new IllegalStateException("allowPathParameters was already set");
            }
            firewall.allowPathParameters(names);
            set.add("allowPathParameters");
            return this;
        }

        /**
         * Whether the {@link RequestFirewall} lets {@code %2F} through, for an application whose
         * resource names hold slashes (the container must let it through too). It still separates
         * segments for the dot and empty segment checks. Default: false — answered 400.
         */
        public Builder allowEncodedSlash(boolean allow) {
            once("allowEncodedSlash");
            firewall.allowEncodedSlash(allow);
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @throws IllegalStateException if neither credential header is accepted; if the client
         *                               label header is a credential header; if the fallback
         *                               tier was set to a tier that was not added; or if tiers are
         *                               added but keys of other tiers would not be limited (no
         *                               fallback tier, no tier named {@code default}, and no
         *                               {@link #unknownTiersUnlimited()})
         */
        public ApiKeyFilterConfig build() {
            if (authorizationHeader.isEmpty() && apiKeyHeader.isEmpty()) {
                throw new IllegalStateException("at least one of the Authorization and API-key headers must be accepted");
            }
            if (authorizationHeader.isPresent() && apiKeyHeader.isPresent()
                    && authorizationHeader.get().equalsIgnoreCase(apiKeyHeader.get())) {
                throw new IllegalStateException("the Authorization and API-key headers must differ");
            }
            if (clientLabelHeader.isPresent() && (clientLabelHeader.get().equalsIgnoreCase(authorizationHeader.orElse(""))
                    || clientLabelHeader.get().equalsIgnoreCase(apiKeyHeader.orElse("")))) {
                throw new IllegalStateException("the client label header must not be a credential header");
            }
            if (set.contains("fallbackTier") && !tiers.containsKey(fallbackTier)) {
                throw new IllegalStateException("the fallback tier " + fallbackTier + " was not added with tier(...)");
            }
            if (!tiers.isEmpty() && !tiers.containsKey(fallbackTier) && !unknownTiersUnlimited) {
                throw new IllegalStateException("tiers " + tiers.keySet() + " are configured, but keys of a tier that is not"
                        + " configured (such as 'default', the tier of keys issued without one) would not be rate-limited:"
                        + " add a tier named 'default', or name the tier they get with fallbackTier(...) (init-param"
                        + " fallback-tier), or leave them unlimited on purpose with unknownTiersUnlimited() (init-param"
                        + " unknown-tiers-unlimited=true)");
            }
            return new ApiKeyFilterConfig(this);
        }
    }
}
