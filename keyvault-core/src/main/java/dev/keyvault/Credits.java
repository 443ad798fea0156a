package dev.keyvault;

import static java.util.Objects.requireNonNull;

/**
 * Usage credits to give a key (at issue, or by an in-place change): a starting balance and a refill
 * rule. Every verification spends its cost (see {@code VerificationRequest.cost}, default 1; 0
 * checks that credits are left without spending); at zero the key is refused as
 * {@link RejectionReason#CREDITS_EXHAUSTED} until a refill or a top-up. The balance belongs to the
 * rotation chain: a successor spends from its predecessor's balance, so rotating never doubles what
 * can be spent.
 *
 * <pre>{@code
 * Credits.of(1_000).withRefill(CreditRefill.monthly(1, 1_000))   // 1,000 a month, starting now
 * }</pre>
 *
 * @param balance the balance to start from, 0–{@value CreditRefill#MAX_CREDITS}
 * @param refill  when the balance is refilled; default {@linkplain CreditRefill#none() never}
 */
public record Credits(long balance, CreditRefill refill) {
    public Credits {
        if (balance < 0 || balance > CreditRefill.MAX_CREDITS) {
            throw new IllegalArgumentException("a credit balance is 0-" + CreditRefill.MAX_CREDITS + ", was " + balance);
        }
        requireNonNull(refill, "refill");
    }

    /** A starting balance without refill. */
    public static Credits of(long balance) {
        return new Credits(balance, CreditRefill.none());
    }

    /** A copy with this refill rule. */
    public Credits withRefill(CreditRefill refill) {
        return new Credits(balance, refill);
    }
}
