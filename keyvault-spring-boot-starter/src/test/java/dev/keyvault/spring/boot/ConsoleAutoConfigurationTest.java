package dev.keyvault.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.console.CsrfProtection;
import dev.keyvault.console.spi.Catalogue;
import dev.keyvault.console.spi.ConsoleAccess;
import dev.keyvault.console.spi.ConsoleUser;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** When the starter registers the console, where, and with which CSRF mechanism. */
class ConsoleAutoConfigurationTest {
    private final WebApplicationContextRunner web = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KeyvaultAutoConfiguration.class, KeyvaultConsoleAutoConfiguration.class))
            .withPropertyValues("keyvault.usage-flush-interval=0s", "keyvault.change-feed-poll-interval=0s", "keyvault.store.type=memory");

    @Configuration(proxyBeanMethods = false)
    static class Access {
        @Bean
        ConsoleAccess access() {
            return new ConsoleAccess() {
                @Override
                public Optional<ConsoleUser> currentUser(HttpServletRequest request) {
                    return Optional.empty();
                }

                @Override
                public Catalogue catalogue(ConsoleUser user, String owner) {
                    return Catalogue.of(List.of());
                }
            };
        }
    }

    @Test
    void whenTheApplicationDefinesConsoleAccessThenTheConsoleIsMountedWithSpringsCsrf() {
        web.withUserConfiguration(Access.class).withPropertyValues("keyvault.console.path=/admin/keys").run(context -> {
            ServletRegistrationBean<?> console = context.getBean("keyvaultConsole", ServletRegistrationBean.class);
            assertThat(console.getUrlMappings()).containsExactly("/admin/keys/*");
            assertThat(context.getBean(CsrfProtection.class).isBuiltIn()).isFalse();
        });
    }

    @Test
    void whenThereIsNoConsoleAccessOrTheConsoleIsSwitchedOffThenNothingIsMounted() {
        web.run(context -> assertThat(context).doesNotHaveBean("keyvaultConsole"));
        web.withUserConfiguration(Access.class).withPropertyValues("keyvault.console.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("keyvaultConsole"));
    }

    @Test
    void whenThePathIsBadThenStartUpFailsNamingTheProperty() {
        web.withUserConfiguration(Access.class).withPropertyValues("keyvault.console.path=settings/").run(context ->
                assertThat(context).hasFailed().getFailure().hasStackTraceContaining("keyvault.console.path"));
    }
}
