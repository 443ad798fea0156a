package dev.keyvault;

import static java.util.Objects.requireNonNull;

import dev.keyvault.rotation.RiskClass;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything known about a key except its secret: what a "Settings → API keys" page lists. The
 * {@code id} is public (it is the lookup handle shown in UIs, logs and audit trails); the secret
 * exists only in the {@link IssuedKey} returned once by {@code issue} or {@code rotate}.
 *
 * @param id            the public key id, 12 base62 characters
 * @param prefix        the token prefix, such as {@code kb_live}
 * @param owner         the account or workspace the key belongs to
 * @param name          a human name, unique among the owner's active keys
 * @param scopes        what the key may do (sorted, immutable)
 * @param tier          the rate-limit tier name
 * @param environment   such as {@code production}
 * @param tags          free labels for selection, such as {@code team:sync} (sorted, immutable)
 * @param riskClass     the risk class set explicitly at issue time, if any (otherwise derived from
 *                      the scopes by the {@link dev.keyvault.rotation.RiskClassifier})
 * @param createdAt     when it was issued (a rotation issues a new key, so this is also the date
 *                      of the last rotation of the credential)
 * @param expiresAt     when it stops verifying by itself, if ever
 * @param lastUsedAt    the latest recorded use, as of the last usage flush
 * @param status        {@code ACTIVE} or {@code REVOKED}
 * @param revocation    present exactly when revoked
 * @param predecessorId the key this one replaced, if it was issued by a rotation
 * @param successorId   the key that replaces this one, if it has been rotated
 * @param compromised   marked as leaked (emergency rotation)
 * @param importedAt    when it was imported from the system keyvault replaced, if it was: its secret
 *                      is in that system's format, and it is due for rotation into keyvault's
 * @param ipAllowlist   the client addresses it may be used from ({@link IpAllowlist#none()}: any)
 * @param metadata      the host's labels for it, such as a plan or a customer id, returned with every
 *                      verified key (sorted, immutable; see {@link Syntax#metadata})
 * @param creditAccount the usage-credit balance it spends from, if it has credits: the id of the key
 *                      that was given them (a successor shares its predecessor's); see
 *                      {@link KeyManager#credits(String)}
 */
public record ApiKey(
        String id,
        String prefix,
        String owner,
        String name,
        Set<String> scopes,
        String tier,
        String environment,
        Set<String> tags,
        Optional<RiskClass> riskClass,
        Instant createdAt,
        Optional<Instant> expiresAt,
        Optional<Instant> lastUsedAt,
        KeyStatus status,
        Optional<Revocation> revocation,
        Optional<String> predecessorId,
        Optional<String> successorId,
        boolean compromised,
        Optional<Instant> importedAt,
        IpAllowlist ipAllowlist,
        Map<String, String> metadata,
        Optional<String> creditAccount) {

    /** A key that was not imported (the form of keyvault 0.1, kept for source compatibility). */
    public ApiKey(String id, String prefix, String owner, String name, Set<String> scopes, String tier, String environment,
            Set<String> tags, Optional<RiskClass> riskClass, Instant createdAt, Optional<Instant> expiresAt,
            Optional<Instant> lastUsedAt, KeyStatus status, Optional<Revocation> revocation, Optional<String> predecessorId,
            Optional<String> successorId, boolean compromised) {
        this(id, prefix, owner, name, scopes, tier, environment, tags, riskClass, createdAt, expiresAt, lastUsedAt, status,
                revocation, predecessorId, successorId, compromised, Optional.empty());
    }

    /** A key without policies or metadata (the form of keyvault 0.2's imports, kept for source compatibility). */
    public ApiKey(String id, String prefix, String owner, String name, Set<String> scopes, String tier, String environment,
            Set<String> tags, Optional<RiskClass> riskClass, Instant createdAt, Optional<Instant> expiresAt,
            Optional<Instant> lastUsedAt, KeyStatus status, Optional<Revocation> revocation, Optional<String> predecessorId,
            Optional<String> successorId, boolean compromised, Optional<Instant> importedAt) {
        this(id, prefix, owner, name, scopes, tier, environment, tags, riskClass, createdAt, expiresAt, lastUsedAt, status,
                revocation, predecessorId, successorId, compromised, importedAt, IpAllowlist.none(), Map.of(), Optional.empty());
    }

    public ApiKey {
        Syntax.keyId(id);
        Syntax.prefix(prefix);
        Syntax.text("owner", owner, Syntax.MAX_OWNER);
        Syntax.text("name", name, Syntax.MAX_NAME);
        scopes = Syntax.scopes(scopes);
        Syntax.slug("tier", tier);
        Syntax.slug("environment", environment);
        tags = Syntax.tags(tags);
        requireNonNull(riskClass, "riskClass");
        requireNonNull(createdAt, "createdAt");
        requireNonNull(expiresAt, "expiresAt");
        requireNonNull(lastUsedAt, "lastUsedAt");
        requireNonNull(status, "status");
        requireNonNull(revocation, "revocation");
        requireNonNull(predecessorId, "predecessorId");
        requireNonNull(successorId, "successorId");
        requireNonNull(importedAt, "importedAt");
        predecessorId.ifPresent(Syntax::keyId);
        successorId.ifPresent(Syntax::keyId);
        if ((status == KeyStatus.REVOKED) != revocation.isPresent()) {
            throw new IllegalArgumentException("a revocation is present exactly when the status is REVOKED");
        }
        if (riskClass.isPresent() && riskClass.get() == RiskClass.COMPROMISED) {
            throw new IllegalArgumentException("COMPROMISED is a state (see compromised), not a risk class to issue with");
        }
        requireNonNull(ipAllowlist, "ipAllowlist");
        metadata = Syntax.metadata(metadata);
        requireNonNull(creditAccount, "creditAccount").ifPresent(Syntax::keyId);
    }

    /** Whether verification checks more than the secret, status and expiry: an allowlist or credits. */
    public boolean hasPolicies() {
        return !ipAllowlist.isEmpty() || creditAccount.isPresent();
    }

    /** {@code true} if the key is not revoked. An active key may still be expired: see {@link #isExpiredAt}. */
    public boolean isActive() {
        return status == KeyStatus.ACTIVE;
    }

    /** {@code true} if the key has an expiry and {@code at} is at or after it. */
    public boolean isExpiredAt(Instant at) {
        requireNonNull(at, "at");
        return expiresAt.isPresent() && !at.isBefore(expiresAt.get());
    }

    /** Whether it was imported from the system keyvault replaced (see {@link #importedAt()}). */
    public boolean isImported() {
        return importedAt.isPresent();
    }

    /**
     * Whether this key's scopes grant {@code required}: an exact match, the scope {@code *}, or a
     * wildcard scope {@code p:*} for any scope starting with {@code p:}.
     */
    public boolean grants(String required) {
        return ScopeMatcher.grants(scopes, required);
    }

    /** What a UI can show to identify the token without revealing it: {@code prefix_id_…}. */
    public String hint() {
        return prefix + "_" + id + "_…";
    }

    /**
     * A builder for a key with the given identity; every other component starts at its default
     * (no scopes, tier {@code default}, no environment, no tags, no expiry, never used, active, no
     * links, not compromised). Stores and tests build keys with it; {@link KeyManager} issues them.
     */
    public static Builder builder(String id, String prefix, String owner, String name, Instant createdAt) {
        return new Builder(id, prefix, owner, name, createdAt);
    }

    /** A builder holding every component of this key, to change some of them. */
    public Builder toBuilder() {
        return new Builder(id, prefix, owner, name, createdAt).scopes(scopes).tier(tier).environment(environment).tags(tags)
                .riskClass(riskClass).expiresAt(expiresAt).lastUsedAt(lastUsedAt).revocation(revocation)
                .predecessorId(predecessorId).successorId(successorId).compromised(compromised).importedAt(importedAt)
                .ipAllowlist(ipAllowlist).metadata(metadata).creditAccount(creditAccount);
    }

    /**
     * A builder for the key that replaces this one: the same prefix, owner, scopes, tier, environment,
     * tags, risk class, IP allowlist, metadata and credit balance, named {@code name}, created at
     * {@code createdAt}, and linked to this key as its predecessor; active, unused, with no expiry
     * unless set.
     */
    public Builder successorBuilder(String successorId, String name, Instant createdAt) {
        return new Builder(successorId, prefix, owner, name, createdAt).scopes(scopes).tier(tier).environment(environment)
                .tags(tags).riskClass(riskClass).predecessorId(Optional.of(id)).ipAllowlist(ipAllowlist).metadata(metadata)
                .creditAccount(creditAccount);
    }

    /** A copy with a new status and revocation (stores use this; it does not revoke anything). */
    public ApiKey withRevocation(Revocation revocation, boolean compromised) {
        return toBuilder().revocation(Optional.of(requireNonNull(revocation, "revocation"))).compromised(compromised).build();
    }

    /** A copy with the given last use (stores use this). */
    public ApiKey withLastUsedAt(Instant lastUsed) {
        return toBuilder().lastUsedAt(Optional.of(requireNonNull(lastUsed, "lastUsed"))).build();
    }

    /** A copy linked to a successor and with a possibly earlier expiry (stores use this). */
    public ApiKey withSuccessor(String successorId, Optional<Instant> expiresAt) {
        return toBuilder().successorId(Optional.of(successorId)).expiresAt(expiresAt).build();
    }

    /** A copy marked compromised (stores use this). */
    public ApiKey withCompromised() {
        return toBuilder().compromised(true).build();
    }

    /**
     * Builds an {@link ApiKey}; the record's checks run at {@link #build()}. Not thread-safe.
     */
    public static final class Builder {
        private final String id;
        private final String prefix;
        private final String owner;
        private final String name;
        private final Instant createdAt;
        private Set<String> scopes = Set.of();
        private String tier = "default";
        private String environment = KeySpec.NO_ENVIRONMENT;
        private Set<String> tags = Set.of();
        private Optional<RiskClass> riskClass = Optional.empty();
        private Optional<Instant> expiresAt = Optional.empty();
        private Optional<Instant> lastUsedAt = Optional.empty();
        private Optional<Revocation> revocation = Optional.empty();
        private Optional<String> predecessorId = Optional.empty();
        private Optional<String> successorId = Optional.empty();
        private boolean compromised;
        private Optional<Instant> importedAt = Optional.empty();
        private IpAllowlist ipAllowlist = IpAllowlist.none();
        private Map<String, String> metadata = Map.of();
        private Optional<String> creditAccount = Optional.empty();

        private Builder(String id, String prefix, String owner, String name, Instant createdAt) {
            this.id = id;
            this.prefix = prefix;
            this.owner = owner;
            this.name = name;
            this.createdAt = createdAt;
        }

        public Builder scopes(Set<String> scopes) {
            this.scopes = requireNonNull(scopes, "scopes");
            return this;
        }

        public Builder tier(String tier) {
            this.tier = requireNonNull(tier, "tier");
            return this;
        }

        public Builder environment(String environment) {
            this.environment = requireNonNull(environment, "environment");
            return this;
        }

        public Builder tags(Set<String> tags) {
            this.tags = requireNonNull(tags, "tags");
            return this;
        }

        public Builder riskClass(Optional<RiskClass> riskClass) {
            this.riskClass = requireNonNull(riskClass, "riskClass");
            return this;
        }

        public Builder expiresAt(Optional<Instant> expiresAt) {
            this.expiresAt = requireNonNull(expiresAt, "expiresAt");
            return this;
        }

        public Builder lastUsedAt(Optional<Instant> lastUsedAt) {
            this.lastUsedAt = requireNonNull(lastUsedAt, "lastUsedAt");
            return this;
        }

        /** Present: the key is {@code REVOKED}; empty: {@code ACTIVE}. */
        public Builder revocation(Optional<Revocation> revocation) {
            this.revocation = requireNonNull(revocation, "revocation");
            return this;
        }

        public Builder predecessorId(Optional<String> predecessorId) {
            this.predecessorId = requireNonNull(predecessorId, "predecessorId");
            return this;
        }

        public Builder successorId(Optional<String> successorId) {
            this.successorId = requireNonNull(successorId, "successorId");
            return this;
        }

        public Builder compromised(boolean compromised) {
            this.compromised = compromised;
            return this;
        }

        public Builder importedAt(Optional<Instant> importedAt) {
            this.importedAt = requireNonNull(importedAt, "importedAt");
            return this;
        }

        public Builder ipAllowlist(IpAllowlist ipAllowlist) {
            this.ipAllowlist = requireNonNull(ipAllowlist, "ipAllowlist");
            return this;
        }

        public Builder metadata(Map<String, String> metadata) {
            this.metadata = requireNonNull(metadata, "metadata");
            return this;
        }

        public Builder creditAccount(Optional<String> creditAccount) {
            this.creditAccount = requireNonNull(creditAccount, "creditAccount");
            return this;
        }

        /** @throws IllegalArgumentException if a component breaks the rules documented on {@link ApiKey} */
        public ApiKey build() {
            return new ApiKey(id, prefix, owner, name, scopes, tier, environment, tags, riskClass, createdAt, expiresAt,
                    lastUsedAt, revocation.isPresent() ? KeyStatus.REVOKED : KeyStatus.ACTIVE, revocation, predecessorId,
                    successorId, compromised, importedAt, ipAllowlist, metadata, creditAccount);
        }
    }
}
