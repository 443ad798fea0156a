package dev.keyvault.spring.boot;

import dev.keyvault.KeyEventListener;
import dev.keyvault.KeyEventListeners;
import dev.keyvault.KeyHashers;
import dev.keyvault.KeyManager;
import dev.keyvault.KeyManagerBuilder;
import dev.keyvault.PepperStatus;
import dev.keyvault.Peppers;
import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.micrometer.MeteredKeyStore;
import dev.keyvault.rotation.RiskClass;
import dev.keyvault.rotation.RotationPolicy;
import dev.keyvault.spi.KeyStore;
import dev.keyvault.spi.PepperSource;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;

/**
 * The {@link KeyManager}, built from {@code keyvault.*} ({@link KeyvaultProperties}) on the
 * application's {@link KeyStore} bean — the {@code JdbiKeyStore} of
 * {@link KeyvaultJdbcAutoConfiguration} when there is a {@code DataSource}, else an
 * {@link InMemoryKeyStore} — with every {@link KeyEventListener} bean as its listener, and closed
 * (buffered usage written) when the context closes.
 *
 * <h2>The pepper in production</h2>
 * The default hasher keys hashes with a pepper kept outside the database ({@code keyvault.pepper},
 * which Boot also binds from the environment variable {@code KEYVAULT_PEPPER}). Without one the
 * manager still works — a development setup needs no configuration — but a database write could
 * then mint a key. So:
 * <ul>
 *   <li>{@code keyvault.require-pepper} decides; when it is not set, it is {@code true} if an active
 *       profile is {@code prod} or {@code production}, and {@code false} otherwise;</li>
 *   <li>when a pepper is required and the manager has none ({@code PepperStatus.NOT_CONFIGURED}),
 *       start-up fails, naming {@code KEYVAULT_PEPPER} ({@link PepperRequiredException});</li>
 *   <li>otherwise a missing pepper is a warning in the log, and the health indicator shows
 *       {@code pepper: NOT_CONFIGURED}.</li>
 * </ul>
 * A hasher chosen explicitly ({@code keyvault.hasher.algorithm=argon2id}) has no pepper to miss.
 */
@AutoConfiguration(after = KeyvaultJdbcAutoConfiguration.class)
@ConditionalOnClass(KeyManager.class)
@EnableConfigurationProperties(KeyvaultProperties.class)
public final class KeyvaultAutoConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(KeyvaultAutoConfiguration.class);
    /** The bean name of the auto-configured manager. */
    public static final String KEY_MANAGER_BEAN = "keyvaultKeyManager";
    private static final List<String> PRODUCTION_PROFILES = List.of("prod", "production");

    /** Keys in memory: when there is no {@code DataSource}, or {@code keyvault.store.type=memory}. */
    @Bean
    @ConditionalOnMissingBean(KeyStore.class)
    InMemoryKeyStore keyvaultKeyStore(KeyvaultProperties properties) {
        if (properties.store().type() == KeyvaultProperties.StoreType.JDBC) {
            throw new IllegalStateException("keyvault.store.type=jdbc needs a single DataSource bean and keyvault-jdbc");
        }
        LOG.info("keyvault: keys are kept in memory (no DataSource): they are lost on restart");
        return InMemoryKeyStore.create();
    }

    @Bean(name = KEY_MANAGER_BEAN, destroyMethod = "close")
    @ConditionalOnMissingBean
    KeyManager keyvaultKeyManager(KeyvaultProperties properties, KeyStore store, ObjectProvider<KeyEventListener> listeners,
            Environment environment, ResourceLoader resources) {
        KeyManagerBuilder builder = KeyManager.builder()
                .store(metered(store, resources.getClassLoader()))
                .keyPrefix(properties.keyPrefix())
                .statusRefreshInterval(properties.statusRefreshInterval())
                .usageFlushInterval(properties.usageFlushInterval())
                .changeFeedPollInterval(properties.changeFeedPollInterval())
                .changeRetention(properties.changeRetention())
                .hashingTimeout(properties.hashingTimeout())
                .rotationQuietPeriod(properties.rotation().quietPeriod())
                .rotationPolicy(policy(properties.rotation()));
        KeyvaultProperties.Hasher hasher = properties.hasher();
        if (hasher.algorithm() == KeyvaultProperties.Algorithm.ARGON2ID) {
            if (properties.pepper() != null) {
                throw new IllegalStateException("keyvault.pepper keys the default hasher (hmac-sha256);"
                        + " with keyvault.hasher.algorithm=argon2id leave it unset");
            }
            builder.hasher(KeyHashers.argon2id(hasher.argon2MemoryKib(), hasher.argon2Iterations(), hasher.argon2Parallelism()));
        } else if (properties.pepper() != null && !properties.pepper().isBlank()) {
            builder.pepper(pepper(properties.pepper()));
        }
        List<KeyEventListener> all = listeners.orderedStream().toList();
        if (!all.isEmpty()) {
            builder.listener(all.size() == 1 ? all.get(0) : KeyEventListeners.composite(all.toArray(KeyEventListener[]::new)));
        }
        KeyManager keys = builder.build();
        if (keys.pepperStatus() == PepperStatus.NOT_CONFIGURED) {
            if (pepperRequired(properties, environment)) {
                keys.close();
                throw new PepperRequiredException();
            }
            LOG.warn("keyvault: no pepper configured, keys are hashed without one — fine for development; in production set {}"
                    + " (keyvault.pepper)", Peppers.ENVIRONMENT_VARIABLE);
        }
        return keys;
    }

    /** The rule: {@code keyvault.require-pepper} if set, else whether a production profile is active. */
    static boolean pepperRequired(KeyvaultProperties properties, Environment environment) {
        if (properties.requirePepper() != null) {
            return properties.requirePepper();
        }
        return Arrays.stream(environment.getActiveProfiles()).anyMatch(PRODUCTION_PROFILES::contains);
    }

    private static PepperSource pepper(String specification) {
        try {
            return Peppers.parse(specification.strip());
        } catch (IllegalArgumentException e) {
            // Peppers' messages name the entry, never the bytes; the value itself is never repeated.
            throw new IllegalStateException("keyvault.pepper (" + Peppers.ENVIRONMENT_VARIABLE + "): " + e.getMessage()
                    + "; expected id:base64 of at least 32 bytes, such as v1:$(openssl rand -base64 32)");
        }
    }

    private static RotationPolicy policy(KeyvaultProperties.Rotation rotation) {
        KeyvaultProperties.Cadence c = rotation.cadence();
        return RotationPolicy.builder()
                .cadence(RiskClass.READ_ONLY, c.readOnly())
                .cadence(RiskClass.WRITE, c.write())
                .cadence(RiskClass.BROAD, c.broad())
                .cadence(RiskClass.FULL_ACCESS, c.fullAccess())
                .warningWindow(rotation.warningWindow())
                .build();
    }

    /**
     * With Micrometer present, the store notes its lookups so {@code keyvault.verify} can tell hot
     * verifications from cold ones ({@link MeteredKeyStore}); a thread-local write per lookup.
     */
    private static KeyStore metered(KeyStore store, ClassLoader loader) {
        if (ClassUtils.isPresent("io.micrometer.core.instrument.MeterRegistry", loader)
                && ClassUtils.isPresent("dev.keyvault.micrometer.MeteredKeyStore", loader)) {
            return MeteredKeyStore.wrap(store);
        }
        return store;
    }
}
