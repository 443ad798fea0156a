package dev.keyvault.internal;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyQuery;
import dev.keyvault.KeyStatus;
import dev.keyvault.rotation.RiskClass;
import dev.keyvault.rotation.RotationDue.Urgency;
import dev.keyvault.rotation.RotationDue;
import dev.keyvault.rotation.RotationPolicy;
import dev.keyvault.spi.KeyStore;
import dev.keyvault.spi.StoredKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Finds active, unexpired keys that are due for rotation or will be within the warning window. */
public final class RotationDueScanner {
    private static final Duration DAY = Duration.ofDays(1);

    private RotationDueScanner() {}

    public static List<RotationDue> scan(KeyStore store, RotationPolicy policy, Instant at) {
        List<RotationDue> due = new ArrayList<>();
        for (StoredKey stored : Paging.all(store, KeyQuery.all().withStatus(KeyStatus.ACTIVE))) {
            ApiKey key = stored.key();
            if (key.isExpiredAt(at)) {
                continue; // it no longer verifies; there is nothing left to rotate
            }
            RiskClass risk = policy.classify(key);
            Instant dueAt = risk == RiskClass.COMPROMISED ? key.createdAt() : key.createdAt().plus(policy.cadence(risk));
            if (key.importedAt().isPresent() && key.importedAt().get().isBefore(dueAt)) {
                dueAt = key.importedAt().get(); // an imported key is due for rotation into keyvault's format at once
            }
            if (at.isBefore(dueAt.minus(policy.warningWindow()))) {
                continue;
            }
            Urgency urgency = at.isBefore(dueAt) ? Urgency.UPCOMING : at.isBefore(dueAt.plus(DAY)) ? Urgency.DUE : Urgency.OVERDUE;
            due.add(new RotationDue(key, risk, dueAt, urgency, reason(key, risk, policy, dueAt, at)));
        }
        due.sort(Comparator.comparing(RotationDue::dueAt).thenComparing(d -> d.key().id()));
        return due;
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
        return why + ": rotate every " + policy.cadence(risk).toDays() + " days; issued " + key.createdAt()
                + ", " + when + (risk == RiskClass.FULL_ACCESS ? "; it " + RotationDue.FULL_ACCESS_ADVICE : "");
    }
}
