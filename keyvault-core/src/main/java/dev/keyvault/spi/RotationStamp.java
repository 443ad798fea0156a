package dev.keyvault.spi;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A key's stored rotation due date and the rotation policy that computed it. The manager computes it
 * (from its {@code RotationPolicy}, the key's risk class, creation, import and compromise) whenever
 * one of those changes, and stores it with the key, so a store can list the keys due by an index
 * range scan instead of reading every key.
 *
 * @param dueAt  when the key must be rotated by
 * @param policy the fingerprint of the policy that computed it ({@code RotationPolicy.fingerprint()}),
 *               1–64 printable ASCII characters; dates stamped by another policy are recomputed
 */
public record RotationStamp(Instant dueAt, String policy) {
    public RotationStamp {
        requireNonNull(dueAt, "dueAt");
        requireNonNull(policy, "policy");
        if (policy.isEmpty() || policy.length() > 64 || !policy.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("a rotation policy fingerprint is 1-64 printable ASCII characters");
        }
    }
}
