package dev.keyvault;

import static java.util.Objects.requireNonNull;

import dev.keyvault.rotation.RiskClass;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An in-place change of a key, for {@link KeyManager#update(String, KeyUpdate)}: only what is set
 * changes; each value is checked as at issue ({@link KeySpec}). Build one with {@link #builder()}:
 *
 * <pre>{@code
 * keys.update(id, KeyUpdate.builder().scopes("kb:read").tier("standard").actor("alice@acme").build());
 * }</pre>
 *
 * <p>Rules the manager applies: a revoked key cannot be changed; a new name must be free among the
 * owner's active keys; a new expiry must be in the future, and an <em>extension</em> (a later expiry,
 * or none where there was one) must not reach past the key's rotation due date — a key does not
 * outlive the date it must be rotated by. Immutable.
 */
public final class KeyUpdate {
    /** What to do with an optional value: leave it, set it, or remove it. */
    private enum Op { KEEP, SET, REMOVE }

    private final Optional<String> name;
    private final Optional<Set<String>> scopes;
    private final Optional<String> tier;
    private final Op riskClassOp;
    private final Optional<RiskClass> riskClass;
    private final Op expiryOp;
    private final Optional<Instant> expiresAt;
    private final Optional<IpAllowlist> ipAllowlist;
    private final Op creditsOp;
    private final Optional<Credits> credits;
    private final Optional<Map<String, String>> metadata;
    private final String actor;

    private KeyUpdate(Builder b) {
        this.name = b.name;
        this.scopes = b.scopes;
        this.tier = b.tier;
        this.riskClassOp = b.riskClassOp;
        this.riskClass = b.riskClass;
        this.expiryOp = b.expiryOp;
        this.expiresAt = b.expiresAt;
        this.ipAllowlist = b.ipAllowlist;
        this.creditsOp = b.creditsOp;
        this.credits = b.credits;
        this.metadata = b.metadata;
        this.actor = b.actor;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The new name, if it changes. */
    public Optional<String> name() {
        return name;
    }

    /** The new scopes, if they change. */
    public Optional<Set<String>> scopes() {
        return scopes;
    }

    /** The new tier, if it changes. */
    public Optional<String> tier() {
        return tier;
    }

    /** Whether the explicit risk class changes: to {@link #riskClass()}, or (empty) back to the one derived from the scopes. */
    public boolean changesRiskClass() {
        return riskClassOp != Op.KEEP;
    }

    /** The new explicit risk class; empty with {@link #changesRiskClass()} means derived from the scopes. */
    public Optional<RiskClass> riskClass() {
        return riskClass;
    }

    /** Whether the expiry changes: to {@link #expiresAt()}, or (empty) to never. */
    public boolean changesExpiry() {
        return expiryOp != Op.KEEP;
    }

    /** The new expiry; empty with {@link #changesExpiry()} means never. */
    public Optional<Instant> expiresAt() {
        return expiresAt;
    }

    /** The new IP allowlist ({@link IpAllowlist#none()} removes it), if it changes. */
    public Optional<IpAllowlist> ipAllowlist() {
        return ipAllowlist;
    }

    /** Whether the credits change: set to {@link #credits()}, or (empty) removed. */
    public boolean changesCredits() {
        return creditsOp != Op.KEEP;
    }

    /**
     * The new credits: the balance of the key's rotation chain is <em>set</em> to this balance (credits
     * leased by nodes under the old balance are void) with this refill rule; empty with
     * {@link #changesCredits()} means the key no longer has credits.
     */
    public Optional<Credits> credits() {
        return credits;
    }

    /** The new metadata (the whole map), if it changes. */
    public Optional<Map<String, String>> metadata() {
        return metadata;
    }

    /** Who makes the change, for the key's history. Default {@code system}. */
    public String actor() {
        return actor;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("KeyUpdate[");
        name.ifPresent(v -> sb.append("name, "));
        scopes.ifPresent(v -> sb.append("scopes, "));
        tier.ifPresent(v -> sb.append("tier, "));
        if (riskClassOp != Op.KEEP) {
            sb.append("riskClass, ");
        }
        if (expiryOp != Op.KEEP) {
            sb.append("expiry, ");
        }
        ipAllowlist.ifPresent(v -> sb.append("ipAllowlist, "));
        if (creditsOp != Op.KEEP) {
            sb.append("credits, ");
        }
        metadata.ifPresent(v -> sb.append("metadata, "));
        return sb.append("actor=").append(actor).append(']').toString();
    }

    /**
     * Builds a {@link KeyUpdate}; each setter checks its argument at once, and each may be called
     * once (a second call is an {@link IllegalStateException}). Not thread-safe.
     */
    public static final class Builder {
        private Optional<String> name = Optional.empty();
        private Optional<Set<String>> scopes = Optional.empty();
        private Optional<String> tier = Optional.empty();
        private Op riskClassOp = Op.KEEP;
        private Optional<RiskClass> riskClass = Optional.empty();
        private Op expiryOp = Op.KEEP;
        private Optional<Instant> expiresAt = Optional.empty();
        private Optional<IpAllowlist> ipAllowlist = Optional.empty();
        private Op creditsOp = Op.KEEP;
        private Optional<Credits> credits = Optional.empty();
        private Optional<Map<String, String>> metadata = Optional.empty();
        private String actor = "system";
        private boolean actorSet;

        private Builder() {}

        private static void once(boolean already, String what) {
            if (already) {
                throw new IllegalStateException(what + " was already set");
            }
        }

        /** Renames the key (text of at most 200 characters, free among the owner's active keys). */
        public Builder name(String name) {
            once(this.name.isPresent(), "name");
            this.name = Optional.of(Syntax.text("name", name, Syntax.MAX_NAME));
            return this;
        }

        /** Replaces the scopes: narrowing or widening (widening is recorded as its own event). */
        public Builder scopes(String... scopes) {
            return scopes(List.of(requireNonNull(scopes, "scopes")));
        }

        /** Replaces the scopes. */
        public Builder scopes(Collection<String> scopes) {
            once(this.scopes.isPresent(), "scopes");
            this.scopes = Optional.of(Syntax.scopes(scopes));
            return this;
        }

        /** Changes the rate-limit tier. */
        public Builder tier(String tier) {
            once(this.tier.isPresent(), "tier");
            this.tier = Optional.of(Syntax.slug("tier", tier));
            return this;
        }

        /** Sets an explicit risk class instead of the one derived from the scopes. */
        public Builder riskClass(RiskClass riskClass) {
            requireNonNull(riskClass, "riskClass");
            if (riskClass == RiskClass.COMPROMISED) {
                throw new IllegalArgumentException("COMPROMISED comes from an emergency rotation, not from an update");
            }
            once(riskClassOp != Op.KEEP, "riskClass");
            this.riskClassOp = Op.SET;
            this.riskClass = Optional.of(riskClass);
            return this;
        }

        /** Drops the explicit risk class: it is derived from the scopes again. */
        public Builder derivedRiskClass() {
            once(riskClassOp != Op.KEEP, "riskClass");
            this.riskClassOp = Op.REMOVE;
            return this;
        }

        /** Shortens or extends the expiry (see the class comment for the bound on extensions). */
        public Builder expiresAt(Instant expiresAt) {
            requireNonNull(expiresAt, "expiresAt");
            once(expiryOp != Op.KEEP, "expiry");
            this.expiryOp = Op.SET;
            this.expiresAt = Optional.of(expiresAt);
            return this;
        }

        /** Removes the expiry: an extension, allowed only for a key that has none already. */
        public Builder noExpiry() {
            once(expiryOp != Op.KEEP, "expiry");
            this.expiryOp = Op.REMOVE;
            return this;
        }

        /** Replaces the IP allowlist ({@link IpAllowlist#none()} removes the restriction). */
        public Builder ipAllowlist(IpAllowlist ipAllowlist) {
            requireNonNull(ipAllowlist, "ipAllowlist");
            once(this.ipAllowlist.isPresent(), "ipAllowlist");
            this.ipAllowlist = Optional.of(ipAllowlist);
            return this;
        }

        /** Sets the balance and refill rule of the key's credits (its rotation chain's), giving it credits if it had none. */
        public Builder credits(Credits credits) {
            requireNonNull(credits, "credits");
            once(creditsOp != Op.KEEP, "credits");
            this.creditsOp = Op.SET;
            this.credits = Optional.of(credits);
            return this;
        }

        /** Removes the key's credits: it is no longer refused for credits (its chain's other key keeps them). */
        public Builder removeCredits() {
            once(creditsOp != Op.KEEP, "credits");
            this.creditsOp = Op.REMOVE;
            return this;
        }

        /** Replaces the metadata (an empty map removes it all). */
        public Builder metadata(Map<String, String> metadata) {
            once(this.metadata.isPresent(), "metadata");
            this.metadata = Optional.of(Syntax.metadata(metadata));
            return this;
        }

        /** Who makes the change, for the key's history. Default: {@code system}. */
        public Builder actor(String actor) {
            once(actorSet, "actor");
            this.actor = Syntax.text("actor", actor, Syntax.MAX_ACTOR);
            this.actorSet = true;
            return this;
        }

        /** @throws IllegalStateException if nothing is changed */
        public KeyUpdate build() {
            if (name.isEmpty() && scopes.isEmpty() && tier.isEmpty() && riskClassOp == Op.KEEP && expiryOp == Op.KEEP
                    && ipAllowlist.isEmpty() && creditsOp == Op.KEEP && metadata.isEmpty()) {
                throw new IllegalStateException("an update must change something");
            }
            return new KeyUpdate(this);
        }
    }
}
