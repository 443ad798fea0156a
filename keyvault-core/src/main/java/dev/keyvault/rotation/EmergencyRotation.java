package dev.keyvault.rotation;

import static java.util.Objects.requireNonNull;

import dev.keyvault.ApiKey;
import dev.keyvault.IssuedKey;
import dev.keyvault.RevocationResult;
import java.time.Duration;
import java.util.Optional;

/**
 * The outcome of {@link dev.keyvault.rotation.RotationWorkflows#emergencyRotate(String, String, String)}: the leaked key revoked
 * and marked compromised, its replacement, and an audit of what the leaked key was used for.
 *
 * <p>The replacement is new unless the leaked key was already being rotated: a successor issued
 * before the leak was reported has its own secret, which did not leak, so it is kept and named in
 * {@link #existingSuccessor()} instead of issuing a third key. {@link #toString()} never prints the
 * new token. Immutable and thread-safe.
 *
 * @param revocation        the revocation of the leaked key ({@code REVOKED}, or {@code ALREADY_REVOKED}
 *                          if it was revoked before; it is marked compromised either way)
 * @param successor         the newly issued replacement with its token (shown once), if one was issued
 * @param existingSuccessor the active successor the key already had, if any (then no new one is issued)
 * @param audit             the leaked key's usage over the {@link #AUDIT_WINDOW} up to now, absent
 *                          only if reading it failed after the key was revoked and replaced (see
 *                          {@link #auditFailure()}; call {@link dev.keyvault.rotation.RotationWorkflows#usageAudit} again)
 * @param auditFailure      why the audit is absent
 */
public record EmergencyRotation(
        RevocationResult revocation,
        Optional<IssuedKey> successor,
        Optional<ApiKey> existingSuccessor,
        Optional<UsageAudit> audit,
        Optional<String> auditFailure) {

    /** How far back the audit that comes with an emergency rotation reaches. */
    public static final Duration AUDIT_WINDOW = Duration.ofDays(7);

    public EmergencyRotation {
        requireNonNull(revocation, "revocation");
        if (!revocation.isRevoked()) {
            throw new IllegalArgumentException("an emergency rotation starts with a revoked key");
        }
        requireNonNull(successor, "successor");
        requireNonNull(existingSuccessor, "existingSuccessor");
        if (successor.isPresent() == existingSuccessor.isPresent()) {
            throw new IllegalArgumentException("exactly one of successor and existingSuccessor is present");
        }
        requireNonNull(audit, "audit");
        requireNonNull(auditFailure, "auditFailure");
        if (audit.isPresent() == auditFailure.isPresent()) {
            throw new IllegalArgumentException("exactly one of audit and auditFailure is present");
        }
    }

    /** The replacement key's metadata, new or existing. */
    public ApiKey replacement() {
        return successor.map(IssuedKey::key).orElseGet(existingSuccessor::orElseThrow);
    }

    @Override
    public String toString() {
        return "EmergencyRotation[revoked=" + revocation.keyId() + " (" + revocation.outcome() + "), replacement="
                + replacement().hint() + (successor.isPresent() ? " (new)" : " (existing)")
                + ", audit=" + audit.map(a -> a.totalRequests() + " requests, " + a.newClientIps().size() + " new IPs, "
                        + a.spikes().size() + " spikes").orElse("failed") + "]";
    }
}
