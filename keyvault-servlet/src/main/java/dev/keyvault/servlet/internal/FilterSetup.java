package dev.keyvault.servlet.internal;

import dev.keyvault.KeyManager;
import dev.keyvault.servlet.ApiKeyFilterConfig;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a filter installed declaratively ({@code web.xml}, {@code @WebFilter}) is made of: the
 * {@link KeyManager} from a {@code ServletContext} attribute, and the configuration either from
 * another attribute or from init-params ({@link InitParams}), never both. Every way this can go
 * wrong is a {@link ServletException} naming the fix, so the application does not start half-open.
 *
 * @param keys   the application's key manager
 * @param config the filter's configuration
 */
public record FilterSetup(KeyManager keys, ApiKeyFilterConfig config) {

    /**
     * Reads the setup of a declaratively installed filter.
     *
     * @param keysAttribute   the attribute holding the {@code KeyManager} unless init-param
     *                        {@code key-manager-attribute} names another
     * @param configAttribute the attribute that may hold the config unless init-param
     *                        {@code config-attribute} names another
     * @throws ServletException if the {@code KeyManager} is missing, or the configuration is
     *                          missing, contradictory or malformed
     */
    public static FilterSetup read(FilterConfig filterConfig, String keysAttribute, String configAttribute)
            throws ServletException {
        Map<String, String> params = params(filterConfig);
        ServletContext context = filterConfig.getServletContext();
        String keysName = params.getOrDefault(InitParams.KEY_MANAGER_ATTRIBUTE, keysAttribute);
        if (!(context.getAttribute(keysName) instanceof KeyManager keys)) {
            throw new ServletException("no KeyManager in the ServletContext attribute '" + keysName
                    + "'; set it from a ServletContextListener before filters start");
        }
        String configName = params.getOrDefault(InitParams.CONFIG_ATTRIBUTE, configAttribute);
        Object fromContext = context.getAttribute(configName);
        if (fromContext == null) {
            try {
                return new FilterSetup(keys, InitParams.parse(params));
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new ServletException("ApiKeyFilter " + filterConfig.getFilterName() + ": " + e.getMessage(), e);
            }
        }
        if (!(fromContext instanceof ApiKeyFilterConfig config)) {
            throw new ServletException("the ServletContext attribute '" + configName + "' is not an ApiKeyFilterConfig");
        }
        if (params.keySet().stream().anyMatch(InitParams.CONFIG_NAMES::contains)) {
            throw new ServletException("configure the ApiKeyFilter either with init-params or with the ServletContext attribute '"
                    + configName + "', not both");
        }
        return new FilterSetup(keys, config);
    }

    /**
     * For a filter built with a {@code KeyManager} and a config: init-params would be ignored,
     * so there must be none.
     */
    public static void requireNoInitParams(FilterConfig filterConfig) throws ServletException {
        if (!params(filterConfig).isEmpty()) {
            throw new ServletException("this ApiKeyFilter was built with a KeyManager and a config; it takes no init-params");
        }
    }

    private static Map<String, String> params(FilterConfig filterConfig) {
        Map<String, String> params = new LinkedHashMap<>();
        if (filterConfig != null) {
            for (String name : Collections.list(filterConfig.getInitParameterNames())) {
                params.put(name, filterConfig.getInitParameter(name));
            }
        }
        return params;
    }
}
