package dev.keyvault.console.internal;

import dev.keyvault.ApiKey;
import dev.keyvault.CreditBalance;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyManager;
import dev.keyvault.KeyStatus;
import dev.keyvault.rotation.ComplianceReport;
import dev.keyvault.rotation.RevokeAllResult;
import dev.keyvault.rotation.RotationDue;
import dev.keyvault.rotation.RotationStatus;
import dev.keyvault.rotation.UsageAudit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The JSON the API answers, one record per schema of the OpenAPI description
 * ({@code openapi.json}, whose tests check real responses against it). Absent values are
 * {@code null}; lists are never null. Nothing here holds a token except {@link Issued},
 * {@link Rotated} and {@link Emergency}, the three answers that show one once.
 */
public final class Views {
    private Views() {}

    // ------------------------------------------------------------------------------------- keys

    /**
     * A key: everything but its secret. {@code ipAllowlist} is empty when any address may use it;
     * {@code credits} is null when it has no usage credits.
     */
    public record Key(String id, String hint, String prefix, String owner, String name, List<String> scopes, String tier,
            String environment, List<String> tags, String riskClass, String status, boolean expired, boolean compromised,
            boolean imported, Instant createdAt, Instant expiresAt, Instant lastUsedAt, String predecessorId,
            String successorId, String rotation, Revocation revocation, List<String> ipAllowlist, Map<String, String> metadata,
            Credits credits) {}

    public record Revocation(Instant at, String reason, String actor) {}

    /**
     * The usage credits of a key's rotation chain, as {@code keyvault keys show} prints them.
     *
     * @param account      the balance's id: the key that was given the credits (successors share it)
     * @param inStore      credits no node holds, after any refill that is due
     * @param leasedHere   credits this server has leased and not spent (other servers may hold more)
     * @param refill       {@code none}, {@code daily@HH:MM:AMOUNT} (UTC) or {@code monthly@DAY:AMOUNT}
     * @param nextRefillAt the next refill, null without one
     */
    public record Credits(String account, long inStore, long leasedHere, String refill, Instant nextRefillAt) {}

    /**
     * Renders the keys of one response. A key with credits costs a read of its balance through
     * {@link KeyManager#credits}; keys of one rotation chain share a balance, which is read once.
     * Not thread-safe: one per request.
     */
    public static final class Keys {
        private final KeyManager keys;
        private final Map<String, Optional<Credits>> byAccount = new HashMap<>();

        public Keys(KeyManager keys) {
            this.keys = keys;
        }

        public Key key(ApiKey k, Instant now) {
            return new Key(k.id(), k.hint(), k.prefix(), k.owner(), k.name(), List.copyOf(k.scopes()), k.tier(), k.environment(),
                    List.copyOf(k.tags()), k.riskClass().map(Enum::name).orElse(null), k.status().name(), k.isExpiredAt(now),
                    k.compromised(), k.isImported(), k.createdAt(), k.expiresAt().orElse(null), k.lastUsedAt().orElse(null),
                    k.predecessorId().orElse(null), k.successorId().orElse(null), rotation(k),
                    k.revocation().map(r -> new Revocation(r.at(), r.reason(), r.actor())).orElse(null),
                    k.ipAllowlist().ranges(), k.metadata(), credits(k));
        }

        public List<Key> keys(List<ApiKey> list, Instant now) {
            List<Key> out = new ArrayList<>(list.size());
            for (ApiKey k : list) {
                out.add(key(k, now));
            }
            return out;
        }

        private Credits credits(ApiKey k) {
            Optional<String> account = k.creditAccount();
            if (account.isEmpty()) {
                return null;
            }
            // the key was just read, so its balance is normally there; a key changed meanwhile shows what the store holds now
            return byAccount.computeIfAbsent(account.get(), a -> keys.credits(k.id()).map(Views::credits)).orElse(null);
        }
    }

    static Credits credits(CreditBalance c) {
        return new Credits(c.account(), c.inStore(), c.leasedHere(), c.refill().encode(), c.nextRefillAt().orElse(null));
    }

    /**
     * The key's part in a rotation, from its own links: {@code WINDOW_OPEN} (an old key whose
     * successor exists and which still verifies), {@code REPLACED} (an old key, revoked),
     * {@code SUCCESSOR} (issued by a rotation), {@code NONE}.
     */
    static String rotation(ApiKey k) {
        if (k.successorId().isPresent()) {
            return k.status() == KeyStatus.ACTIVE ? "WINDOW_OPEN" : "REPLACED";
        }
        return k.predecessorId().isPresent() ? "SUCCESSOR" : "NONE";
    }

    /** One page of keys; {@code next} is the {@code after} of the next page, null on the last. */
    public record KeyPage(Instant asOf, List<Key> items, String next) {}

    /** A key with what its history says about a leak. */
    public record KeyDetail(Instant asOf, Key key, Leak leak) {}

    /**
     * What is known of a leak of the key.
     *
     * @param recordedAs the history entry it was read from: {@code LEAK_REPORTED}, {@code COMPROMISED} or {@code REVOKED}
     * @param reportUrl  the report's address, if the entry holds an http(s) URL
     * @param source     who reported it, if the entry says
     * @param detail     the entry's text
     */
    public record Leak(Instant at, String recordedAs, String reportUrl, String source, String detail) {}

    public record History(String keyId, List<Event> events) {}

    public record Event(Instant at, String type, String actor, String detail) {}

    public static History history(String keyId, List<KeyEvent> events) {
        List<Event> out = new ArrayList<>(events.size());
        for (KeyEvent e : events) {
            out.add(new Event(e.at(), e.type().name(), e.actor(), e.detail()));
        }
        return new History(keyId, out);
    }

    // ----------------------------------------------------------------------------------- session

    public record Session(User user, boolean operator, List<String> owners, Csrf csrf, Instant asOf, Duration quietPeriod,
            String keyPrefix, int pageSize) {}

    public record User(String id, String displayName) {}

    public record Csrf(String header, String token) {}

    public record Catalogue(String owner, List<Scope> scopes, List<String> tiers, List<String> environments) {}

    public record Scope(String name, String description) {}

    // ------------------------------------------------------------------------------ token answers

    /** The answer to creating a key: the only response that ever holds its token. */
    public record Issued(Key key, String token) {
        @Override
        public String toString() {
            return "Issued[" + key.hint() + "]";
        }
    }

    /** The answer to a rotation: the new key and its token, shown once. */
    public record Rotated(Key predecessor, Key key, String token) {
        @Override
        public String toString() {
            return "Rotated[" + key.hint() + "]";
        }
    }

    // ---------------------------------------------------------------------------------- rotation

    public record Rotation(Key predecessor, Key successor, Instant asOf, Instant rotatedAt, String state, boolean safeToRevoke,
            Instant oldKeyQuietSince, Duration oldKeyQuietFor, Duration quietPeriod, Duration quietRemaining, Instant deadline,
            List<Client> clients, Chart chart) {}

    public record Client(String client, List<String> clientIps, long requestsOnOldKey, Instant firstSeenOnOldKey,
            Instant lastSeenOnOldKey, long requestsAfterRevocation, Instant firstSeenOnSuccessor, boolean migrated,
            boolean blocking) {}

    public record Chart(Instant from, Instant to, List<Hour> hours) {}

    public record Hour(Instant hour, long oldKey, long newKey) {}

    public static List<Client> clients(List<RotationStatus.ClientMigration> clients, Set<String> blocking) {
        List<Client> out = new ArrayList<>(clients.size());
        for (RotationStatus.ClientMigration c : clients) {
            out.add(new Client(c.client(), List.copyOf(c.clientIps()), c.requestsOnOldKey(), c.firstSeenOnOldKey(),
                    c.lastSeenOnOldKey(), c.requestsAfterRevocation(), c.firstSeenOnSuccessor().orElse(null), c.migrated(),
                    blocking.contains(c.client())));
        }
        return out;
    }

    public record Completion(String outcome, boolean revoked, String state, List<String> reasons, List<Client> blockingClients) {}

    public record Revoked(String outcome, Key key) {}

    // ---------------------------------------------------------------------------------- operator

    public record DuePage(Instant asOf, DueCounts counts, List<Due> items, String next) {}

    public record DueCounts(int overdue, int due, int upcoming) {}

    public record Due(Key key, String riskClass, Instant dueAt, String urgency, String reason, String advice,
            boolean rotationInProgress) {}

    public static Due due(Keys views, RotationDue d, Instant now) {
        return new Due(views.key(d.key(), now), d.riskClass().name(), d.dueAt(), d.urgency().name(), d.reason(),
                d.advice().orElse(null), d.rotationInProgress());
    }

    public record Compliance(Instant asOf, Duration maxAge, Filter filter, boolean compliant, int keysChecked,
            List<Finding> findings, List<Key> withoutEnvironment) {}

    public record Filter(String owner, String environment, String tag) {}

    public record Finding(Key key, Duration age, String riskClass, List<String> issues, boolean rotationInProgress,
            List<String> recommendations) {}

    public static Compliance compliance(Keys views, ComplianceReport r) {
        List<Finding> findings = new ArrayList<>();
        for (ComplianceReport.Finding f : r.findings()) {
            findings.add(new Finding(views.key(f.key(), r.asOf()), f.age(), f.riskClass().name(),
                    f.issues().stream().map(Enum::name).sorted().toList(), f.rotationInProgress().isPresent(),
                    f.recommendations()));
        }
        return new Compliance(r.asOf(), r.maxAge(), new Filter(r.filter().owner().orElse(null),
                r.filter().environment().orElse(null), r.filter().tag().orElse(null)), r.compliant(), r.keysChecked(),
                findings, views.keys(r.withoutEnvironment(), r.asOf()));
    }

    /** The answer to an emergency rotation: the leaked key revoked, its replacement (token shown once if new), the audit. */
    public record Emergency(String revocationOutcome, Key revoked, Key replacement, boolean newReplacement, String token,
            Audit audit, String auditFailure) {
        @Override
        public String toString() {
            return "Emergency[" + replacement.hint() + "]";
        }
    }

    public record Audit(Key key, Instant from, Instant to, long totalRequests, double baselinePerHour, long refusedForScope,
            long requestsAfterRevocation, List<AuditHour> hours, List<Endpoint> endpoints, List<ClientIp> clientIps,
            List<String> newClientIps, List<LateUse> afterRevocation) {}

    public record AuditHour(Instant hour, long requests, boolean spike) {}

    public record Endpoint(String method, String endpoint, long requests, long refusedForScope, long unauthorized,
            Instant firstSeen, Instant lastSeen) {}

    public record ClientIp(String clientIp, long requests, Instant firstSeen, Instant lastSeen, List<String> userAgents,
            List<String> consumers, boolean newInWindow) {}

    public record LateUse(String client, String clientIp, long requests, Instant firstSeen, Instant lastSeen,
            List<String> endpoints) {}

    public static Audit audit(Keys views, UsageAudit a, Instant now) {
        Set<Instant> spikes = new java.util.HashSet<>();
        a.spikes().forEach(s -> spikes.add(s.hour()));
        java.util.Map<Instant, Long> byHour = new java.util.HashMap<>();
        a.hourly().forEach(h -> byHour.put(h.hour(), h.requests()));
        List<AuditHour> hours = new ArrayList<>();
        for (Instant h = Hours.floor(a.from()); h.isBefore(a.to()); h = h.plus(Duration.ofHours(1))) {
            hours.add(new AuditHour(h, byHour.getOrDefault(h, 0L), spikes.contains(h)));
        }
        List<Endpoint> endpoints = new ArrayList<>();
        for (UsageAudit.EndpointUsage e : a.endpoints()) {
            endpoints.add(new Endpoint(e.method(), e.endpoint(), e.requests(), e.refusedForScope(), e.unauthorized(),
                    e.firstSeen(), e.lastSeen()));
        }
        List<ClientIp> ips = new ArrayList<>();
        for (UsageAudit.ClientIpUsage c : a.clientIps()) {
            ips.add(new ClientIp(c.clientIp(), c.requests(), c.firstSeen(), c.lastSeen(), List.copyOf(c.userAgents()),
                    List.copyOf(c.consumers()), c.newInWindow()));
        }
        List<LateUse> late = new ArrayList<>();
        for (UsageAudit.LateUse l : a.afterRevocation()) {
            late.add(new LateUse(l.client(), l.clientIp(), l.requests(), l.firstSeen(), l.lastSeen(), List.copyOf(l.endpoints())));
        }
        return new Audit(views.key(a.key(), now), a.from(), a.to(), a.totalRequests(), a.baselinePerHour(), a.refusedForScope(),
                a.requestsAfterRevocation(), hours, endpoints, ips,
                a.newClientIps().stream().map(UsageAudit.ClientIpUsage::clientIp).toList(), late);
    }

    public record RevokeAll(boolean dryRun, Selector selector, String reason, int selected, int revoked, int failed,
            List<RevokeEntry> entries) {}

    public record Selector(String owner, String tag, String environment) {}

    public record RevokeEntry(Key key, String outcome, String failure) {}

    public static RevokeAll revokeAll(Keys views, RevokeAllResult r, String reason, Instant now) {
        List<RevokeEntry> entries = new ArrayList<>();
        for (RevokeAllResult.Entry e : r.entries()) {
            entries.add(new RevokeEntry(views.key(e.key(), now), e.outcome().name(), e.failure().orElse(null)));
        }
        return new RevokeAll(r.dryRun(), new Selector(r.selector().owner().orElse(null), r.selector().tag().orElse(null),
                r.selector().environment().orElse(null)), reason, r.entries().size(), r.revokedCount(),
                r.with(RevokeAllResult.Outcome.FAILED).size(), entries);
    }
}
