package dev.keyvault.spring.boot;

import dev.keyvault.KeyManager;
import dev.keyvault.spi.KeyStore;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The Actuator health indicator {@code keyvault} ({@link KeyvaultHealthIndicator}): store reachable,
 * change-feed follower alive and its lag, pepper status. Off with
 * {@code management.health.keyvault.enabled=false}.
 */
@AutoConfiguration(after = KeyvaultAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(KeyManager.class)
@ConditionalOnEnabledHealthIndicator("keyvault")
@EnableConfigurationProperties(KeyvaultProperties.class)
public final class KeyvaultHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "keyvaultHealthIndicator")
    KeyvaultHealthIndicator keyvaultHealthIndicator(KeyManager keys, ObjectProvider<KeyStore> store, KeyvaultProperties properties) {
        return new KeyvaultHealthIndicator(keys, Optional.ofNullable(store.getIfUnique()), properties.changeFeedPollInterval());
    }
}
