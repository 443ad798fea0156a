package dev.keyvault.spring.boot;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code keyvault.console.*} properties: where the console of {@code keyvault-console} is mounted
 * when it is on the classpath and the application defines a {@code ConsoleAccess} bean.
 *
 * @param enabled  whether to register the console. Default: true
 * @param path     the path it answers under, starting with {@code /} and without a trailing one. Default: {@code /settings/api-keys}
 * @param pageSize keys per page when a request does not say, 1-200. Default: 50
 */
@ConfigurationProperties("keyvault.console")
public record KeyvaultConsoleProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("/settings/api-keys") String path,
        @DefaultValue("50") int pageSize) {

    public KeyvaultConsoleProperties {
        if (path == null || !path.matches("(/[A-Za-z0-9._~-]+)+")) {
            throw new IllegalArgumentException("keyvault.console.path must be a path such as /settings/api-keys"
                    + " (segments of letters, digits and . _ ~ -, no trailing slash)");
        }
        if (pageSize < 1 || pageSize > 200) {
            throw new IllegalArgumentException("keyvault.console.page-size must be 1-200");
        }
    }
}
