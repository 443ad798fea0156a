package dev.keyvault;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * The usage credits of a key's rotation chain, from {@link KeyManager#credits(String)}. Nodes take
 * credits from the store in leases and spend them locally, so the exact number left is
 * {@code inStore} plus what every node still holds; this node's part is {@code leasedHere}.
 *
 * @param keyId        the key asked about
 * @param account      the id of the balance: the key that was given the credits (a successor shares
 *                     its predecessor's)
 * @param inStore      credits not leased to any node, after any refill that is due
 * @param leasedHere   credits this node has leased and not spent
 * @param refill       the refill rule
 * @param nextRefillAt the next refill, if the rule has one
 */
public record CreditBalance(String keyId, String account, long inStore, long leasedHere, CreditRefill refill,
        Optional<Instant> nextRefillAt) {
    public CreditBalance {
        Syntax.keyId(keyId);
        Syntax.keyId(account);
        requireNonNull(refill, "refill");
        requireNonNull(nextRefillAt, "nextRefillAt");
    }
}
