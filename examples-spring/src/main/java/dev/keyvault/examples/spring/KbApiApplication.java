package dev.keyvault.examples.spring;

import static dev.keyvault.spring.security.KeyvaultAuthorizationManagers.hasScope;
import static org.springframework.security.config.Customizer.withDefaults;

import dev.keyvault.ApiKey;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.spring.security.ApiKeyConfigurer;
import java.util.Map;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A knowledge-base API for Spring Boot: {@code GET /api/articles/{id}} needs {@code kb:read},
 * {@code POST /api/articles} needs {@code kb:write} (checked by {@code @PreAuthorize}, wildcards
 * such as {@code kb:*} included), and {@code /actuator/health} shows keyvault's health. Everything
 * keyvault needs comes from the starter and {@code application.properties}; the application writes
 * the chain below and nothing else.
 *
 * <p>Run it with {@code mvn -q -Pdemo -pl examples-spring -am package -DskipTests}: it issues a
 * demo key at start and prints the {@code curl} to try.
 */
@SpringBootApplication
@EnableMethodSecurity
public class KbApiApplication {

    public static void main(String[] args) {
        run(args);
    }

    /** Starts the application; the caller closes it. */
    public static ConfigurableApplicationContext run(String... args) {
        return SpringApplication.run(KbApiApplication.class, args);
    }

    /** The API chain: keys on {@code /api/**}, one call; stateless, no session, no CSRF. */
    @Bean
    @Order(1)
    SecurityFilterChain api(HttpSecurity http) throws Exception {
        return http.securityMatcher("/api/**")
                .authorizeHttpRequests(a -> a
                        .requestMatchers(HttpMethod.GET, "/api/articles/**").access(hasScope("kb:read"))
                        .anyRequest().authenticated())
                .with(ApiKeyConfigurer.apiKeys(), withDefaults())
                .build();
    }

    /** Everything else: the health endpoint, open. */
    @Bean
    @Order(2)
    SecurityFilterChain rest(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(a -> a.requestMatchers("/actuator/health/**", "/error").permitAll()
                        .anyRequest().denyAll())
                .build();
    }

    /** With {@code --kb.demo=true}: a key to try the API with, shown once. */
    @Bean
    @ConditionalOnProperty(name = "kb.demo", havingValue = "true")
    ApplicationRunner demoKey(KeyManager keys) {
        return args -> {
            IssuedKey key = keys.issue(KeySpec.builder("acme", "Demo key").scopes("kb:read").build());
            System.out.println("\ntry:  curl -H 'Authorization: Bearer " + key.token() + "' http://localhost:8080/api/articles/42\n");
        };
    }

    @RestController
    static class Articles {
        @GetMapping("/api/articles/{id}")
        Map<String, Object> article(@PathVariable String id, @AuthenticationPrincipal ApiKey key) {
            return Map.of("id", id, "title", "Article " + id, "readBy", key.owner());
        }

        @PostMapping("/api/articles")
        @PreAuthorize("@keyvault.hasScope('kb:write')")
        Map<String, Object> create(@AuthenticationPrincipal ApiKey key) {
            return Map.of("created", true, "by", key.owner());
        }
    }
}
