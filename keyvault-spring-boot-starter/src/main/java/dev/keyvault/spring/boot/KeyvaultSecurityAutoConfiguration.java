package dev.keyvault.spring.boot;

import dev.keyvault.KeyManager;
import dev.keyvault.micrometer.KeyvaultMetrics;
import dev.keyvault.servlet.ApiKeyFilterConfig;
import dev.keyvault.servlet.FailureLimit;
import dev.keyvault.servlet.Tier;
import dev.keyvault.spring.security.ApiKeyConfigurer;
import dev.keyvault.spring.security.KeyVerifier;
import dev.keyvault.spring.security.KeyvaultScopes;
import dev.keyvault.spring.security.ScopeAuthorities;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.security.web.SecurityFilterChain;

/**
 * What {@code ApiKeyConfigurer.apiKeys()} takes from the context in a Spring Security servlet
 * application: the {@link ApiKeyFilterConfig} built from {@code keyvault.web.*}, the
 * {@link ScopeAuthorities} ({@code keyvault.web.authority-prefix}), the {@link KeyVerifier} (measured
 * by {@link KeyvaultMetrics} when it is present) — and the SpEL bean {@code keyvault}
 * ({@link KeyvaultScopes}) for {@code @PreAuthorize("@keyvault.hasScope('kb:read')")}. The
 * {@code SecurityFilterChain} is the application's: this configures no chain.
 */
@AutoConfiguration(after = {KeyvaultAutoConfiguration.class, KeyvaultMetricsAutoConfiguration.class})
@ConditionalOnClass({ApiKeyConfigurer.class, SecurityFilterChain.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(KeyvaultProperties.class)
public final class KeyvaultSecurityAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ApiKeyFilterConfig keyvaultApiKeyFilterConfig(KeyvaultProperties properties) {
        KeyvaultProperties.Web web = properties.web();
        try {
            ApiKeyFilterConfig.Builder b = ApiKeyFilterConfig.builder().realm(web.realm());
            if ("none".equalsIgnoreCase(web.apiKeyHeader())) {
                b.withoutApiKeyHeader();
            } else if (!"X-API-Key".equals(web.apiKeyHeader())) {
                b.apiKeyHeader(web.apiKeyHeader());
            }
            for (Map.Entry<String, KeyvaultProperties.TierLimit> t : web.tiers().entrySet()) {
                b.tier(Tier.of(t.getKey(), t.getValue().requests(), t.getValue().period(), t.getValue().burst()));
            }
            if (web.fallbackTier() != null) {
                b.fallbackTier(web.fallbackTier());
            }
            if (!web.trustedProxies().isEmpty()) {
                b.trustedProxies(web.trustedProxies().toArray(String[]::new));
            }
            KeyvaultProperties.FailureLimitSettings f = web.failureLimit();
            if (!f.enabled()) {
                b.withoutFailureLimit();
            } else {
                FailureLimit limit = FailureLimit.of(f.failures(), f.period(), f.burst());
                if (!limit.equals(FailureLimit.DEFAULT)) {
                    b.failureLimit(limit);
                }
            }
            if (web.clientLabelHeader() != null) {
                b.clientLabelHeader(web.clientLabelHeader());
            }
            if (!web.recordUsage()) {
                b.recordUsage(false);
            }
            return b.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalStateException("keyvault.web: " + e.getMessage(), e);
        }
    }

    @Bean
    @ConditionalOnMissingBean
    ScopeAuthorities keyvaultScopeAuthorities(KeyvaultProperties properties) {
        try {
            return ScopeAuthorities.withPrefix(properties.web().authorityPrefix());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("keyvault.web.authority-prefix: " + e.getMessage(), e);
        }
    }

    @Bean
    @ConditionalOnMissingBean
    KeyVerifier keyvaultKeyVerifier(KeyManager keys, ObjectProvider<KeyvaultMetrics> metrics) {
        KeyvaultMetrics m = metrics.getIfUnique();
        return m != null ? m::verify : keys::verify;
    }

    /** The SpEL bean: {@code @PreAuthorize("@keyvault.hasScope('kb:read')")}. */
    @Bean(name = "keyvault")
    @ConditionalOnMissingBean(name = "keyvault")
    KeyvaultScopes keyvault() {
        return new KeyvaultScopes();
    }
}
