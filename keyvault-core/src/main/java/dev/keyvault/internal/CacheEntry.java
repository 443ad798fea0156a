package dev.keyvault.internal;

import dev.keyvault.ApiKey;
import dev.keyvault.RejectionReason;
import dev.keyvault.VerificationResult;
import dev.keyvault.VerificationResult.Rejected;
import dev.keyvault.VerificationResult.Verified;
import java.util.Optional;

/**
 * What a node remembers about a key it has verified: SHA-256 of the secret that passed the slow
 * hash, and a snapshot of the key's status taken at {@code snapshotAtMillis}. Immutable; replaced
 * as a whole. The results are built once, so a cache hit allocates nothing for its answer.
 */
final class CacheEntry {
    final byte[] digest;
    final ApiKey snapshot;
    final long snapshotAtMillis;
    final boolean revoked;
    /** Whether the key has an IP allowlist or credits: verification then checks them after the secret. */
    final boolean hasPolicies;
    private final long expiresAtMillis;
    private final VerificationResult live;
    private final Rejected expired;

    CacheEntry(byte[] digest, ApiKey snapshot, long snapshotAtMillis) {
        this.digest = digest;
        this.snapshot = snapshot;
        this.snapshotAtMillis = snapshotAtMillis;
        this.revoked = !snapshot.isActive();
        this.hasPolicies = snapshot.hasPolicies();
        this.expiresAtMillis = snapshot.expiresAt().map(java.time.Instant::toEpochMilli).orElse(Long.MAX_VALUE);
        Optional<String> id = Optional.of(snapshot.id());
        this.live = revoked ? new Rejected(RejectionReason.REVOKED, id) : new Verified(snapshot);
        this.expired = new Rejected(RejectionReason.EXPIRED, id);
    }

    /** The answer for a caller who presented the right secret at {@code nowMillis}. */
    VerificationResult result(long nowMillis) {
        if (!revoked && nowMillis >= expiresAtMillis) {
            return expired;
        }
        return live;
    }

    /**
     * What keeping this entry costs, estimated: the entry, its two results, the snapshot record with
     * its optionals and sets, the digest and the map node (~300 bytes measured for a key with a few
     * scopes), plus two bytes per character of its strings.
     */
    int estimatedBytes() {
        ApiKey k = snapshot;
        long chars = k.id().length() + k.prefix().length() + k.owner().length() + k.name().length() + k.tier().length()
                + k.environment().length();
        for (String s : k.scopes()) {
            chars += s.length() + 20; // a set node per element
        }
        for (String t : k.tags()) {
            chars += t.length() + 20;
        }
        for (java.util.Map.Entry<String, String> m : k.metadata().entrySet()) {
            chars += m.getKey().length() + m.getValue().length() + 30; // a tree-map node per entry
        }
        for (String r : k.ipAllowlist().ranges()) {
            chars += r.length() + 30; // the text and the parsed network
        }
        return (int) Math.min(Integer.MAX_VALUE, 300 + 2 * chars);
    }

    CacheEntry withSnapshot(ApiKey newer, long atMillis) {
        // Revocation is final: a snapshot read before a revoke never replaces the revoked one.
        ApiKey keep = revoked && newer.isActive() ? snapshot : newer;
        return new CacheEntry(digest, keep, atMillis);
    }

    @Override
    public String toString() {
        return "CacheEntry[key=" + snapshot.id() + ", revoked=" + revoked + ", digest=<hidden>]";
    }
}
