package dev.keyvault.spring.boot;

import static dev.keyvault.spring.security.KeyvaultAuthorizationManagers.hasScope;
import static org.springframework.security.config.Customizer.withDefaults;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.keyvault.ApiKey;
import dev.keyvault.jdbc.testing.PostgresServer;
import dev.keyvault.spring.security.ApiKeyConfigurer;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The application the HTTP tests run: an API under {@code /api/**} authenticated by keyvault, the
 * Actuator open under {@code /actuator/**}, and a browser part under form login — three chains in one
 * app. The data source is H2 or the shared PostgreSQL ({@code test.database}), switchable to "down".
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableMethodSecurity
@Import({ApiTestApplication.Articles.class, ApiTestApplication.Pages.class})
class ApiTestApplication {

    @Bean
    @Order(1)
    SecurityFilterChain api(HttpSecurity http) throws Exception {
        return http.securityMatcher("/api/**")
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/api/public/**").permitAll()
                        .requestMatchers(HttpMethod.GET, "/api/articles/**").access(hasScope("kb:read"))
                        .requestMatchers("/api/admin/**").hasAuthority("SCOPE_kb:admin")
                        .anyRequest().authenticated())
                .with(ApiKeyConfigurer.apiKeys(), withDefaults())
                .build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain actuator(HttpSecurity http) throws Exception {
        return http.securityMatcher("/actuator/**").authorizeHttpRequests(a -> a.anyRequest().permitAll()).build();
    }

    @Bean
    @Order(3)
    SecurityFilterChain browser(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(a -> a.requestMatchers("/error").permitAll().anyRequest().authenticated()).formLogin(withDefaults()).build();
    }

    /** Counts the HTTP sessions the container creates, whoever asks for one. */
    static final class Sessions implements jakarta.servlet.http.HttpSessionListener {
        final java.util.concurrent.atomic.AtomicInteger created = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void sessionCreated(jakarta.servlet.http.HttpSessionEvent event) {
            created.incrementAndGet();
        }
    }

    @Bean
    Sessions sessions() {
        return new Sessions();
    }

    @Bean
    InMemoryUserDetailsManager users() {
        return new InMemoryUserDetailsManager(User.withUsername("alice").password("{noop}wonderland").roles("USER").build());
    }

    @Bean
    SwitchableDataSource dataSource(@Value("${test.database}") String database) {
        HikariConfig config = new HikariConfig();
        config.setMaximumPoolSize(8);
        config.setConnectionTimeout(2_000);
        if (database.equals("postgres")) {
            PostgresServer server = PostgresServer.shared();
            config.setDataSource(server.simple(server.createSchema("kv_boot")));
        } else {
            config.setJdbcUrl("jdbc:h2:mem:kv_boot_" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        }
        return new SwitchableDataSource(new HikariDataSource(config));
    }

    @RestController
    static class Articles {
        @GetMapping("/api/articles/{id}")
        Map<String, Object> article(@PathVariable String id, @AuthenticationPrincipal ApiKey key) {
            return Map.of("id", id, "owner", key.owner());
        }

        @PostMapping("/api/articles")
        @PreAuthorize("@keyvault.hasScope('kb:write')")
        Map<String, Object> create() {
            return Map.of("created", true);
        }

        @GetMapping("/api/admin/stats")
        Map<String, Object> admin() {
            return Map.of("admin", true);
        }

        @GetMapping("/api/me")
        Map<String, Object> me(@AuthenticationPrincipal ApiKey key, HttpServletRequest request) {
            return Map.of("key", key.id(), "session", request.getSession(false) != null);
        }

        @GetMapping("/api/public/ping")
        String ping() {
            return "pong";
        }
    }

    @RestController
    static class Pages {
        @GetMapping("/app/home")
        String home(java.security.Principal user) {
            return "home of " + user.getName();
        }
    }
}
