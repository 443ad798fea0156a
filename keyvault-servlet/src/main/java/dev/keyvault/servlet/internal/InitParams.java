package dev.keyvault.servlet.internal;

import dev.keyvault.servlet.ApiKeyFilterConfig;
import dev.keyvault.servlet.FailureLimit;
import dev.keyvault.servlet.RateLimitStore;
import dev.keyvault.servlet.Rule;
import dev.keyvault.servlet.Tier;
import dev.keyvault.servlet.UnmatchedPolicy;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an {@link ApiKeyFilterConfig} from filter init-params (web.xml or {@code @WebFilter}); the
 * syntax is documented on {@link dev.keyvault.servlet.ApiKeyFilter}. An unknown parameter name is
 * an error, not ignored: a typo in {@code rules} must not leave routes open.
 */
public final class InitParams {
    public static final String REALM = "realm";
    public static final String AUTHORIZATION_HEADER = "authorization-header";
    public static final String API_KEY_HEADER = "api-key-header";
    public static final String RULES = "rules";
    public static final String UNMATCHED = "unmatched";
    public static final String TIERS = "tiers";
    public static final String FALLBACK_TIER = "fallback-tier";
    public static final String UNKNOWN_TIERS_UNLIMITED = "unknown-tiers-unlimited";
    public static final String REQUIRE_PEPPER = "require-pepper";
    public static final String TRUSTED_PROXIES = "trusted-proxies";
    public static final String FAILURE_LIMIT = "failure-limit";
    public static final String MAX_CREDENTIAL_LENGTH = "max-credential-length";
    public static final String RECORD_USAGE = "record-usage";
    public static final String UNAVAILABLE_RETRY_AFTER = "unavailable-retry-after";
    public static final String MAX_BUCKETS = "max-buckets";
    public static final String ALLOW_PATH_PARAMETERS = "allow-path-parameters";
    public static final String ALLOW_ENCODED_SLASH = "allow-encoded-slash";
    public static final String CLIENT_LABEL_HEADER = "client-label-header";
    /** Not configuration of the filter's behaviour: where to find things in the ServletContext. */
    public static final String KEY_MANAGER_ATTRIBUTE = "key-manager-attribute";
    public static final String CONFIG_ATTRIBUTE = "config-attribute";

    public static final Set<String> CONFIG_NAMES = Set.of(REALM, AUTHORIZATION_HEADER, API_KEY_HEADER, RULES, UNMATCHED,
            TIERS, FALLBACK_TIER, UNKNOWN_TIERS_UNLIMITED, REQUIRE_PEPPER, TRUSTED_PROXIES, FAILURE_LIMIT, MAX_CREDENTIAL_LENGTH,
            RECORD_USAGE, UNAVAILABLE_RETRY_AFTER, MAX_BUCKETS, ALLOW_PATH_PARAMETERS, ALLOW_ENCODED_SLASH,
            CLIENT_LABEL_HEADER);
    private static final String NONE = "none";
    private static final Pattern TIER = Pattern.compile(
            "([a-z0-9][a-z0-9_.-]{0,31})\\s+(\\d{1,12})\\s*/\\s*(\\S+)\\s+burst\\s+(\\d{1,12})", Pattern.CASE_INSENSITIVE);
    private static final Pattern FAILURES = Pattern.compile(
            "(\\d{1,12})\\s*/\\s*(\\S+)\\s+burst\\s+(\\d{1,12})", Pattern.CASE_INSENSITIVE);
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{0,9})(ms|s|m|h|d)");

    private InitParams() {}

    /**
     * @param params the filter's init-params by name (blank values count as absent)
     * @throws IllegalArgumentException naming the parameter, if one is unknown or malformed
     */
    public static ApiKeyFilterConfig parse(Map<String, String> params) {
        ApiKeyFilterConfig.Builder b = ApiKeyFilterConfig.builder();
        for (Map.Entry<String, String> e : params.entrySet()) {
            String name = e.getKey();
            String value = e.getValue() == null ? "" : e.getValue().strip();
            if (name.equals(KEY_MANAGER_ATTRIBUTE) || name.equals(CONFIG_ATTRIBUTE) || value.isEmpty()) {
                continue;
            }
            try {
                apply(b, name, value);
            } catch (RuntimeException ex) {
                throw new IllegalArgumentException("init-param '" + name + "': " + ex.getMessage(), ex);
            }
        }
        return b.build();
    }

    private static void apply(ApiKeyFilterConfig.Builder b, String name, String value) {
        switch (name) {
            case REALM -> b.realm(value);
            case AUTHORIZATION_HEADER -> {
                if (value.equalsIgnoreCase(NONE)) {
                    b.withoutAuthorizationHeader();
                } else {
                    b.authorizationHeader(value);
                }
            }
            case API_KEY_HEADER -> {
                if (value.equalsIgnoreCase(NONE)) {
                    b.withoutApiKeyHeader();
                } else {
                    b.apiKeyHeader(value);
                }
            }
            case RULES -> lines(value).forEach(line -> b.rule(rule(line)));
            case UNMATCHED -> b.unmatched(unmatched(value));
            case TIERS -> lines(value).forEach(line -> b.tier(tier(line)));
            case FALLBACK_TIER -> b.fallbackTier(value);
            case UNKNOWN_TIERS_UNLIMITED -> {
                if (bool(value)) {
                    b.unknownTiersUnlimited();
                }
            }
            case REQUIRE_PEPPER -> {
                if (bool(value)) {
                    b.requirePepper();
                }
            }
            case TRUSTED_PROXIES -> b.trustedProxies(value.split("[\\s,]+"));
            case FAILURE_LIMIT -> {
                if (value.equalsIgnoreCase(NONE)) {
                    b.withoutFailureLimit();
                } else {
                    b.failureLimit(failureLimit(value));
                }
            }
            case MAX_CREDENTIAL_LENGTH -> b.maxCredentialLength(integer(value, Integer::parseInt));
            case RECORD_USAGE -> b.recordUsage(bool(value));
            case UNAVAILABLE_RETRY_AFTER -> b.unavailableRetryAfter(Duration.ofSeconds(integer(value, Long::parseLong)));
            case MAX_BUCKETS -> b.rateLimitStore(RateLimitStore.local(integer(value, Long::parseLong)));
            case ALLOW_PATH_PARAMETERS -> b.allowPathParameters(value.split("[\\s,]+"));
            case ALLOW_ENCODED_SLASH -> b.allowEncodedSlash(bool(value));
            case CLIENT_LABEL_HEADER -> {
                if (!value.equalsIgnoreCase(NONE)) {
                    b.clientLabelHeader(value);
                }
            }
            default -> throw new IllegalArgumentException("unknown parameter; known: " + String.join(", ", CONFIG_NAMES.stream().sorted().toList()));
        }
    }

    /** Lines (or {@code ;}-separated parts), stripped, without blanks and {@code #} comments. */
    static List<String> lines(String value) {
        List<String> out = new ArrayList<>();
        for (String line : value.split("[\\r\\n;]+")) {
            String s = line.strip();
            if (!s.isEmpty() && !s.startsWith("#")) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * {@code METHOD PATTERN ACCESS [cost=N]}: ACCESS is {@code permitAll}, {@code authenticated}, or
     * scopes; {@code cost=N} is what a request costs a key with usage credits (default 1).
     */
    static Rule rule(String line) {
        String[] parts = line.split("[\\s,]+");
        int cost = 1;
        if (parts.length > 0 && parts[parts.length - 1].startsWith("cost=")) {
            String n = parts[parts.length - 1].substring(5);
            if (n.isEmpty() || n.length() > 7 || !n.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("a rule's cost=N is a whole number 0-1000000");
            }
            cost = Integer.parseInt(n);
            parts = Arrays.copyOf(parts, parts.length - 1);
        }
        if (parts.length < 3) {
            throw new IllegalArgumentException("a rule is 'METHOD PATTERN permitAll|authenticated|SCOPE... [cost=N]', got '" + line + "'");
        }
        String method = parts[0].toUpperCase(Locale.ROOT);
        String pattern = parts[1];
        String[] rest = Arrays.copyOfRange(parts, 2, parts.length);
        return accessRule(method, pattern, rest).withCost(cost);
    }

    private static Rule accessRule(String method, String pattern, String[] rest) {
        if (rest.length == 1 && rest[0].equalsIgnoreCase("permitAll")) {
            return Rule.permitAll(method, pattern);
        }
        if (rest.length == 1 && rest[0].equalsIgnoreCase("authenticated")) {
            return Rule.authenticated(method, pattern);
        }
        return Rule.requireScopes(method, pattern, rest);
    }

    static UnmatchedPolicy unmatched(String value) {
        return switch (value.toLowerCase(Locale.ROOT).replace("_", "")) {
            case "deny" -> UnmatchedPolicy.DENY;
            case "authenticated" -> UnmatchedPolicy.AUTHENTICATED;
            case "permitall" -> UnmatchedPolicy.PERMIT_ALL;
            default -> throw new IllegalArgumentException("one of deny, authenticated, permitAll");
        };
    }

    /** {@code NAME REQUESTS/PERIOD burst BURST}, such as {@code free 60/m burst 10} or {@code pro 100/PT10S burst 50}. */
    static Tier tier(String line) {
        Matcher m = TIER.matcher(line);
        if (!m.matches()) {
            throw new IllegalArgumentException("a tier is 'NAME REQUESTS/PERIOD burst BURST' such as 'free 60/m burst 10', got '" + line + "'");
        }
        return Tier.of(m.group(1), Long.parseLong(m.group(2)), duration(m.group(3)), Long.parseLong(m.group(4)));
    }

    /** {@code FAILURES/PERIOD burst BURST}, such as {@code 20/m burst 20}. */
    static FailureLimit failureLimit(String value) {
        Matcher m = FAILURES.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("a failure limit is 'FAILURES/PERIOD burst BURST' such as '20/m burst 20', or 'none'");
        }
        return FailureLimit.of(Long.parseLong(m.group(1)), duration(m.group(2)), Long.parseLong(m.group(3)));
    }

    static Duration duration(String s) {
        Matcher m = SHORT_DURATION.matcher(s.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = m.group(1).isEmpty() ? 1 : Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("a period is s, m, h, d, a number with one of ms/s/m/h/d, or ISO-8601 such as PT10S");
        }
    }

    private static <T> T integer(String value, Function<String, T> parse) {
        try {
            return parse.apply(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number");
        }
    }

    private static boolean bool(String value) {
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("true or false");
    }
}
