package dev.keyvault.spring.boot;

import dev.keyvault.KeyManager;
import dev.keyvault.console.ConsoleConfig;
import dev.keyvault.console.ConsoleServlet;
import dev.keyvault.console.CsrfProtection;
import dev.keyvault.console.spi.ConsoleAccess;
import dev.keyvault.console.spi.HostCsrf;
import java.util.Optional;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.web.csrf.CsrfToken;

/**
 * Registers keyvault's console ({@code keyvault-console}) under {@code keyvault.console.path} when it
 * is on the classpath and the application defines a {@link ConsoleAccess} bean (who is signed in,
 * which owners they manage, who is an operator, the scope catalogue): the console has no login of
 * its own, so without one nothing is registered.
 *
 * <p>The console is for people signed in through the application's <em>session-based</em> chain
 * (form login, OAuth2 login), not for API keys: map its path in that chain, never in the stateless
 * chain of {@code ApiKeyConfigurer.apiKeys()}. With Spring Security on the classpath the console uses
 * <b>Spring's CSRF protection</b> and none of its own — Spring's {@code CsrfFilter} checks the token
 * on every POST, the page reads it from {@code GET api/session} — and it refuses every POST on which
 * Spring's filter did not run (a chain with CSRF switched off), so there is always exactly one
 * mechanism. Without Spring Security it uses its own ({@link CsrfProtection#builtIn()}).
 */
@AutoConfiguration(after = KeyvaultAutoConfiguration.class)
@ConditionalOnClass({ConsoleServlet.class, ServletRegistrationBean.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean({KeyManager.class, ConsoleAccess.class})
@ConditionalOnProperty(prefix = "keyvault.console", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(KeyvaultConsoleProperties.class)
public final class KeyvaultConsoleAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "keyvaultConsole")
    ServletRegistrationBean<ConsoleServlet> keyvaultConsole(KeyManager keys, ConsoleAccess access, KeyvaultConsoleProperties properties,
            CsrfProtection keyvaultConsoleCsrf) {
        ConsoleConfig config = ConsoleConfig.builder(access).csrf(keyvaultConsoleCsrf).pageSize(properties.pageSize()).build();
        ServletRegistrationBean<ConsoleServlet> registration =
                new ServletRegistrationBean<>(new ConsoleServlet(keys, config), properties.path() + "/*");
        registration.setName("keyvaultConsole");
        return registration;
    }

    /** Spring Security present: its CSRF token, read from the request attribute its {@code CsrfFilter} sets. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(CsrfToken.class)
    static final class SpringCsrf {
        @Bean
        @ConditionalOnMissingBean
        CsrfProtection keyvaultConsoleCsrf() {
            return CsrfProtection.host(SpringCsrf::token);
        }

        static Optional<HostCsrf.Token> token(jakarta.servlet.http.HttpServletRequest request) {
            if (request.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken token) {
                return Optional.of(new HostCsrf.Token(token.getHeaderName(), token.getToken()));
            }
            return Optional.empty();
        }
    }

    /** No Spring Security: the console's own mechanism. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingClass("org.springframework.security.web.csrf.CsrfToken")
    static final class BuiltInCsrf {
        @Bean
        @ConditionalOnMissingBean
        CsrfProtection keyvaultConsoleCsrf() {
            return CsrfProtection.builtIn();
        }
    }
}
