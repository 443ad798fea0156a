package dev.keyvault;

import static java.util.Objects.requireNonNull;

import dev.keyvault.rotation.RiskClass;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What to issue. Build one with {@link #builder(String, String)}:
 *
 * <pre>{@code
 * KeySpec spec = KeySpec.builder("acme", "KB Sync Script — Production")
 *         .scopes("kb:read", "kb:write")
 *         .tier("standard")
 *         .environment("production")
 *         .build();
 * }</pre>
 *
 * <p>Rules, checked when the spec is built: {@code owner} and {@code name} are non-blank text of
 * at most 200 characters, with no control characters, no bidirectional formatting characters and no
 * leading or trailing whitespace; scopes match {@code [a-z0-9_:.*-]{1,64}} (at most 64); tier and
 * environment match {@code [a-z0-9][a-z0-9_.-]{0,31}}; tags match {@code [A-Za-z0-9_:.=/@-]{1,64}}
 * (at most 32). The owner's active keys must have distinct names; that is checked atomically by the
 * store when the key is issued.
 *
 * @param owner       the account or workspace the key belongs to
 * @param name        a human name, unique among the owner's active keys
 * @param scopes      what the key may do; default none
 * @param tier        the rate-limit tier; default {@code default}
 * @param environment such as {@code production}; default {@code default}
 * @param tags        free labels; default none
 * @param expiresAt   when the key stops verifying by itself; default never
 * @param riskClass   an explicit risk class; default derived from the scopes
 * @param actor       who issues it, for the key's history; default {@code system}
 * @param ipAllowlist the client addresses it may be used from; default any ({@link IpAllowlist#none()})
 * @param metadata    the host's labels, returned with every verified key (at most
 *                    {@value Syntax#MAX_METADATA} entries, see {@link Syntax#metadata}); default none
 * @param credits     usage credits; default none (the key is never refused for credits)
 */
public record KeySpec(
        String owner,
        String name,
        Set<String> scopes,
        String tier,
        String environment,
        Set<String> tags,
        Optional<Instant> expiresAt,
        Optional<RiskClass> riskClass,
        String actor,
        IpAllowlist ipAllowlist,
        Map<String, String> metadata,
        Optional<Credits> credits) {

    /**
     * The environment of a key issued without one. Such a key falls outside every report or query
     * that names an environment, so a compliance report filtered by environment lists them (and a
     * manager can refuse them: {@code KeyManagerBuilder.requireEnvironment()}).
     */
    public static final String NO_ENVIRONMENT = "default";

    public KeySpec {
        Syntax.text("owner", owner, Syntax.MAX_OWNER);
        Syntax.text("name", name, Syntax.MAX_NAME);
        scopes = Syntax.scopes(scopes);
        Syntax.slug("tier", tier);
        Syntax.slug("environment", environment);
        tags = Syntax.tags(tags);
        requireNonNull(expiresAt, "expiresAt");
        requireNonNull(riskClass, "riskClass");
        if (riskClass.isPresent() && riskClass.get() == RiskClass.COMPROMISED) {
            throw new IllegalArgumentException("a key cannot be issued as COMPROMISED");
        }
        Syntax.text("actor", actor, Syntax.MAX_ACTOR);
        requireNonNull(ipAllowlist, "ipAllowlist");
        metadata = Syntax.metadata(metadata);
        requireNonNull(credits, "credits");
    }

    /** A spec without policies or metadata (the form of keyvault 0.2 before key policies, kept for source compatibility). */
    public KeySpec(String owner, String name, Set<String> scopes, String tier, String environment, Set<String> tags,
            Optional<Instant> expiresAt, Optional<RiskClass> riskClass, String actor) {
        this(owner, name, scopes, tier, environment, tags, expiresAt, riskClass, actor, IpAllowlist.none(), Map.of(),
                Optional.empty());
    }

    /** Whether an environment was given (anything but {@link #NO_ENVIRONMENT}). */
    public boolean hasEnvironment() {
        return !environment.equals(NO_ENVIRONMENT);
    }

    /** Starts a spec for a key of {@code owner} called {@code name}. */
    public static Builder builder(String owner, String name) {
        return new Builder(owner, name);
    }

    /** Builds a {@link KeySpec}; each setter checks its argument at once. Not thread-safe. */
    public static final class Builder {
        private final String owner;
        private final String name;
        private Set<String> scopes = Set.of();
        private String tier = "default";
        private String environment = NO_ENVIRONMENT;
        private Set<String> tags = Set.of();
        private Optional<Instant> expiresAt = Optional.empty();
        private Optional<RiskClass> riskClass = Optional.empty();
        private String actor = "system";
        private IpAllowlist ipAllowlist = IpAllowlist.none();
        private Map<String, String> metadata = Map.of();
        private Optional<Credits> credits = Optional.empty();

        private Builder(String owner, String name) {
            this.owner = Syntax.text("owner", owner, Syntax.MAX_OWNER);
            this.name = Syntax.text("name", name, Syntax.MAX_NAME);
        }

        /** The scopes the key grants. Default: none. */
        public Builder scopes(String... scopes) {
            return scopes(List.of(requireNonNull(scopes, "scopes")));
        }

        /** The scopes the key grants. Default: none. */
        public Builder scopes(java.util.Collection<String> scopes) {
            this.scopes = Syntax.scopes(scopes);
            return this;
        }

        /** The rate-limit tier. Default: {@code default}. */
        public Builder tier(String tier) {
            this.tier = Syntax.slug("tier", tier);
            return this;
        }

        /**
         * The environment, such as {@code production} or {@code staging}. Default:
         * {@value KeySpec#NO_ENVIRONMENT}, which reports filtered by environment list as unassigned.
         */
        public Builder environment(String environment) {
            this.environment = Syntax.slug("environment", environment);
            return this;
        }

        /** Free labels used to select keys (for example by {@code revokeAll}). Default: none. */
        public Builder tags(String... tags) {
            this.tags = Syntax.tags(List.of(requireNonNull(tags, "tags")));
            return this;
        }

        /** When the key stops verifying by itself. Default: never. */
        public Builder expiresAt(Instant expiresAt) {
            this.expiresAt = Optional.of(requireNonNull(expiresAt, "expiresAt"));
            return this;
        }

        /** An explicit risk class instead of the one derived from the scopes. Default: derived. */
        public Builder riskClass(RiskClass riskClass) {
            requireNonNull(riskClass, "riskClass");
            if (riskClass == RiskClass.COMPROMISED) {
                throw new IllegalArgumentException("a key cannot be issued as COMPROMISED");
            }
            this.riskClass = Optional.of(riskClass);
            return this;
        }

        /** Who issues the key, recorded in its history. Default: {@code system}. */
        public Builder actor(String actor) {
            this.actor = Syntax.text("actor", actor, Syntax.MAX_ACTOR);
            return this;
        }

        /**
         * The client addresses the key may be used from (see {@link IpAllowlist}). Default: any. A key
         * with an allowlist must be verified with the client's address.
         */
        public Builder ipAllowlist(IpAllowlist ipAllowlist) {
            this.ipAllowlist = requireNonNull(ipAllowlist, "ipAllowlist");
            return this;
        }

        /** {@link #ipAllowlist(IpAllowlist)} from CIDR blocks such as {@code "203.0.113.0/24"}. */
        public Builder ipAllowlist(String... ranges) {
            return ipAllowlist(IpAllowlist.of(ranges));
        }

        /** The host's labels for the key (see {@link Syntax#metadata}), returned with every verified key. Default: none. */
        public Builder metadata(Map<String, String> metadata) {
            this.metadata = Syntax.metadata(metadata);
            return this;
        }

        /** Usage credits (see {@link Credits}). Default: none, the key is never refused for credits. */
        public Builder credits(Credits credits) {
            this.credits = Optional.of(requireNonNull(credits, "credits"));
            return this;
        }

        public KeySpec build() {
            return new KeySpec(owner, name, scopes, tier, environment, tags, expiresAt, riskClass, actor, ipAllowlist, metadata,
                    credits);
        }
    }
}
