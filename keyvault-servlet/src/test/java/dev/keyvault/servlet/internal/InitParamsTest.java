package dev.keyvault.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyvault.servlet.ApiKeyFilterConfig;
import dev.keyvault.servlet.FailureLimit;
import dev.keyvault.servlet.RequestFirewall;
import dev.keyvault.servlet.Rule;
import dev.keyvault.servlet.Tier;
import dev.keyvault.servlet.UnmatchedPolicy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InitParamsTest {

    @Test
    void whenEveryParamIsGivenThenTheConfigHoldsThem() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("realm", "kb");
        params.put("authorization-header", "none");
        params.put("api-key-header", "X-Kb-Key");
        params.put("rules", """
                # public
                GET  /health      permitAll
                get  /articles/** kb:read
                POST /articles/** kb:write, kb:read
                *    /me          authenticated
                """);
        params.put("unmatched", "permitAll");
        params.put("tiers", "free 60/m burst 10; pro 100/PT10S burst 50\nfast 5/250ms burst 5");
        params.put("fallback-tier", "free");
        params.put("trusted-proxies", "10.0.0.0/8, 127.0.0.1 ::1");
        params.put("max-credential-length", "256");
        params.put("record-usage", "false");
        params.put("unavailable-retry-after", "30");
        params.put("max-buckets", "5000");
        params.put("failure-limit", "5/10m burst 8");
        params.put("allow-path-parameters", "jsessionid, sid");
        params.put("allow-encoded-slash", "true");
        params.put("client-label-header", "X-Client-Name");
        params.put("key-manager-attribute", "my.keys");

        ApiKeyFilterConfig config = InitParams.parse(params);

        assertThat(config.realm()).isEqualTo("kb");
        assertThat(config.authorizationHeader()).isEmpty();
        assertThat(config.apiKeyHeader()).contains("X-Kb-Key");
        assertThat(config.rules()).containsExactly(
                Rule.permitAll("GET", "/health"),
                Rule.requireScopes("GET", "/articles/**", "kb:read"),
                Rule.requireScopes("POST", "/articles/**", "kb:read", "kb:write"),
                Rule.authenticated("*", "/me"));
        assertThat(config.unmatched()).isEqualTo(UnmatchedPolicy.PERMIT_ALL);
        assertThat(config.tiers().values()).containsExactly(
                Tier.of("free", 60, Duration.ofMinutes(1), 10),
                Tier.of("pro", 100, Duration.ofSeconds(10), 50),
                Tier.of("fast", 5, Duration.ofMillis(250), 5));
        assertThat(config.tierFor("gold")).contains(Tier.of("free", 60, Duration.ofMinutes(1), 10));
        assertThat(config.trustedProxies()).containsExactly("10.0.0.0/8", "127.0.0.1", "::1");
        assertThat(config.maxCredentialLength()).isEqualTo(256);
        assertThat(config.recordUsage()).isFalse();
        assertThat(config.unavailableRetryAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.rateLimitStore().toString()).isEqualTo("RateLimitStore[local, maximumKeys=5000]");
        assertThat(config.failureLimit()).contains(FailureLimit.of(5, Duration.ofMinutes(10), 8));
        assertThat(config.requestFirewall().allowedPathParameters()).containsExactly("jsessionid", "sid");
        assertThat(config.requestFirewall().allowsEncodedSlash()).isTrue();
        assertThat(config.clientLabelHeader()).contains("X-Client-Name");
    }

    @Test
    void whenNoParamsThenTheDefaults() {
        ApiKeyFilterConfig config = InitParams.parse(Map.of());

        assertThat(config.realm()).isEqualTo("api");
        assertThat(config.authorizationHeader()).contains("Authorization");
        assertThat(config.apiKeyHeader()).contains("X-API-Key");
        assertThat(config.rules()).isEmpty();
        assertThat(config.unmatched()).isEqualTo(UnmatchedPolicy.DENY);
        assertThat(config.tierFor("default")).isEqualTo(Optional.empty());
        assertThat(config.requestFirewall()).isSameAs(RequestFirewall.strict());
        assertThat(config.failureLimit()).contains(FailureLimit.DEFAULT);
        assertThat(InitParams.parse(Map.of("failure-limit", "None")).failureLimit()).isEmpty();
        assertThat(config.clientLabelHeader()).isEmpty();
        assertThat(InitParams.parse(Map.of("client-label-header", "none")).clientLabelHeader()).isEmpty();
    }

    @Test
    void whenTiersHaveNoFallbackButUnknownTiersAreDeclaredUnlimitedThenTheyAreNotLimited() {
        ApiKeyFilterConfig config = InitParams.parse(Map.of("tiers", "free 60/m burst 10", "unknown-tiers-unlimited", "true"));

        assertThat(config.tierFor("default")).isEmpty();
        assertThat(config.tierFor("free")).isPresent();
    }

    @Test
    void whenAParamIsUnknownOrMalformedThenTheErrorNamesIt() {
        assertThatThrownBy(() -> InitParams.parse(Map.of("rule", "GET / permitAll")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("init-param 'rule': unknown parameter");
        assertThatThrownBy(() -> InitParams.parse(Map.of("rules", "GET /articles/**")))
                .hasMessageStartingWith("init-param 'rules': a rule is 'METHOD PATTERN");
        assertThatThrownBy(() -> InitParams.parse(Map.of("rules", "GET articles kb:read")))
                .hasMessageStartingWith("init-param 'rules': a path pattern starts with '/'");
        assertThatThrownBy(() -> InitParams.parse(Map.of("tiers", "free 60 per minute")))
                .hasMessageStartingWith("init-param 'tiers': a tier is 'NAME REQUESTS/PERIOD burst BURST'");
        assertThatThrownBy(() -> InitParams.parse(Map.of("tiers", "free 60/fortnight burst 1")))
                .hasMessageStartingWith("init-param 'tiers': a period is");
        assertThatThrownBy(() -> InitParams.parse(Map.of("unmatched", "allow")))
                .hasMessageStartingWith("init-param 'unmatched': one of deny, authenticated, permitAll");
        assertThatThrownBy(() -> InitParams.parse(Map.of("record-usage", "yes")))
                .hasMessageStartingWith("init-param 'record-usage': true or false");
        assertThatThrownBy(() -> InitParams.parse(Map.of("trusted-proxies", "proxy.internal")))
                .hasMessageStartingWith("init-param 'trusted-proxies': not an IP address");
        assertThatThrownBy(() -> InitParams.parse(Map.of("max-credential-length", "lots")))
                .hasMessageStartingWith("init-param 'max-credential-length': not a number");
        assertThatThrownBy(() -> InitParams.parse(Map.of("tiers", "free 60/m burst 10")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("init-param fallback-tier").hasMessageContaining("init-param unknown-tiers-unlimited=true");
        assertThatThrownBy(() -> InitParams.parse(Map.of("allow-path-parameters", "jsessionid=1")))
                .hasMessageStartingWith("init-param 'allow-path-parameters': a path parameter name matches");
        assertThatThrownBy(() -> InitParams.parse(Map.of("failure-limit", "20 per minute")))
                .hasMessageStartingWith("init-param 'failure-limit': a failure limit is 'FAILURES/PERIOD burst BURST'");
        assertThatThrownBy(() -> InitParams.parse(Map.of("failure-limit", "0/m burst 1")))
                .hasMessageStartingWith("init-param 'failure-limit': failures must be at least 1");
        assertThatThrownBy(() -> InitParams.parse(Map.of("allow-encoded-slash", "yes")))
                .hasMessageStartingWith("init-param 'allow-encoded-slash': true or false");
        assertThatThrownBy(() -> InitParams.parse(Map.of("client-label-header", "X Client")))
                .hasMessageStartingWith("init-param 'client-label-header': a header name is an RFC 7230 token");
        assertThatThrownBy(() -> InitParams.parse(Map.of("client-label-header", "Authorization")))
                .hasMessageStartingWith("init-param 'client-label-header': the client label header must not be one that carries credentials");
    }
}
