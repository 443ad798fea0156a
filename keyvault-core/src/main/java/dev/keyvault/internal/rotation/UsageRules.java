package dev.keyvault.internal.rotation;

import dev.keyvault.UsageRollup;
import java.time.Instant;

/** Rules about usage rollups that the status and the audit must apply the same way. */
public final class UsageRules {
    /** The status a host records for a request refused because the key is revoked or expired. */
    public static final int UNAUTHORIZED = 401;
    /** The status a host records for a request refused because the key lacks the scope. */
    public static final int FORBIDDEN = 403;

    private UsageRules() {}

    /**
     * Whether the requests of {@code r} were made after a revocation at {@code revokedAt}. Rollups
     * have minute granularity, so one may straddle the revocation: it counts as after when its status
     * is 401, the answer a revoked key gets, and as before otherwise.
     */
    public static boolean afterRevocation(UsageRollup r, Instant revokedAt) {
        if (!r.firstSeen().isBefore(revokedAt)) {
            return true;
        }
        return !r.lastSeen().isBefore(revokedAt) && r.status() == UNAUTHORIZED;
    }

    /** The first whole minute after {@code t}'s minute: the exclusive end that includes {@code t}. */
    public static Instant endOfMinute(Instant t) {
        return UsageRollup.minuteOf(t).plusSeconds(60);
    }

    static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
