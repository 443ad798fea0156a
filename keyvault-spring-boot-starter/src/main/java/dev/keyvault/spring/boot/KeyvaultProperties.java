package dev.keyvault.spring.boot;

import dev.keyvault.Syntax;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code keyvault.*} properties. Every value is checked when it is bound: a bad one fails
 * start-up naming the property. Durations take Boot's forms ({@code 30s}, {@code 24h}, {@code 90d}).
 *
 * @param keyPrefix              the token prefix, segments of {@code [a-z][a-z0-9]{1,15}} joined by {@code _}, such as {@code kb_live}
 * @param pepper                 the pepper specification {@code id:base64[,id:base64…]}, current first; bound from the
 *                               environment variable {@code KEYVAULT_PEPPER} too. Never logged. Default: none
 * @param requirePepper          refuse to start without a pepper. Default: true when an active profile is {@code prod} or
 *                               {@code production}, false otherwise
 * @param hasher                 how new secrets are hashed
 * @param store                  where keys live
 * @param statusRefreshInterval  how old a cached status may get before a verify re-reads it
 * @param usageFlushInterval     how often buffered usage is written ({@code 0s}: only on shutdown)
 * @param changeFeedPollInterval how often other nodes' revocations are read: the revocation bound between nodes ({@code 0s}: single node)
 * @param changeRetention        how long change-feed entries are kept
 * @param hashingTimeout         how long a cold verify waits for a hashing slot
 * @param rotation               rotation cadence, quiet period and the supervisor
 * @param web                    the HTTP edge: realm, authorities, tiers, failure limit, proxies
 */
@ConfigurationProperties("keyvault")
public record KeyvaultProperties(
        @DefaultValue("kv") String keyPrefix,
        String pepper,
        Boolean requirePepper,
        @DefaultValue Hasher hasher,
        @DefaultValue Store store,
        @DefaultValue("30s") Duration statusRefreshInterval,
        @DefaultValue("1s") Duration usageFlushInterval,
        @DefaultValue("1s") Duration changeFeedPollInterval,
        @DefaultValue("7d") Duration changeRetention,
        @DefaultValue("5s") Duration hashingTimeout,
        @DefaultValue Rotation rotation,
        @DefaultValue Web web) {

    public KeyvaultProperties {
        try {
            Syntax.prefix(keyPrefix);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("keyvault.key-prefix: " + e.getMessage(), e);
        }
        positive("keyvault.status-refresh-interval", statusRefreshInterval);
        nonNegative("keyvault.usage-flush-interval", usageFlushInterval);
        nonNegative("keyvault.change-feed-poll-interval", changeFeedPollInterval);
        positive("keyvault.change-retention", changeRetention);
        positive("keyvault.hashing-timeout", hashingTimeout);
    }

    @Override
    public String toString() {
        return "KeyvaultProperties[keyPrefix=" + keyPrefix + ", pepper=" + (pepper == null ? "none" : "(set)")
                + ", requirePepper=" + requirePepper + ", hasher=" + hasher + ", store=" + store + "]";
    }

    /** The hashing algorithm of new secrets. */
    public enum Algorithm {
        /** HMAC-SHA-256 under the pepper: the default, see the README's security model. */
        HMAC_SHA256,
        /** Argon2id with the {@code argon2-*} parameters: a slow hash, at the cost the README states. */
        ARGON2ID
    }

    /**
     * @param algorithm         {@code hmac-sha256} or {@code argon2id}
     * @param argon2MemoryKib   Argon2id memory in KiB (at most 32 MiB)
     * @param argon2Iterations  Argon2id iterations
     * @param argon2Parallelism Argon2id lanes
     */
    public record Hasher(
            @DefaultValue("hmac-sha256") Algorithm algorithm,
            @DefaultValue("19456") int argon2MemoryKib,
            @DefaultValue("2") int argon2Iterations,
            @DefaultValue("1") int argon2Parallelism) {
        public Hasher {
            if (argon2MemoryKib < 8 || argon2MemoryKib > 32 * 1024) {
                throw new IllegalArgumentException("keyvault.hasher.argon2-memory-kib must be 8 to 32768, was " + argon2MemoryKib);
            }
            if (argon2Iterations < 1 || argon2Parallelism < 1) {
                throw new IllegalArgumentException("keyvault.hasher.argon2-iterations and argon2-parallelism must be at least 1");
            }
        }
    }

    /** Which store the key manager uses. */
    public enum StoreType {
        /** JDBC on the application's single {@code DataSource} if there is one, else in memory. */
        AUTO,
        /** JDBC on the application's {@code DataSource}; start-up fails without one. */
        JDBC,
        /** In memory: keys are lost on restart (tests, demos). */
        MEMORY
    }

    /** How the JDBC store's tables are created or upgraded. */
    public enum SchemaInitialization {
        /** Flyway if it is on the classpath, else {@code migrate()}. */
        AUTO,
        /** keyvault's scripts by Flyway, with a history table of their own ({@code <table-prefix>flyway_history}). */
        FLYWAY,
        /** {@code JdbiKeyStore.migrate()}. */
        MIGRATE,
        /** Nothing: the host runs the scripts itself. */
        NONE
    }

    /**
     * @param type        {@code auto}, {@code jdbc} or {@code memory}
     * @param tablePrefix the prefix of keyvault's table names, {@code [a-z][a-z0-9_]{0,39}}
     * @param schema      {@code auto}, {@code flyway}, {@code migrate} or {@code none}
     */
    public record Store(
            @DefaultValue("auto") StoreType type,
            @DefaultValue("keyvault_") String tablePrefix,
            @DefaultValue("auto") SchemaInitialization schema) {
        public Store {
            if (!tablePrefix.matches("[a-z][a-z0-9_]{0,39}")) {
                throw new IllegalArgumentException("keyvault.store.table-prefix must match [a-z][a-z0-9_]{0,39}, was " + tablePrefix);
            }
        }
    }

    /**
     * @param quietPeriod   how long an old key must be unused, once its successor is, before its rotation window may close
     * @param warningWindow how early keys are reported as coming due
     * @param cadence       the maximum age of keys per risk class
     * @param supervisor    the scheduled closing of safe rotation windows
     */
    public record Rotation(
            @DefaultValue("24h") Duration quietPeriod,
            @DefaultValue("14d") Duration warningWindow,
            @DefaultValue Cadence cadence,
            @DefaultValue Supervisor supervisor) {
        public Rotation {
            positive("keyvault.rotation.quiet-period", quietPeriod);
            nonNegative("keyvault.rotation.warning-window", warningWindow);
        }
    }

    /**
     * @param readOnly   keys with read scopes only
     * @param write      keys that write
     * @param broad      keys with wildcard or many scopes
     * @param fullAccess keys with {@code *}
     */
    public record Cadence(
            @DefaultValue("365d") Duration readOnly,
            @DefaultValue("180d") Duration write,
            @DefaultValue("90d") Duration broad,
            @DefaultValue("90d") Duration fullAccess) {
        public Cadence {
            positive("keyvault.rotation.cadence.read-only", readOnly);
            positive("keyvault.rotation.cadence.write", write);
            positive("keyvault.rotation.cadence.broad", broad);
            positive("keyvault.rotation.cadence.full-access", fullAccess);
        }
    }

    /**
     * @param enabled  run the {@code RotationSupervisor}: it closes rotation windows that are safe or past their deadline
     * @param interval how often (each run reads every active key)
     * @param actor    who the keys' history names for its steps
     */
    public record Supervisor(
            @DefaultValue("false") boolean enabled,
            @DefaultValue("10m") Duration interval,
            @DefaultValue("rotation-supervisor") String actor) {
        public Supervisor {
            if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("keyvault.rotation.supervisor.interval must be at least 1s, was " + interval);
            }
        }
    }

    /**
     * @param realm             the realm of every {@code WWW-Authenticate} challenge
     * @param authorityPrefix   the prefix of the authorities made from scopes ({@code SCOPE_kb:read})
     * @param apiKeyHeader      the header holding a bare key ({@code none}: only {@code Authorization: Bearer})
     * @param tiers             rate-limit tiers by name: {@code requests} per {@code period}, at most {@code burst} at once
     * @param fallbackTier      the tier of keys whose tier has no entry (with tiers, one is needed, or a tier named {@code default})
     * @param trustedProxies    addresses or CIDR blocks whose {@code X-Forwarded-For} is believed
     * @param failureLimit      failed verifications a client address may have before its keys get 429 unverified
     * @param clientLabelHeader a request header whose value labels the consumer in usage
     * @param recordUsage       record each request as usage of its key
     */
    public record Web(
            @DefaultValue("api") String realm,
            @DefaultValue("SCOPE_") String authorityPrefix,
            @DefaultValue("X-API-Key") String apiKeyHeader,
            Map<String, TierLimit> tiers,
            String fallbackTier,
            List<String> trustedProxies,
            @DefaultValue FailureLimitSettings failureLimit,
            String clientLabelHeader,
            @DefaultValue("true") boolean recordUsage) {
        public Web {
            tiers = tiers == null ? Map.of() : Map.copyOf(tiers);
            trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
        }
    }

    /**
     * @param requests requests refilled per period
     * @param period   the refill period
     * @param burst    requests allowed at once
     */
    public record TierLimit(long requests, @DefaultValue("1m") Duration period, long burst) {}

    /**
     * @param enabled  whether failures are limited
     * @param failures failures refilled per period
     * @param period   the refill period
     * @param burst    failures allowed at once
     */
    public record FailureLimitSettings(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("20") long failures,
            @DefaultValue("1m") Duration period,
            @DefaultValue("20") long burst) {}

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }

    private static void nonNegative(String name, Duration d) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + d);
        }
    }
}
