package dev.keyvault.benchmarks.spring;

import static dev.keyvault.spring.security.KeyvaultAuthorizationManagers.hasScope;
import static org.springframework.security.config.Customizer.withDefaults;

import dev.keyvault.spring.security.ApiKeyConfigurer;
import java.security.interfaces.RSAPublicKey;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The measured application: the same handler at {@code /a/hello} (keyvault, {@code hasScope}),
 * {@code /b/hello} (OAuth2 resource server, a JWT signed RS256 with a local key, no network,
 * {@code hasAuthority("SCOPE_bench:read")}) and {@code /c/hello} ({@code permitAll}). All three
 * chains are stateless and without CSRF, so they differ only in how the request is authenticated.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(BenchApplication.Hello.class)
class BenchApplication {

    @Bean
    @Order(1)
    SecurityFilterChain keyvault(HttpSecurity http) throws Exception {
        return http.securityMatcher("/a/**")
                .authorizeHttpRequests(a -> a.anyRequest().access(hasScope("bench:read")))
                .with(ApiKeyConfigurer.apiKeys(), withDefaults())
                .build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain jwt(HttpSecurity http) throws Exception {
        return http.securityMatcher("/b/**")
                .authorizeHttpRequests(a -> a.anyRequest().hasAuthority("SCOPE_bench:read"))
                .oauth2ResourceServer(o -> o.jwt(withDefaults()))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(AbstractHttpConfigurer::disable)
                .build();
    }

    @Bean
    @Order(3)
    SecurityFilterChain open(HttpSecurity http) throws Exception {
        return http.securityMatcher("/c/**")
                .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(AbstractHttpConfigurer::disable)
                .build();
    }

    @Bean
    JwtDecoder jwtDecoder(RSAPublicKey benchPublicKey) {
        return NimbusJwtDecoder.withPublicKey(benchPublicKey).build();
    }

    @RestController
    static class Hello {
        @GetMapping({"/a/hello", "/b/hello", "/c/hello"})
        String hello() {
            return "ok";
        }
    }
}
