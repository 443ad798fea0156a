package dev.keyvault.spring.boot;

import dev.keyvault.KeyManager;
import dev.keyvault.rotation.RotationSupervisor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The {@link RotationSupervisor}, when {@code keyvault.rotation.supervisor.enabled=true}: every
 * {@code keyvault.rotation.supervisor.interval} (10 minutes) on a daemon thread of its own, it closes
 * the rotation windows that are safe (successor in use, old key quiet for the quiet period) or past
 * their deadline. Stopped when the context closes.
 */
@AutoConfiguration(after = KeyvaultAutoConfiguration.class)
@ConditionalOnClass(RotationSupervisor.class)
@ConditionalOnBean(KeyManager.class)
@ConditionalOnProperty(prefix = "keyvault.rotation.supervisor", name = "enabled", havingValue = "true")
@EnableConfigurationProperties(KeyvaultProperties.class)
public final class KeyvaultRotationAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    RotationSupervisor keyvaultRotationSupervisor(KeyManager keys, KeyvaultProperties properties) {
        KeyvaultProperties.Supervisor s = properties.rotation().supervisor();
        return RotationSupervisor.builder(keys).actor(s.actor()).build().start(s.interval());
    }
}
