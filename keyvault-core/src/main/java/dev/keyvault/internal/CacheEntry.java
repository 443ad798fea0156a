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
    // the digest inline, so a hit reads no second object; all zero with hasDigest false for "none"
    private final long d0;
    private final long d1;
    private final long d2;
    private final long d3;
    private final boolean hasDigest;
    final ApiKey snapshot;
    final long snapshotAtMillis;
    final boolean revoked;
    /** Whether the key has an IP allowlist or credits: verification then checks them after the secret. */
    final boolean hasPolicies;
    private final long expiresAtMillis;
    private final VerificationResult live;
    private final Rejected expired;

    /** Set by a read, cleared by the cache's sweep (CLOCK); a race loses at most one mark. */
    volatile boolean referenced;

    /** @param digest SHA-256 of the secret (32 bytes), or empty when no secret is known */
    CacheEntry(byte[] digest, ApiKey snapshot, long snapshotAtMillis) {
        this(ConstantTime.word(digest, 0), ConstantTime.word(digest, 1), ConstantTime.word(digest, 2),
                ConstantTime.word(digest, 3), digest.length == 32, snapshot, snapshotAtMillis);
    }

    private CacheEntry(long d0, long d1, long d2, long d3, boolean hasDigest, ApiKey snapshot, long snapshotAtMillis) {
        this.d0 = d0;
        this.d1 = d1;
        this.d2 = d2;
        this.d3 = d3;
        this.hasDigest = hasDigest;
        this.snapshot = snapshot;
        this.snapshotAtMillis = snapshotAtMillis;
        this.revoked = !snapshot.isActive();
        this.hasPolicies = snapshot.hasPolicies();
        this.expiresAtMillis = snapshot.expiresAt().map(java.time.Instant::toEpochMilli).orElse(Long.MAX_VALUE);
        Optional<String> id = Optional.of(snapshot.id());
        this.live = revoked ? new Rejected(RejectionReason.REVOKED, id) : new Verified(snapshot);
        this.expired = new Rejected(RejectionReason.EXPIRED, id);
    }

    /** Whether {@code digest} is the cached one, in constant time. */
    boolean matches(byte[] digest) {
        return hasDigest && ConstantTime.equals(digest, d0, d1, d2, d3);
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
     * its optionals and sets, the map node and its key (~300 bytes measured for a key with a few
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
        return new CacheEntry(d0, d1, d2, d3, hasDigest, keep, atMillis);
    }

    @Override
    public String toString() {
        return "CacheEntry[key=" + snapshot.id() + ", revoked=" + revoked + ", digest=<hidden>]";
    }
}
