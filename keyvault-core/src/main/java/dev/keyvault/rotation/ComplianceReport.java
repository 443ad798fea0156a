package dev.keyvault.rotation;

import static java.util.Objects.requireNonNull;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whether every selected key was created or rotated recently enough, from
 * {@link dev.keyvault.rotation.RotationWorkflows#complianceReport(Duration, KeyQuery)} — for example "every production key
 * rotated within 90 days", proven from the store: a rotation issues a new key, so a key's
 * {@link ApiKey#createdAt()} is the date its credential was last rotated, and the
 * predecessor/successor links and histories show the chain.
 *
 * <p>Only keys that still authenticate are judged: active and not expired at {@code asOf}. Each
 * finding names the key (id, owner, name), its age and risk class. Besides keys that are too old, a
 * full-access key is flagged with the recommendation to replace it by narrower keys, and a key
 * marked compromised but still active is flagged to be revoked; those flags do not make the report
 * non-compliant by themselves. Immutable and thread-safe.
 *
 * @param asOf        when the report was made
 * @param maxAge      the largest age a compliant key may have
 * @param filter      the selection (owner, environment, tag) the report covers
 * @param keysChecked how many active, unexpired keys matched the filter
 * @param findings    every key that fails or is flagged, oldest first
 * @param withoutEnvironment when the filter names an environment: the active keys of the same owner
 *                    and tag issued without any ({@code KeySpec.NO_ENVIRONMENT}), which no
 *                    environment's report judges — assign them one, or replace them; empty otherwise
 */
public record ComplianceReport(Instant asOf, Duration maxAge, KeyQuery filter, int keysChecked, List<Finding> findings,
        List<ApiKey> withoutEnvironment) {

    /** What is wrong with a key. */
    public enum Issue {
        /** Created or rotated longer ago than the maximum age: the report fails. */
        TOO_OLD,
        /** Grants everything: replace it by keys with narrower scopes. */
        FULL_ACCESS,
        /** Marked compromised but still active: revoke it now. */
        COMPROMISED,
        /** Imported from the system keyvault replaced and not rotated into keyvault's format yet: rotate it. */
        IMPORTED
    }

    public ComplianceReport {
        requireNonNull(asOf, "asOf");
        positive("maxAge", maxAge);
        requireNonNull(filter, "filter");
        if (keysChecked < 0) {
            throw new IllegalArgumentException("keysChecked must not be negative");
        }
        findings = List.copyOf(requireNonNull(findings, "findings"));
        withoutEnvironment = List.copyOf(requireNonNull(withoutEnvironment, "withoutEnvironment"));
    }

    /** {@code true} if no selected key is older than {@link #maxAge()}. */
    public boolean compliant() {
        return failing().isEmpty();
    }

    /** The findings that make the report fail: keys too old. */
    public List<Finding> failing() {
        return with(Issue.TOO_OLD);
    }

    /** The findings with {@code issue}. */
    public List<Finding> with(Issue issue) {
        requireNonNull(issue, "issue");
        List<Finding> out = new ArrayList<>();
        for (Finding f : findings) {
            if (f.issues().contains(issue)) {
                out.add(f);
            }
        }
        return List.copyOf(out);
    }

    /**
     * One key that fails or is flagged.
     *
     * @param key                 the key (id, owner, name, scopes, …)
     * @param age                 time since it was created or last rotated
     * @param riskClass           its risk class under the manager's rotation policy
     * @param issues              what is wrong (at least one)
     * @param rotationInProgress  the id of its active successor, if a rotation has started: completing
     *                            that rotation fixes {@code TOO_OLD}
     * @param recommendations     what to do, one sentence per issue
     */
    public record Finding(ApiKey key, Duration age, RiskClass riskClass, Set<Issue> issues,
            Optional<String> rotationInProgress, List<String> recommendations) {
        public Finding {
            requireNonNull(key, "key");
            requireNonNull(age, "age");
            requireNonNull(riskClass, "riskClass");
            requireNonNull(issues, "issues");
            if (issues.isEmpty()) {
                throw new IllegalArgumentException("a finding has at least one issue");
            }
            issues = Collections.unmodifiableSet(EnumSet.copyOf(issues));
            requireNonNull(rotationInProgress, "rotationInProgress");
            recommendations = List.copyOf(requireNonNull(recommendations, "recommendations"));
        }

        /** The key's owner. */
        public String owner() {
            return key.owner();
        }
    }

    private static void positive(String what, java.time.Duration value) {
        requireNonNull(value, what);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + value);
        }
    }
}
