package dev.keyvault.spring.boot;

/** The properties of the HTTP tests' application, one string so every test class shares one context per database. */
final class ApiKeyHttpProperties {
    static final String ALL = """
            keyvault.key-prefix=kb_test
            keyvault.pepper=v1:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=
            keyvault.change-feed-poll-interval=200ms
            keyvault.web.realm=kb
            keyvault.web.trusted-proxies=127.0.0.1,::1
            keyvault.web.tiers.standard.requests=1000
            keyvault.web.tiers.standard.period=1m
            keyvault.web.tiers.standard.burst=1000
            keyvault.web.tiers.tiny.requests=1
            keyvault.web.tiers.tiny.period=1h
            keyvault.web.tiers.tiny.burst=2
            keyvault.web.fallback-tier=standard
            management.endpoints.web.exposure.include=health
            management.endpoint.health.show-details=always
            """;

    private ApiKeyHttpProperties() {}
}
