package dev.keyvault;

import static java.util.Objects.requireNonNull;

import dev.keyvault.internal.Checks;
import dev.keyvault.internal.TokenFormat;
import java.time.Instant;
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
 *                      the scopes by the {@link RiskClassifier})
 * @param createdAt     when it was issued (a rotation issues a new key, so this is also the date
 *                      of the last rotation of the credential)
 * @param expiresAt     when it stops verifying by itself, if ever
 * @param lastUsedAt    the latest recorded use, as of the last usage flush
 * @param status        {@code ACTIVE} or {@code REVOKED}
 * @param revocation    present exactly when revoked
 * @param predecessorId the key this one replaced, if it was issued by a rotation
 * @param successorId   the key that replaces this one, if it has been rotated
 * @param compromised   marked as leaked (emergency rotation)
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
        boolean compromised) {

    public ApiKey {
        TokenFormat.checkKeyId(id);
        TokenFormat.checkPrefix(prefix);
        Checks.text("owner", owner, Checks.MAX_OWNER);
        Checks.text("name", name, Checks.MAX_NAME);
        scopes = Checks.scopes(scopes);
        Checks.slug("tier", tier);
        Checks.slug("environment", environment);
        tags = Checks.tags(tags);
        requireNonNull(riskClass, "riskClass");
        requireNonNull(createdAt, "createdAt");
        requireNonNull(expiresAt, "expiresAt");
        requireNonNull(lastUsedAt, "lastUsedAt");
        requireNonNull(status, "status");
        requireNonNull(revocation, "revocation");
        requireNonNull(predecessorId, "predecessorId");
        requireNonNull(successorId, "successorId");
        predecessorId.ifPresent(TokenFormat::checkKeyId);
        successorId.ifPresent(TokenFormat::checkKeyId);
        if ((status == KeyStatus.REVOKED) != revocation.isPresent()) {
            throw new IllegalArgumentException("a revocation is present exactly when the status is REVOKED");
        }
        if (riskClass.isPresent() && riskClass.get() == RiskClass.COMPROMISED) {
            throw new IllegalArgumentException("COMPROMISED is a state (see compromised), not a risk class to issue with");
        }
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

    /** A copy with a new status and revocation (stores use this; it does not revoke anything). */
    public ApiKey withRevocation(Revocation revocation, boolean compromised) {
        requireNonNull(revocation, "revocation");
        return new ApiKey(id, prefix, owner, name, scopes, tier, environment, tags, riskClass, createdAt, expiresAt,
                lastUsedAt, KeyStatus.REVOKED, Optional.of(revocation), predecessorId, successorId, compromised);
    }

    /** A copy with the given last use (stores use this). */
    public ApiKey withLastUsedAt(Instant lastUsed) {
        requireNonNull(lastUsed, "lastUsed");
        return new ApiKey(id, prefix, owner, name, scopes, tier, environment, tags, riskClass, createdAt, expiresAt,
                Optional.of(lastUsed), status, revocation, predecessorId, successorId, compromised);
    }

    /** A copy linked to a successor and with a possibly earlier expiry (stores use this). */
    public ApiKey withSuccessor(String successorId, Optional<Instant> expiresAt) {
        return new ApiKey(id, prefix, owner, name, scopes, tier, environment, tags, riskClass, createdAt, expiresAt,
                lastUsedAt, status, revocation, predecessorId, Optional.of(successorId), compromised);
    }

    /** A copy marked compromised (stores use this). */
    public ApiKey withCompromised() {
        return new ApiKey(id, prefix, owner, name, scopes, tier, environment, tags, riskClass, createdAt, expiresAt,
                lastUsedAt, status, revocation, predecessorId, successorId, true);
    }
}
