package dev.keyvault.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ApiKeyFilterConfigTest {

    @Test
    void whenNothingIsSetThenTheDocumentedDefaults() {
        ApiKeyFilterConfig config = ApiKeyFilterConfig.builder().build();

        assertThat(config.realm()).isEqualTo("api");
        assertThat(config.authorizationHeader()).contains("Authorization");
        assertThat(config.apiKeyHeader()).contains("X-API-Key");
        assertThat(config.rules()).isEmpty();
        assertThat(config.unmatched()).isEqualTo(UnmatchedPolicy.DENY);
        assertThat(config.tiers()).isEmpty();
        assertThat(config.fallbackTier()).isEmpty();
        assertThat(config.rateLimitStore().toString()).isEqualTo("RateLimitStore[local, maximumKeys=100000]");
        assertThat(config.trustedProxies()).isEmpty();
        assertThat(config.clock()).isEmpty();
        assertThat(config.maxCredentialLength()).isEqualTo(1024);
        assertThat(config.recordUsage()).isTrue();
        assertThat(config.unavailableRetryAfter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.failureLimit()).contains(FailureLimit.of(20, Duration.ofMinutes(1), 20)).contains(FailureLimit.DEFAULT);
        assertThat(config.unknownTiersUnlimited()).isFalse();
        assertThat(config.clientLabelHeader()).isEmpty();
        assertThat(config.requestFirewall()).isSameAs(RequestFirewall.strict());
        assertThat(config.requestFirewall().allowedPathParameters()).isEmpty();
        assertThat(config.requestFirewall().allowsEncodedSlash()).isFalse();
    }

    @Test
    void whenTheFirewallIsRelaxedThenOnlyWhatWasNamed() {
        ApiKeyFilterConfig config = ApiKeyFilterConfig.builder()
                .allowPathParameters("jsessionid", "JSESSIONID")
                .allowEncodedSlash(true)
                .build();

        assertThat(config.requestFirewall().allowedPathParameters()).containsExactly("JSESSIONID", "jsessionid");
        assertThat(config.requestFirewall().allowsEncodedSlash()).isTrue();
        assertThatThrownBy(() -> ApiKeyFilterConfig.builder().allowPathParameters("a").allowPathParameters("b"))
                .isInstanceOf(IllegalStateException.class).hasMessage("allowPathParameters was already set");
        assertThatThrownBy(() -> ApiKeyFilterConfig.builder().allowEncodedSlash(true).allowEncodedSlash(false))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ApiKeyFilterConfig.builder().allowPathParameters("a=b"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ApiKeyFilterConfig.builder().allowPathParameters())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RequestFirewall.strict().check(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void whenTheFailureLimitIsSetOrSwitchedOffThenThatHolds() {
        assertThat(ApiKeyFilterConfig.builder().failureLimit(FailureLimit.of(5, Duration.ofMinutes(10), 5)).build().failureLimit())
                .contains(FailureLimit.of(5, Duration.ofMinutes(10), 5));
        assertThat(ApiKeyFilterConfig.builder().withoutFailureLimit().build().failureLimit()).isEmpty();
        assertThatThrownBy(() -> ApiKeyFilterConfig.builder().withoutFailureLimit().failureLimit(FailureLimit.DEFAULT))
                .isInstanceOf(IllegalStateException.class).hasMessage("failureLimit was already set");
        assertThatThrownBy(() -> FailureLimit.of(0, Duration.ofMinutes(1), 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FailureLimit.of(1, Duration.ZERO, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FailureLimit.of(1, Duration.ofMinutes(1), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void whenAClientLabelHeaderIsSetThenItIsAPlainHeaderOtherThanTheCredentialOnes() {
        assertThat(ApiKeyFilterConfig.builder().clientLabelHeader("X-Client-Name").build().clientLabelHeader())
                .contains("X-Client-Name");
        assertThat(ApiKeyFilterConfig.builder().clientLabelHeader("X-Client-Name").build().toString())
                .contains("clientLabelHeader=X-Client-Name");
        assertThatThrownBy(() -> ApiKeyFilterConfig.builder().clientLabelHeader("X Client"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ApiKeyFilterConfig.builder().clientLabelHeader(null))
                .isInstanceOf(NullPointerException.class).hasMessage("name");
        for (String credentials : new String[] {"Authorization", "proxy-authorization", "COOKIE"}) {
            assertThatThrownBy(() -> ApiKeyFilterConfig.builder().clientLabelHeader(credentials)).as(credentials)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("credentials");
        }
        assertThatThrownBy(() -> ApiKeyFilterConfig.builder().clientLabelHeader("X-A").clientLabelHeader("X-B"))
                .isInstanceOf(IllegalStateException.class).hasMessage("clientLabelHeader was already set");
        assertThatThrownBy(() -> ApiKeyFilterConfig.builder().clientLabelHeader("x-api-key").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("credential header");
        assertThatThrownBy(() -> ApiKeyFilterConfig.builder().apiKeyHeader("X-Kb-Key").clientLabelHeader("X-KB-KEY").build())
                .isInstanceOf(IllegalStateException.class);
        // a credential header that is switched off is just a name
        assertThat(ApiKeyFilterConfig.builder().withoutApiKeyHeader().clientLabelHeader("X-API-Key").build().clientLabelHeader())
                .contains("X-API-Key");
    }

    @Test
    void whenATierNamedDefaultIsAddedThenItIsTheFallback() {
        Tier standard = Tier.of("default", 10, Duration.ofSeconds(1), 10);
        ApiKeyFilterConfig config = ApiKeyFilterConfig.builder().tier(standard).build();

        assertThat(config.tierFor("unconfigured")).contains(standard);
    }

    @Test
    void whenTiersAreConfiguredWithoutAFallbackThenBuildFailsNamingTheFix() {
        ApiKeyFilterConfig.Builder b = ApiKeyFilterConfig.builder()
                .tier(Tier.of("free", 60, Duration.ofMinutes(1), 10))
                .tier(Tier.of("standard", 600, Duration.ofMinutes(1), 100));

        assertThatThrownBy(b::build)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("keys of a tier that is not configured")
                .hasMessageContaining("'default'")
                .hasMessageContaining("fallbackTier")
                .hasMessageContaining("unknownTiersUnlimited");
    }

    @Test
    void whenTiersAreConfiguredWithADefaultTierAFallbackOrAnExplicitOptOutThenTheyBuild() {
        Tier free = Tier.of("free", 60, Duration.ofMinutes(1), 10);
        Tier standard = Tier.of("standard", 600, Duration.ofMinutes(1), 100);

        ApiKeyFilterConfig withFallback = ApiKeyFilterConfig.builder().tier(free).tier(standard).fallbackTier("free").build();
        Tier fallback = Tier.of("default", 1, Duration.ofSeconds(1), 1);
        ApiKeyFilterConfig withDefault = ApiKeyFilterConfig.builder().tier(free).tier(fallback).build();
        ApiKeyFilterConfig optedOut = ApiKeyFilterConfig.builder().tier(free).tier(standard).unknownTiersUnlimited().build();

        assertThat(withFallback.tierFor("default")).contains(free);
        assertThat(withDefault.tierFor("gold")).map(Tier::name).contains("default");
        assertThat(optedOut.tierFor("default")).isEmpty();
        assertThat(optedOut.unknownTiersUnlimited()).isTrue();
        assertThat(withFallback.unknownTiersUnlimited()).isFalse();
        assertThatThrownBy(() -> ApiKeyFilterConfig.builder().fallbackTier("free").unknownTiersUnlimited())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ApiKeyFilterConfig.builder().unknownTiersUnlimited().fallbackTier("free"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void whenAnOptionIsSetTwiceThenIllegalState() {
        assertThatThrownBy(() -> ApiKeyFilterConfig.builder().realm("a").realm("b"))
                .isInstanceOf(IllegalStateException.class).hasMessage("realm was already set");
        assertThatThrownBy(() -> ApiKeyFilterConfig.builder().apiKeyHeader("X-A").withoutApiKeyHeader())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ApiKeyFilterConfig.builder().unmatched(UnmatchedPolicy.DENY).unmatched(UnmatchedPolicy.DENY))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ApiKeyFilterConfig.builder().rule(Rule.permitAll("GET", "/a")).rule(Rule.authenticated("GET", "/a")))
                .isInstanceOf(IllegalStateException.class).hasMessage("there is already a rule for GET /a");
        assertThatThrownBy(() -> ApiKeyFilterConfig.builder().tier(Tier.of("t", 1, Duration.ofSeconds(1), 1))
                .tier(Tier.of("t", 2, Duration.ofSeconds(1), 2))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void whenSettingsContradictThenBuildFails() {
        assertThatThrownBy(() -> ApiKeyFilterConfig.builder().withoutApiKeyHeader().withoutAuthorizationHeader().build())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ApiKeyFilterConfig.builder().apiKeyHeader("authorization").build())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ApiKeyFilterConfig.builder().fallbackTier("gold").build())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void whenAnArgumentIsBadThenRejectedAtOnce() {
        ApiKeyFilterConfig.Builder b = ApiKeyFilterConfig.builder();
        assertThatThrownBy(() -> b.realm("say \"hi\"")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.realm("line\r\nbreak")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.apiKeyHeader("X API Key")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.trustedProxies("10.0.0.0/8", "proxy.local")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.maxCredentialLength(10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.unavailableRetryAfter(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.clock(null)).isInstanceOf(NullPointerException.class).hasMessage("clock");
        assertThatThrownBy(() -> Rule.requireScopes("get", "/a", "kb:read")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rule.requireScopes("GET", "/a", "KB READ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rule.requireScopes("GET", "/a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Tier.of("Free", 1, Duration.ofSeconds(1), 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Tier.of("free", 0, Duration.ofSeconds(1), 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RateLimitStore.postgreSqlSchema("buckets; drop table keys")).isInstanceOf(IllegalArgumentException.class);
        // the builder is still usable: failed setters did not count as set
        assertThat(b.realm("ok").build().realm()).isEqualTo("ok");
    }
}
