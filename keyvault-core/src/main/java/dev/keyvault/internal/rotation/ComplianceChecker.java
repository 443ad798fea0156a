package dev.keyvault.internal.rotation;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyQuery;
import dev.keyvault.rotation.ComplianceReport.Finding;
import dev.keyvault.rotation.ComplianceReport.Issue;
import dev.keyvault.rotation.ComplianceReport;
import dev.keyvault.rotation.RiskClass;
import dev.keyvault.rotation.RotationPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Judges keys against a maximum age; the rules are documented on {@link ComplianceReport}. */
public final class ComplianceChecker {
    private ComplianceChecker() {}

    /**
     * @param candidates    the keys matching the filter (any status; only active, unexpired ones are judged)
     * @param findActiveKey looks up a key by id if it is active (for rotations in progress)
     * @param withoutEnvironment active keys issued without an environment, when the filter names one
     */
    public static ComplianceReport check(List<ApiKey> candidates, RotationPolicy policy, Duration maxAge, KeyQuery filter,
            Instant asOf, Function<String, Optional<ApiKey>> findActiveKey, List<ApiKey> withoutEnvironment) {
        int checked = 0;
        List<Finding> findings = new ArrayList<>();
        for (ApiKey key : candidates) {
            if (!key.isActive() || key.isExpiredAt(asOf)) {
                continue;
            }
            checked++;
            Duration age = Duration.between(key.createdAt(), asOf);
            RiskClass risk = policy.classify(key);
            RiskClass byScopes = key.riskClass().orElseGet(() -> policy.classifier().classify(key.scopes()));
            Optional<String> inProgress = key.successorId().flatMap(findActiveKey).map(ApiKey::id);

            EnumSet<Issue> issues = EnumSet.noneOf(Issue.class);
            List<String> advice = new ArrayList<>();
            if (age.compareTo(maxAge) > 0) {
                issues.add(Issue.TOO_OLD);
                advice.add(inProgress.isPresent()
                        ? "created " + Texts.human(age) + " ago (max " + Texts.human(maxAge) + "); its rotation to "
                                + inProgress.get() + " is in progress: complete it (rotation().complete) to comply"
                        : "created " + Texts.human(age) + " ago (max " + Texts.human(maxAge)
                                + "): rotate it, move its consumers to the successor, then revoke it");
            }
            if (byScopes == RiskClass.FULL_ACCESS) {
                issues.add(Issue.FULL_ACCESS);
                advice.add("grants full access " + key.scopes()
                        + ": replace it by narrower keys, each with only the scopes its consumer needs, then revoke it");
            }
            if (key.isImported()) {
                issues.add(Issue.IMPORTED);
                advice.add(inProgress.isPresent()
                        ? "imported from the previous system; its rotation to " + inProgress.get() + " is in progress: complete it"
                        : "imported from the previous system: rotate it into keyvault's format, move its consumers off the old token,"
                                + " then revoke it");
            }
            if (key.compromised()) {
                issues.add(Issue.COMPROMISED);
                advice.add("marked compromised but still active: revoke it now (rotation().emergencyRotate)");
            }
            if (!issues.isEmpty()) {
                findings.add(new Finding(key, age, risk, issues, inProgress, advice));
            }
        }
        findings.sort(Comparator.comparing((Finding f) -> f.key().createdAt()).thenComparing(f -> f.key().id()));
        List<ApiKey> unassigned = withoutEnvironment.stream().filter(k -> !k.isExpiredAt(asOf)).toList();
        return new ComplianceReport(asOf, maxAge, filter, checked, findings, unassigned);
    }
}
