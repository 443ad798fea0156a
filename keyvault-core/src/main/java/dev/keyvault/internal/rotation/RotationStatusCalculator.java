package dev.keyvault.internal.rotation;

import dev.keyvault.ApiKey;
import dev.keyvault.Revocation;
import dev.keyvault.UsageRollup;
import dev.keyvault.rotation.RotationStatus.ClientMigration;
import dev.keyvault.rotation.RotationStatus.State;
import dev.keyvault.rotation.RotationStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** Computes a {@link RotationStatus} from the two keys and their usage since the rotation. */
public final class RotationStatusCalculator {
    private RotationStatusCalculator() {}

    /**
     * @param old         the predecessor as stored now
     * @param successor   its linked successor as stored now
     * @param oldUsage    the old key's rollups from the rotation's minute on
     * @param newUsage    the successor's rollups from the rotation's minute on
     * @param lostUsage   the latest request this node dropped without knowing its key, if any: the
     *                    old key may have been used then ({@code old.lastUsedAt()} covers the drops
     *                    that could be attributed)
     * @param asOf        now
     * @param quietPeriod how long the old key must be quiet
     */
    public static RotationStatus compute(ApiKey old, ApiKey successor, List<UsageRollup> oldUsage,
            List<UsageRollup> newUsage, Optional<Instant> lostUsage, Instant asOf, Duration quietPeriod) {
        Instant rotatedAt = successor.createdAt();
        Optional<Instant> revokedAt = old.revocation().map(Revocation::at);

        Map<String, Instant> firstOnNew = new HashMap<>();
        for (UsageRollup r : newUsage) {
            firstOnNew.merge(r.client(), r.firstSeen(), UsageRules::min);
        }

        Map<String, Acc> byClient = new LinkedHashMap<>();
        Instant quietSince = rotatedAt;
        for (UsageRollup r : oldUsage) {
            if (r.lastSeen().isBefore(rotatedAt)) {
                continue; // the rotation's own minute also holds requests made before it
            }
            Acc acc = byClient.computeIfAbsent(r.client(), k -> new Acc());
            acc.add(r, revokedAt.map(at -> UsageRules.afterRevocation(r, at)).orElse(false));
            quietSince = UsageRules.max(quietSince, r.lastSeen());
        }
        if (old.lastUsedAt().isPresent()) {
            // includes requests whose rollups were dropped: their last use is recorded all the same
            quietSince = UsageRules.max(quietSince, old.lastUsedAt().get());
        }
        if (lostUsage.isPresent()) {
            quietSince = UsageRules.max(quietSince, lostUsage.get());
        }

        List<ClientMigration> clients = new ArrayList<>(byClient.size());
        for (Map.Entry<String, Acc> e : byClient.entrySet()) {
            Acc a = e.getValue();
            clients.add(new ClientMigration(e.getKey(), a.ips, a.requests, a.first, a.last, a.afterRevocation,
                    Optional.ofNullable(firstOnNew.get(e.getKey()))));
        }
        clients.sort(Comparator.comparing(ClientMigration::migrated)
                .thenComparing(ClientMigration::lastSeenOnOldKey, Comparator.reverseOrder())
                .thenComparing(ClientMigration::client));

        State state;
        if (!old.isActive()) {
            state = State.COMPLETED;
        } else if (!successor.isActive()) {
            state = State.ABANDONED;
        } else if (old.isExpiredAt(asOf)) {
            state = State.DEADLINE_PASSED;
        } else if (successor.lastUsedAt().isPresent() && !quietSince.plus(quietPeriod).isAfter(asOf)) {
            state = State.SAFE_TO_COMPLETE;
        } else {
            state = State.OPEN;
        }
        boolean safe = state == State.SAFE_TO_COMPLETE || state == State.DEADLINE_PASSED;
        return new RotationStatus(old, successor, asOf, state, clients, quietSince, quietPeriod, safe, old.expiresAt());
    }

    private static final class Acc {
        final TreeSet<String> ips = new TreeSet<>();
        long requests;
        long afterRevocation;
        Instant first;
        Instant last;

        void add(UsageRollup r, boolean late) {
            ips.add(r.clientIp());
            requests += r.count();
            if (late) {
                afterRevocation += r.count();
            }
            first = first == null ? r.firstSeen() : UsageRules.min(first, r.firstSeen());
            last = last == null ? r.lastSeen() : UsageRules.max(last, r.lastSeen());
        }
    }
}
