package dev.keyvault.spi;

import static java.util.Objects.requireNonNull;

import dev.keyvault.CreditRefill;
import dev.keyvault.Syntax;
import java.time.Instant;
import java.util.Optional;

/**
 * The usage-credit balance of a rotation chain as a store holds it. Nodes change it only by
 * compare-and-set ({@link KeyStore#replaceCredits}): taking a lease, applying a due refill, giving
 * back what a lease did not spend. {@code generation} counts the times the balance was <em>set</em>
 * (a refill, an in-place change): credits leased under an older generation are void, so a node never
 * adds them back onto a balance that was set since.
 *
 * @param id           the account id: the id of the key that was given the credits
 * @param balance      credits not leased to any node, 0–{@value CreditRefill#MAX_CREDITS}
 * @param refill       the refill rule
 * @param generation   bumped each time the balance is set
 * @param nextRefillAt the next refill not yet applied, if the rule has one
 */
public record CreditAccount(String id, long balance, CreditRefill refill, long generation, Optional<Instant> nextRefillAt) {
    public CreditAccount {
        Syntax.keyId(id);
        if (balance < 0 || balance > CreditRefill.MAX_CREDITS) {
            throw new IllegalArgumentException("a credit balance is 0-" + CreditRefill.MAX_CREDITS + ", was " + balance);
        }
        requireNonNull(refill, "refill");
        requireNonNull(nextRefillAt, "nextRefillAt");
    }

    /** A copy with another balance. */
    public CreditAccount withBalance(long newBalance) {
        return new CreditAccount(id, newBalance, refill, generation, nextRefillAt);
    }
}
