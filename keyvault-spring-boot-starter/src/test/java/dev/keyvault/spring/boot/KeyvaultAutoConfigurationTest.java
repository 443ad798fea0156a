package dev.keyvault.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.PepperStatus;
import dev.keyvault.jdbc.JdbiKeyStore;
import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.micrometer.KeyvaultMetrics;
import dev.keyvault.rotation.RotationSupervisor;
import dev.keyvault.servlet.ApiKeyFilterConfig;
import dev.keyvault.spi.KeyStore;
import dev.keyvault.spring.security.KeyVerifier;
import dev.keyvault.spring.security.KeyvaultScopes;
import dev.keyvault.spring.security.ScopeAuthorities;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The auto-configuration matrix, without a server: what is created, what backs off, what fails start-up and how. */
class KeyvaultAutoConfigurationTest {
    private static final String PEPPER = "keyvault.pepper=v1:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
    private static final AutoConfigurations ALL = AutoConfigurations.of(KeyvaultJdbcAutoConfiguration.class,
            KeyvaultAutoConfiguration.class, KeyvaultRotationAutoConfiguration.class, KeyvaultMetricsAutoConfiguration.class,
            KeyvaultSecurityAutoConfiguration.class, KeyvaultHealthAutoConfiguration.class);

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(ALL)
            .withPropertyValues("keyvault.usage-flush-interval=0s", "keyvault.change-feed-poll-interval=0s");
    private final WebApplicationContextRunner web = new WebApplicationContextRunner().withConfiguration(ALL)
            .withPropertyValues("keyvault.usage-flush-interval=0s", "keyvault.change-feed-poll-interval=0s");

    @Configuration(proxyBeanMethods = false)
    static class H2 {
        @Bean
        DataSource dataSource() {
            JdbcDataSource ds = new JdbcDataSource();
            ds.setURL("jdbc:h2:mem:kv_runner_" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
            return ds;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnManager {
        @Bean
        KeyManager myKeys() {
            return KeyManager.inMemory(java.time.Clock.systemUTC());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Registry {
        @Bean
        MeterRegistry registry() {
            return new SimpleMeterRegistry();
        }
    }

    private static boolean tableExists(DataSource ds, String table) throws SQLException {
        // keyvault's tables are unquoted (upper case in H2), Flyway's history table is quoted (as given)
        for (String name : new String[] {table.toUpperCase(java.util.Locale.ROOT), table}) {
            try (Connection c = ds.getConnection(); ResultSet rs = c.getMetaData().getTables(null, null, name, null)) {
                if (rs.next()) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void whenThereIsNoDataSourceThenKeysLiveInMemory() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(KeyManager.class).hasSingleBean(InMemoryKeyStore.class);
            KeyManager keys = context.getBean(KeyManager.class);
            assertThat(keys.keyPrefix()).isEqualTo("kv");
            assertThat(keys.verify(keys.issue(KeySpec.builder("acme", "ci").build()).token()).isVerified()).isTrue();
        });
    }

    @Test
    void whenThereIsADataSourceAndFlywayThenFlywayCreatesTheTablesWithAHistoryOfTheirOwn() {
        runner.withUserConfiguration(H2.class).withPropertyValues("keyvault.store.table-prefix=app_kv_").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(JdbiKeyStore.class).doesNotHaveBean(InMemoryKeyStore.class);
            DataSource ds = context.getBean(DataSource.class);
            assertThat(tableExists(ds, "app_kv_keys")).isTrue();
            assertThat(tableExists(ds, "app_kv_flyway_history")).isTrue();
            KeyManager keys = context.getBean(KeyManager.class);
            assertThat(keys.verify(keys.issue(KeySpec.builder("acme", "ci").build()).token()).isVerified()).isTrue();
        });
    }

    @Test
    void whenFlywayIsAbsentThenTheStoreMigratesItself() {
        runner.withUserConfiguration(H2.class).withClassLoader(new FilteredClassLoader(Flyway.class)).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(JdbiKeyStore.class);
            DataSource ds = context.getBean(DataSource.class);
            assertThat(tableExists(ds, "keyvault_keys")).isTrue();
            assertThat(tableExists(ds, "keyvault_flyway_history")).isFalse();
            assertThat(tableExists(ds, "flyway_schema_history")).isFalse();
            assertThat(context.getBean(JdbiKeyStore.class).schemaVersion()).isEqualTo(JdbiKeyStore.SCHEMA_VERSION);
        });
    }

    @Test
    void whenTheStoreTypeIsMemoryThenTheDataSourceIsLeftAlone() {
        runner.withUserConfiguration(H2.class).withPropertyValues("keyvault.store.type=memory").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(InMemoryKeyStore.class).doesNotHaveBean(JdbiKeyStore.class);
            assertThat(tableExists(context.getBean(DataSource.class), "keyvault_keys")).isFalse();
        });
    }

    @Test
    void whenTheStoreTypeIsJdbcWithoutADataSourceThenStartUpFails() {
        runner.withPropertyValues("keyvault.store.type=jdbc").run(context ->
                assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("keyvault.store.type=jdbc"));
    }

    @Test
    void whenTheApplicationHasItsOwnManagerThenOursBacksOff() {
        runner.withUserConfiguration(OwnManager.class).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(KeyManager.class).hasBean("myKeys");
        });
    }

    @Test
    void whenPropertiesAreSetThenTheManagerIsBuiltFromThem() {
        runner.withPropertyValues("keyvault.key-prefix=kb_live", PEPPER, "keyvault.rotation.cadence.read-only=30d").run(context -> {
            KeyManager keys = context.getBean(KeyManager.class);
            assertThat(keys.keyPrefix()).isEqualTo("kb_live");
            assertThat(keys.pepperStatus()).isEqualTo(PepperStatus.CONFIGURED);
            assertThat(keys.rotation().policy().cadence(dev.keyvault.rotation.RiskClass.READ_ONLY)).isEqualTo(Duration.ofDays(30));
        });
    }

    @Test
    void whenTheKeyPrefixIsBadThenStartUpFailsNamingTheProperty() {
        runner.withPropertyValues("keyvault.key-prefix=KB-Live!").run(context ->
                assertThat(context).hasFailed().getFailure().hasStackTraceContaining("keyvault.key-prefix"));
    }

    @Test
    void whenADurationIsNegativeThenStartUpFailsNamingTheProperty() {
        runner.withPropertyValues("keyvault.status-refresh-interval=-5s").run(context ->
                assertThat(context).hasFailed().getFailure().hasStackTraceContaining("keyvault.status-refresh-interval"));
    }

    @Test
    void whenThePepperIsMalformedThenStartUpFailsWithoutRepeatingIt() {
        runner.withPropertyValues("keyvault.pepper=v1:c2VjcmV0LXRvby1zaG9ydA==").run(context -> {
            assertThat(context).hasFailed().getFailure().hasStackTraceContaining("keyvault.pepper").hasStackTraceContaining("KEYVAULT_PEPPER");
            assertThat(context.getStartupFailure()).rootCause().message().doesNotContain("c2VjcmV0LXRvby1zaG9ydA");
        });
    }

    @Test
    void whenAProductionProfileIsActiveWithoutAPepperThenStartUpFailsNamingTheVariable() {
        runner.withPropertyValues("spring.profiles.active=prod").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(PepperRequiredException.class)
                    .hasMessageContaining("KEYVAULT_PEPPER");
        });
        runner.withPropertyValues("spring.profiles.active=production").run(context -> assertThat(context).hasFailed());
    }

    @Test
    void whenAProductionProfileHasAPepperOrOptsOutThenItStarts() {
        runner.withPropertyValues("spring.profiles.active=prod", PEPPER).run(context -> assertThat(context).hasNotFailed());
        runner.withPropertyValues("spring.profiles.active=prod", "keyvault.require-pepper=false").run(context ->
                assertThat(context.getBean(KeyManager.class).pepperStatus()).isEqualTo(PepperStatus.NOT_CONFIGURED));
    }

    @Test
    void whenNoProfileAndNoPepperThenItStartsAndSaysSo() {
        runner.run(context -> assertThat(context.getBean(KeyManager.class).pepperStatus()).isEqualTo(PepperStatus.NOT_CONFIGURED));
        runner.withPropertyValues("keyvault.require-pepper=true").run(context -> assertThat(context).hasFailed());
    }

    @Test
    void whenArgon2idIsChosenThenThereIsNoPepperToMissAndNoneMayBeSet() {
        runner.withPropertyValues("spring.profiles.active=prod", "keyvault.hasher.algorithm=argon2id",
                "keyvault.hasher.argon2-memory-kib=64", "keyvault.hasher.argon2-iterations=1").run(context ->
                assertThat(context.getBean(KeyManager.class).pepperStatus()).isEqualTo(PepperStatus.NOT_APPLICABLE));
        runner.withPropertyValues("keyvault.hasher.algorithm=argon2id", PEPPER).run(context ->
                assertThat(context).hasFailed().getFailure().hasStackTraceContaining("keyvault.pepper"));
        runner.withPropertyValues("keyvault.hasher.argon2-memory-kib=65536").run(context ->
                assertThat(context).hasFailed().getFailure().hasStackTraceContaining("keyvault.hasher.argon2-memory-kib"));
    }

    @Test
    void whenTheSupervisorIsEnabledThenItIsScheduledAndOtherwiseAbsent() {
        runner.run(context -> assertThat(context).doesNotHaveBean(RotationSupervisor.class));
        runner.withPropertyValues("keyvault.rotation.supervisor.enabled=true", "keyvault.rotation.supervisor.interval=1h")
                .run(context -> assertThat(context).hasSingleBean(RotationSupervisor.class));
    }

    @Test
    void whenMicrometerHasARegistryThenTheMetricsAreABean() {
        runner.withUserConfiguration(Registry.class).run(context -> assertThat(context).hasSingleBean(KeyvaultMetrics.class));
        runner.run(context -> assertThat(context).doesNotHaveBean(KeyvaultMetrics.class));
        runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class)).run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(KeyvaultMetrics.class));
    }

    @Test
    void whenTheHealthIndicatorIsDisabledThenItIsAbsent() {
        runner.run(context -> assertThat(context).hasSingleBean(KeyvaultHealthIndicator.class));
        runner.withPropertyValues("management.health.keyvault.enabled=false").run(context ->
                assertThat(context).doesNotHaveBean(KeyvaultHealthIndicator.class));
    }

    @Test
    void whenItIsAServletApplicationThenTheSecurityBeansComeFromTheWebProperties() {
        web.withPropertyValues("keyvault.web.realm=kb", "keyvault.web.authority-prefix=KV_", "keyvault.web.api-key-header=none",
                "keyvault.web.tiers.free.requests=60", "keyvault.web.tiers.free.burst=10", "keyvault.web.fallback-tier=free")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(KeyVerifier.class).hasBean("keyvault");
                    assertThat(context.getBean("keyvault")).isInstanceOf(KeyvaultScopes.class);
                    ApiKeyFilterConfig config = context.getBean(ApiKeyFilterConfig.class);
                    assertThat(config.realm()).isEqualTo("kb");
                    assertThat(config.apiKeyHeader()).isEmpty();
                    assertThat(config.tiers()).containsKey("free");
                    assertThat(config.fallbackTier()).hasValueSatisfying(t -> assertThat(t.burst()).isEqualTo(10));
                    assertThat(context.getBean(ScopeAuthorities.class).prefix()).isEqualTo("KV_");
                });
        runner.run(context -> assertThat(context).doesNotHaveBean(ApiKeyFilterConfig.class));
    }

    @Test
    void whenTiersLeaveKeysWithoutALimitThenStartUpFailsNamingTheProperties() {
        web.withPropertyValues("keyvault.web.tiers.free.requests=60", "keyvault.web.tiers.free.burst=10").run(context ->
                assertThat(context).hasFailed().getFailure().hasStackTraceContaining("keyvault.web").hasStackTraceContaining("fallback"));
    }

    @Test
    void whenTheManagerIsOursThenItsStoreIsMeteredAndClosedWithTheContext() {
        KeyManager[] kept = new KeyManager[1];
        runner.withUserConfiguration(Registry.class).run(context -> {
            kept[0] = context.getBean(KeyManager.class);
            assertThat(context.getBean(KeyStore.class)).isInstanceOf(InMemoryKeyStore.class);
        });
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> kept[0].issue(KeySpec.builder("acme", "after close").build()))
                .isInstanceOf(IllegalStateException.class);
    }
}
