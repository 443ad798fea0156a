package dev.keyvault.internal;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyQuery;
import dev.keyvault.rotation.RiskClass;
import dev.keyvault.rotation.RotationDue.Urgency;
import dev.keyvault.rotation.RotationDue;
import dev.keyvault.rotation.RotationDueCounts;
import dev.keyvault.rotation.RotationDuePage;
import dev.keyvault.rotation.RotationDueQuery;
import dev.keyvault.rotation.RotationPolicy;
import dev.keyvault.spi.DueQuery;
import dev.keyvault.spi.KeyStore;
import dev.keyvault.spi.StoredKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Lists the keys due for rotation from their stored due dates ({@link KeyStore#listRotationDue}, an
 * index range scan), and turns each into a {@link RotationDue} with its urgency and the reason an
 * operator can act on. Stateless.
 */
public final class RotationDueScanner {
    private static final Duration DAY = Duration.ofDays(1);
    private static final int PAGE = 1_000;

    private RotationDueScanner() {}

    /** One page. */
    public static RotationDuePage page(KeyStore store, RotationPolicy policy, RotationDueQuery q) {
        Instant dueBy = q.dueBy().orElseGet(() -> q.asOf().plus(policy.warningWindow()));
        List<StoredKey> found = store.listRotationDue(new DueQuery(dueBy, q.asOf(), q.filter(), q.afterDueAt(), q.afterId(), q.limit()));
        List<RotationDue> entries = new ArrayList<>(found.size());
        for (StoredKey s : found) {
            entries.add(entry(s, policy, q.asOf()));
        }
        Optional<RotationDueQuery> next = found.size() < q.limit() ? Optional.empty()
                : Optional.of(q.after(entries.get(entries.size() - 1)));
        return new RotationDuePage(entries, next);
    }

    /** The counts per urgency of every page of {@code q} (its cursor and limit are not used): one pass over the index range. */
    public static RotationDueCounts counts(KeyStore store, RotationPolicy policy, RotationDueQuery q) {
        Instant dueBy = q.dueBy().orElseGet(() -> q.asOf().plus(policy.warningWindow()));
        Instant last = dueBy.isBefore(q.asOf()) ? q.asOf() : dueBy;
        // overdue: due at or before asOf - 1 day; due: up to asOf; upcoming: up to dueBy (the urgency rules of entry())
        List<Long> c = store.countRotationDue(new DueQuery(last, q.asOf(), q.filter(), Optional.empty(), Optional.empty(), 1),
                List.of(q.asOf().minus(DAY), q.asOf(), last));
        long overdue = c.get(0);
        long dueNow = Math.max(0, c.get(1) - overdue);
        return new RotationDueCounts(q.asOf(), overdue, dueNow, Math.max(0, c.get(2) - overdue - dueNow));
    }

    /** Every key due at {@code at} or within the warning window, matching {@code filter}, soonest first. */
    public static List<RotationDue> all(KeyStore store, RotationPolicy policy, Instant at, KeyQuery filter) {
        List<RotationDue> due = new ArrayList<>();
        RotationDueQuery q = RotationDueQuery.asOf(at).withFilter(filter).withLimit(PAGE);
        for (;;) {
            RotationDuePage page = page(store, policy, q);
            due.addAll(page.entries());
            if (page.next().isEmpty()) {
                return due;
            }
            q = page.next().get();
        }
    }

    static RotationDue entry(StoredKey stored, RotationPolicy policy, Instant at) {
        ApiKey key = stored.key();
        RiskClass risk = policy.classify(key);
        Instant dueAt = stored.rotation().orElseThrow().dueAt();
        Urgency urgency = at.isBefore(dueAt) ? Urgency.UPCOMING : at.isBefore(dueAt.plus(DAY)) ? Urgency.DUE : Urgency.OVERDUE;
        return new RotationDue(key, risk, dueAt, urgency, reason(key, risk, policy, dueAt, at));
    }

    private static String reason(ApiKey key, RiskClass risk, RotationPolicy policy, Instant dueAt, Instant at) {
        if (risk == RiskClass.COMPROMISED) {
            return "marked compromised: replace it now and revoke it";
        }
        if (key.importedAt().isPresent() && !dueAt.isAfter(key.importedAt().get())) {
            return "imported from the previous system on " + key.importedAt().get() + ": rotate it into keyvault's format"
                    + " (rotate, then watch rotation().status for the consumers still sending the old token)";
        }
        String why = key.riskClass().isPresent()
                ? "risk class " + risk + " (set at issue)"
                : risk + " by its scopes " + key.scopes();
        long days = Duration.between(at, dueAt).toDays();
        String when = days > 0 ? "due in " + days + " days" : days < 0 ? (-days) + " days overdue" : "due today";
        return why + ": rotate every " + Duration.between(key.createdAt(), dueAt).toDays() + " days; issued " + key.createdAt()
                + ", " + when + (risk == RiskClass.FULL_ACCESS ? "; it " + RotationDue.FULL_ACCESS_ADVICE : "");
    }
}
