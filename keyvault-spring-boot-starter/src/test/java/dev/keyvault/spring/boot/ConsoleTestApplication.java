package dev.keyvault.spring.boot;

import static org.springframework.security.config.Customizer.withDefaults;

import dev.keyvault.ApiKey;
import dev.keyvault.console.spi.Catalogue;
import dev.keyvault.console.spi.ConsoleAccess;
import dev.keyvault.console.spi.ConsoleUser;
import dev.keyvault.spring.security.ApiKeyConfigurer;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * An application with the console: the stateless API-key chain on {@code /api/**}, and a session chain
 * with form login (and Spring's CSRF, on by default) over everything else — the console's path
 * included. Who manages what comes from the signed-in Spring user.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(ConsoleTestApplication.Articles.class)
class ConsoleTestApplication {

    @Bean
    @Order(1)
    SecurityFilterChain api(HttpSecurity http) throws Exception {
        return http.securityMatcher("/api/**").authorizeHttpRequests(a -> a.anyRequest().authenticated())
                .with(ApiKeyConfigurer.apiKeys(), withDefaults()).build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain browser(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(a -> a.requestMatchers("/error").permitAll().anyRequest().authenticated())
                .formLogin(withDefaults()).build();
    }

    @Bean
    InMemoryUserDetailsManager users() {
        return new InMemoryUserDetailsManager(
                User.withUsername("alice").password("{noop}wonderland").roles("USER").build(),
                User.withUsername("olga").password("{noop}operator").roles("OPS").build());
    }

    @Bean
    ConsoleAccess consoleAccess() {
        return new ConsoleAccess() {
            @Override
            public Optional<ConsoleUser> currentUser(HttpServletRequest request) {
                Authentication auth = SecurityContextHolder.getContext().getAuthentication();
                if (auth == null || !auth.isAuthenticated() || !(auth.getPrincipal() instanceof org.springframework.security.core.userdetails.User)) {
                    return Optional.empty();
                }
                boolean ops = auth.getAuthorities().stream().anyMatch(g -> g.getAuthority().equals("ROLE_OPS"));
                return Optional.of(new ConsoleUser(auth.getName(), auth.getName(), ops ? Set.of() : Set.of("acme"), ops));
            }

            @Override
            public Catalogue catalogue(ConsoleUser user, String owner) {
                return Catalogue.of(List.of(Catalogue.scope("kb:read", "Read articles")));
            }
        };
    }

    @RestController
    static class Articles {
        @GetMapping("/api/articles/{id}")
        Map<String, Object> article(@PathVariable String id, @AuthenticationPrincipal ApiKey key) {
            return Map.of("id", id, "owner", key.owner());
        }
    }
}
