package dev.keyvault.spring.boot;

import dev.keyvault.jdbc.JdbiKeyStore;
import dev.keyvault.spi.KeyStore;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;

/**
 * A {@link JdbiKeyStore} on the application's {@link DataSource} (H2 or PostgreSQL, detected), its
 * tables created or upgraded at start-up ({@code keyvault.store.schema}): by Flyway when Flyway is on
 * the classpath — keyvault's scripts ({@code Dialect.schemaLocation()}), the placeholder
 * {@code keyvault_prefix} and a history table of their own, {@code <table-prefix>flyway_history}, so
 * they never collide with the application's migrations — else by {@code JdbiKeyStore.migrate()}.
 * Backs off with {@code keyvault.store.type=memory} or a {@link KeyStore} bean of the application's.
 */
@AutoConfiguration(afterName = {"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration"})
@ConditionalOnClass({JdbiKeyStore.class, DataSource.class})
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnExpression("'${keyvault.store.type:auto}'.toLowerCase() != 'memory'")
@EnableConfigurationProperties(KeyvaultProperties.class)
public final class KeyvaultJdbcAutoConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(KeyvaultJdbcAutoConfiguration.class);

    /**
     * After the application's own database initialization (its Flyway, Liquibase or SQL scripts): a
     * Flyway of the application's that finds keyvault's tables first, without its history table,
     * would refuse the schema as not empty.
     */
    @Bean
    @ConditionalOnMissingBean(KeyStore.class)
    @DependsOnDatabaseInitialization
    JdbiKeyStore keyvaultKeyStore(DataSource dataSource, KeyvaultProperties properties, ResourceLoader resources) {
        KeyvaultProperties.Store settings = properties.store();
        JdbiKeyStore store = JdbiKeyStore.builder(dataSource).tablePrefix(settings.tablePrefix()).build();
        KeyvaultProperties.SchemaInitialization schema = settings.schema();
        if (schema == KeyvaultProperties.SchemaInitialization.AUTO) {
            schema = ClassUtils.isPresent("org.flywaydb.core.Flyway", resources.getClassLoader())
                    ? KeyvaultProperties.SchemaInitialization.FLYWAY : KeyvaultProperties.SchemaInitialization.MIGRATE;
        }
        switch (schema) {
            case FLYWAY -> FlywaySchema.migrate(dataSource, store);
            case MIGRATE -> store.migrate();
            default -> LOG.debug("keyvault: schema left to the application (keyvault.store.schema=none)");
        }
        return store;
    }

    /** Apart, so Flyway's classes are loaded only when Flyway runs. */
    private static final class FlywaySchema {
        static void migrate(DataSource dataSource, JdbiKeyStore store) {
            Flyway.configure(JdbiKeyStore.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations(store.dialect().schemaLocation())
                    .placeholders(Map.of("keyvault_prefix", store.tablePrefix()))
                    .table(store.tablePrefix() + "flyway_history")
                    // The application's tables may be there already: start keyvault's own history below V1.
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .load()
                    .migrate();
        }
    }
}
