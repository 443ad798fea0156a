/**
 * Spring Boot 4 auto-configuration for keyvault, one {@code @AutoConfiguration} per concern:
 * {@link dev.keyvault.spring.boot.KeyvaultJdbcAutoConfiguration} (a {@code JdbiKeyStore} on the
 * application's {@code DataSource}, its schema by Flyway or {@code migrate()}),
 * {@link dev.keyvault.spring.boot.KeyvaultAutoConfiguration} (the {@code KeyManager} from
 * {@code keyvault.*}, the in-memory store when there is no {@code DataSource}),
 * {@link dev.keyvault.spring.boot.KeyvaultRotationAutoConfiguration} (the {@code RotationSupervisor},
 * opt-in), {@link dev.keyvault.spring.boot.KeyvaultSecurityAutoConfiguration} (what
 * {@code ApiKeyConfigurer.apiKeys()} picks up, and the SpEL bean {@code @keyvault}),
 * {@link dev.keyvault.spring.boot.KeyvaultMetricsAutoConfiguration} (Micrometer) and
 * {@link dev.keyvault.spring.boot.KeyvaultHealthAutoConfiguration} (Actuator). Every bean backs off
 * when the application defines its own; nothing is component-scanned.
 *
 * <p>Properties are {@link dev.keyvault.spring.boot.KeyvaultProperties}; the pepper rule is on
 * {@link dev.keyvault.spring.boot.KeyvaultAutoConfiguration}.
 */
package dev.keyvault.spring.boot;
