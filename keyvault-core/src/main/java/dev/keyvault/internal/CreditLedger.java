package dev.keyvault.internal;

import static java.util.Objects.requireNonNull;

import dev.keyvault.CreditRefill;
import dev.keyvault.KeyStoreException;
import dev.keyvault.spi.CreditAccount;
import dev.keyvault.spi.KeyStore;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's leases of usage credits: verification spends from a lease in memory, never writing to
 * the store per request. A lease is taken from the store's balance by compare-and-set
 * ({@link KeyStore#replaceCredits}) when the node's part is used up; what a lease did not spend goes
 * back on {@link #returnAll()} (the manager's close) and after {@value #IDLE_RETURN_MILLIS} ms without
 * use.
 *
 * <p>A lease takes at most {@code leaseSize} credits and at most half of what the store has left (but
 * always what the request needs), so near the end the nodes share the rest instead of one holding it.
 * Credits leave the store before they are spent, so within one generation of the balance the chain
 * never spends more than it had. The generation changes when the balance is <em>set</em> — a refill,
 * an in-place change — and leases of an older generation are then void: a node stops spending one
 * when its clock passes the refill time it read, or when the change feed tells it of an in-place
 * change (then at most its lease was spent after the change: overspend at most nodes × lease size).
 * Leased credits not given back — a node that crashed — are lost (never overspent): at most one lease
 * per node and account.
 *
 * <p>A node that found the balance empty asks the store again at most once a second per account
 * (or at the refill), so an exhausted key costs no store read per request. Thread-safe: one lock per
 * account, held across the store call of a lease.
 */
public final class CreditLedger {
    static final long RECHECK_MILLIS = 1_000;
    static final long IDLE_RETURN_MILLIS = 30_000;
    private static final int MAX_ATTEMPTS = 64;

    private final KeyStore store;
    private final long leaseSize;
    private final ConcurrentHashMap<String, Lease> leases = new ConcurrentHashMap<>();

    public CreditLedger(KeyStore store, long leaseSize) {
        this.store = requireNonNull(store, "store");
        this.leaseSize = leaseSize;
    }

    private static final class Lease {
        final String account;
        /** The account generation the credits were leased under; -1: none leased yet. */
        long generation = -1;
        long remaining;
        /** The refill time the lease was read with (epoch ms), or Long.MAX_VALUE: at it, the lease is void. */
        long refillAt = Long.MIN_VALUE;
        /** Until then, the store is known to hold only {@link #storeHeld}: a request needing more is refused without asking it. */
        long emptyUntil;
        long storeHeld;
        boolean revalidate;
        boolean retired;
        long lastUsed;

        Lease(String account) {
            this.account = account;
        }
    }

    /**
     * Spends {@code cost} credits of {@code account} (0: checks that at least one is left).
     *
     * @return whether the request may proceed
     * @throws KeyStoreException if a lease was needed and the store failed (fail closed)
     */
    public boolean spend(String account, int cost, long now) {
        for (;;) {
            Lease l = leases.get(account);
            if (l == null) {
                l = leases.computeIfAbsent(account, Lease::new);
            }
            synchronized (l) {
                if (l.retired) {
                    continue; // given back and forgotten meanwhile: use the fresh one
                }
                l.lastUsed = now;
                if (!l.revalidate && now < l.refillAt) {
                    if (covers(l, cost)) {
                        l.remaining -= cost;
                        return true;
                    }
                    if (now < l.emptyUntil && need(l, cost) > l.storeHeld) {
                        return false;
                    }
                }
                return take(l, cost, now);
            }
        }
    }

    private static boolean covers(Lease l, int cost) {
        return cost == 0 ? l.remaining > 0 : l.remaining >= cost;
    }

    /** What the lease lacks to pay {@code cost}. */
    private static long need(Lease l, int cost) {
        return cost == 0 ? (l.remaining > 0 ? 0 : 1) : Math.max(0, cost - l.remaining);
    }

    /** Reads the account, applies a due refill, takes a lease by compare-and-set, then spends. Holds {@code l}'s lock. */
    private boolean take(Lease l, int cost, long now) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<CreditAccount> found = store.findCredits(l.account);
            if (found.isEmpty()) {
                // A key pointing at an account that does not exist: refuse (fail closed), ask again later.
                l.remaining = 0;
                l.generation = -1;
                l.refillAt = Long.MAX_VALUE;
                l.revalidate = false;
                l.emptyUntil = now + RECHECK_MILLIS;
                l.storeHeld = 0;
                return false;
            }
            CreditAccount stored = found.get();
            CreditAccount current = refilled(stored, now);
            if (current.generation() != l.generation) {
                l.remaining = 0; // leased under a balance that has been set since: void
            }
            long need = need(l, cost);
            long take = 0;
            if (need > 0 && need <= current.balance()) {
                take = Math.max(need, Math.min(leaseSize, (current.balance() + 1) / 2));
            }
            CreditAccount next = take == 0 ? current : current.withBalance(current.balance() - take);
            if (!next.equals(stored) && !store.replaceCredits(stored, next)) {
                continue; // another node changed it first: read again
            }
            l.generation = next.generation();
            l.remaining += take;
            l.refillAt = next.nextRefillAt().map(Instant::toEpochMilli).orElse(Long.MAX_VALUE);
            l.revalidate = false;
            if (covers(l, cost)) {
                l.remaining -= cost;
                l.emptyUntil = 0;
                return true;
            }
            l.emptyUntil = Math.min(now + RECHECK_MILLIS, l.refillAt);
            l.storeHeld = next.balance();
            return false;
        }
        throw new KeyStoreException("credits", "the credit balance kept changing under " + MAX_ATTEMPTS + " attempts to lease from it");
    }

    /** The account with a due refill applied (the balance set to the refill amount, a new generation). */
    static CreditAccount refilled(CreditAccount a, long now) {
        if (a.nextRefillAt().isEmpty() || now < a.nextRefillAt().get().toEpochMilli()) {
            return a;
        }
        CreditRefill r = a.refill();
        return new CreditAccount(a.id(), r.amount(), r, a.generation() + 1, r.nextAfter(Instant.ofEpochMilli(now)));
    }

    /** The account as it would be after a due refill, without writing it: what an operator is shown. */
    public static CreditAccount view(CreditAccount a, long now) {
        return refilled(a, now);
    }

    /** When the lease of {@code account} this node read was to be refilled, if the rule refills (no I/O). */
    public Optional<Instant> refillAt(String account) {
        Lease l = leases.get(account);
        if (l == null) {
            return Optional.empty();
        }
        synchronized (l) {
            return l.refillAt == Long.MAX_VALUE || l.refillAt == Long.MIN_VALUE ? Optional.empty()
                    : Optional.of(Instant.ofEpochMilli(l.refillAt));
        }
    }

    /** What this node holds of {@code account} and has not spent. */
    public long leasedHere(String account) {
        Lease l = leases.get(account);
        if (l == null) {
            return 0;
        }
        synchronized (l) {
            return l.remaining;
        }
    }

    /**
     * The account may have been set (here, or elsewhere: a change-feed event): check its generation
     * before spending more. A lease of an older generation is void then; one taken from the current
     * generation — by a request racing the set on this node — is kept, so no credit of the new
     * balance is lost.
     */
    public void revalidate(String account) {
        Lease l = leases.get(account);
        if (l != null) {
            synchronized (l) {
                l.revalidate = true;
                l.emptyUntil = 0;
            }
        }
    }

    /** Gives back what leases idle for {@value #IDLE_RETURN_MILLIS} ms did not spend, and forgets them. */
    public void returnIdle(long now) {
        for (Lease l : leases.values()) {
            synchronized (l) {
                if (!l.retired && now - l.lastUsed >= IDLE_RETURN_MILLIS) {
                    giveBack(l, now);
                }
            }
        }
    }

    /** Gives back everything leased and not spent (the manager's close). Failures are thrown after trying every lease. */
    public void returnAll(long now) {
        KeyStoreException failure = null;
        for (Lease l : leases.values()) {
            synchronized (l) {
                try {
                    giveBack(l, now);
                } catch (KeyStoreException e) {
                    if (failure == null) {
                        failure = e;
                    }
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Holds {@code l}'s lock. */
    private void giveBack(Lease l, long now) {
        try {
            for (int attempt = 0; attempt < MAX_ATTEMPTS && l.remaining > 0 && l.generation >= 0; attempt++) {
                Optional<CreditAccount> found = store.findCredits(l.account);
                if (found.isEmpty() || found.get().generation() != l.generation || refilled(found.get(), now) != found.get()) {
                    l.remaining = 0; // set or refilled since: nothing to give back to
                    break;
                }
                CreditAccount a = found.get();
                CreditAccount next = a.withBalance(Math.min(CreditRefill.MAX_CREDITS, a.balance() + l.remaining));
                if (store.replaceCredits(a, next)) {
                    l.remaining = 0;
                }
            }
        } finally {
            if (l.remaining == 0) {
                l.retired = true;
                leases.remove(l.account, l);
            }
        }
    }

    /** Accounts this node holds a lease of (for tests and stats). */
    public int accounts() {
        return leases.size();
    }
}
