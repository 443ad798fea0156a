package dev.keyvault.spring.boot;

import dev.keyvault.KeyManager;
import dev.keyvault.micrometer.KeyvaultMetrics;
import dev.keyvault.micrometer.MeteredKeyStore;
import dev.keyvault.spi.KeyStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Arrays;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * keyvault's meters ({@link KeyvaultMetrics}, a {@code MeterBinder} that Boot binds to its
 * registries) when the application has a Micrometer {@code MeterRegistry} (Actuator gives it one): {@code keyvault.verify} (by result, reason, hot
 * or cold), {@code keyvault.cache.keys}, {@code keyvault.hashing.waiting}, {@code keyvault.usage.*},
 * {@code keyvault.feed.sequence}, {@code keyvault.feed.lag} and {@code keyvault.rotation.due} (by
 * urgency). Hot and cold are told apart for the auto-configured {@code KeyManager}, whose store
 * notes its lookups; for one of the application's own, the {@code cache} tag is {@code unknown}.
 */
@AutoConfiguration(after = KeyvaultAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass({MeterRegistry.class, KeyvaultMetrics.class})
@ConditionalOnBean({KeyManager.class, MeterRegistry.class})
public final class KeyvaultMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    KeyvaultMetrics keyvaultMetrics(KeyManager keys, ObjectProvider<KeyStore> stores, ListableBeanFactory beans) {
        KeyvaultMetrics.Builder builder = KeyvaultMetrics.builder(keys);
        KeyStore store = stores.getIfUnique();
        if (store != null) {
            boolean ours = Arrays.equals(beans.getBeanNamesForType(KeyManager.class),
                    new String[] {KeyvaultAutoConfiguration.KEY_MANAGER_BEAN});
            // Our manager's store is metered (see KeyvaultAutoConfiguration); another's may not be.
            builder.store(ours ? MeteredKeyStore.wrap(store) : store);
        }
        return builder.build();
    }
}
