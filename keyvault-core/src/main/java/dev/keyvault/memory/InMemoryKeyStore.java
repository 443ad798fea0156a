package dev.keyvault.memory;

import static java.util.Objects.requireNonNull;

import dev.keyvault.ApiKey;
import dev.keyvault.DuplicateKeyException.Conflict;
import dev.keyvault.DuplicateKeyException;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyQuery;
import dev.keyvault.Revocation;
import dev.keyvault.Syntax;
import dev.keyvault.UsageRollup;
import dev.keyvault.spi.ChangePage;
import dev.keyvault.spi.CreditAccount;
import dev.keyvault.spi.DueQuery;
import dev.keyvault.spi.KeyChange;
import dev.keyvault.spi.KeyStore;
import dev.keyvault.spi.PredecessorCondition;
import dev.keyvault.spi.Restamp;
import dev.keyvault.spi.RevokeOutcome;
import dev.keyvault.spi.RotationStamp;
import dev.keyvault.spi.StoredKey;
import dev.keyvault.spi.UsageBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * The reference {@link KeyStore}: everything in memory, lost when the process ends. For unit tests
 * (several managers sharing one instance behave like nodes sharing a database) and for
 * single-process tools. Thread-safe: reads of keys are lock-free, every write holds one lock, so each
 * SPI call is atomic.
 */
public final class InMemoryKeyStore implements KeyStore {
    private final Object lock = new Object();
    private final ConcurrentHashMap<String, StoredKey> keys = new ConcurrentHashMap<>();
    private final Map<String, String> activeNames = new HashMap<>();
    /** Legacy lookup and import reference to key id, for imported keys; written under {@link #lock}. */
    private final ConcurrentHashMap<String, String> legacyLookups = new ConcurrentHashMap<>();
    private final Map<String, String> importRefs = new HashMap<>();
    private final Map<String, List<KeyEvent>> history = new HashMap<>();
    private final TreeMap<Long, KeyChange> feed = new TreeMap<>();
    private final Map<RollupId, UsageRollup> usage = new HashMap<>();
    /** Rollups whose client address has been through {@link #truncateUsageAddresses}. */
    private final Set<RollupId> truncated = new HashSet<>();
    private final Map<String, CreditAccount> credits = new HashMap<>();
    private final List<Runnable> subscribers = new CopyOnWriteArrayList<>();
    private long sequence;
    private long prunedThrough;

    private InMemoryKeyStore() {}

    public static InMemoryKeyStore create() {
        return new InMemoryKeyStore();
    }

    @Override
    public void insert(StoredKey key, Optional<CreditAccount> account, KeyEvent issued) {
        requireNonNull(key, "key");
        requireNonNull(account, "credits");
        requireNonNull(issued, "issued");
        requireActive(key);
        synchronized (lock) {
            checkInsertable(key);
            put(key.withRevision(0));
            account.ifPresent(a -> credits.put(a.id(), a));
            append(List.of(issued));
        }
        notifySubscribers();
    }

    @Override
    public boolean insertSuccessor(String predecessorId, Optional<String> expectedSuccessor, StoredKey successor,
            Optional<Instant> predecessorExpiresAt, List<KeyEvent> events,
            PredecessorCondition condition) {
        Syntax.keyId(predecessorId);
        requireNonNull(expectedSuccessor, "expectedSuccessor");
        requireNonNull(successor, "successor");
        requireNonNull(predecessorExpiresAt, "predecessorExpiresAt");
        requireNonNull(events, "events");
        requireNonNull(condition, "condition");
        requireActive(successor);
        if (!successor.key().predecessorId().equals(Optional.of(predecessorId))) {
            throw new IllegalArgumentException("the successor must name its predecessor");
        }
        synchronized (lock) {
            StoredKey old = keys.get(predecessorId);
            if (old == null || !old.key().successorId().equals(expectedSuccessor)
                    || (condition == PredecessorCondition.MUST_BE_ACTIVE && !old.key().isActive())) {
                return false;
            }
            checkInsertable(successor);
            Optional<Instant> expiry = earlier(old.key().expiresAt(), predecessorExpiresAt);
            put(old.withKey(old.key().withSuccessor(successor.id(), expiry)).withRevision(old.revision() + 1));
            put(successor.withRevision(0));
            append(events);
        }
        notifySubscribers();
        return true;
    }

    @Override
    public Optional<StoredKey> find(String keyId) {
        return Optional.ofNullable(keys.get(Syntax.keyId(keyId)));
    }

    @Override
    public Optional<StoredKey> findByLegacyLookup(String lookup) {
        requireNonNull(lookup, "lookup");
        String id = legacyLookups.get(lookup);
        return id == null ? Optional.empty() : Optional.ofNullable(keys.get(id));
    }

    @Override
    public List<StoredKey> list(KeyQuery query) {
        requireNonNull(query, "query");
        return keys.values().stream()
                .filter(s -> query.matches(s.key()))
                .filter(s -> query.afterId().map(after -> s.id().compareTo(after) > 0).orElse(true))
                .sorted(Comparator.comparing(StoredKey::id))
                .limit(query.limit())
                .toList();
    }

    @Override
    public RevokeOutcome revoke(String keyId, Revocation revocation, boolean compromised, List<KeyEvent> events) {
        Syntax.keyId(keyId);
        requireNonNull(revocation, "revocation");
        requireNonNull(events, "events");
        synchronized (lock) {
            StoredKey s = keys.get(keyId);
            if (s == null) {
                return RevokeOutcome.NOT_FOUND;
            }
            if (!s.key().isActive()) {
                return RevokeOutcome.ALREADY_REVOKED;
            }
            put(s.withKey(s.key().withRevocation(revocation, compromised || s.key().compromised()))
                    .withRotation(Optional.empty()).withRevision(s.revision() + 1));
            append(events);
        }
        notifySubscribers();
        return RevokeOutcome.REVOKED;
    }

    @Override
    public boolean markCompromised(String keyId, KeyEvent event) {
        Syntax.keyId(keyId);
        requireNonNull(event, "event");
        synchronized (lock) {
            StoredKey s = keys.get(keyId);
            if (s == null || s.key().compromised()) {
                return false;
            }
            ApiKey k = s.key();
            put(s.withKey(k.withCompromised())
                    .withRotation(s.rotation().map(r -> new RotationStamp(k.createdAt(), r.policy())))
                    .withRevision(s.revision() + 1));
            append(List.of(event));
        }
        notifySubscribers();
        return true;
    }

    @Override
    public boolean shortenExpiry(String keyId, Instant expiresAt, KeyEvent event) {
        Syntax.keyId(keyId);
        requireNonNull(expiresAt, "expiresAt");
        requireNonNull(event, "event");
        boolean changed;
        synchronized (lock) {
            StoredKey s = keys.get(keyId);
            if (s == null) {
                return false;
            }
            ApiKey k = s.key();
            changed = k.expiresAt().map(e -> expiresAt.isBefore(e)).orElse(true);
            if (changed) {
                put(s.withKey(k.toBuilder().expiresAt(Optional.of(expiresAt)).build()).withRevision(s.revision() + 1));
                append(List.of(event));
            }
        }
        if (changed) {
            notifySubscribers();
        }
        return true;
    }

    @Override
    public boolean replaceHash(String keyId, String expectedHash, String newHash, KeyEvent event) {
        Syntax.keyId(keyId);
        requireNonNull(expectedHash, "expectedHash");
        requireNonNull(newHash, "newHash");
        requireNonNull(event, "event");
        synchronized (lock) {
            StoredKey s = keys.get(keyId);
            if (s == null || !s.hash().equals(expectedHash)) {
                return false;
            }
            keys.put(keyId, s.withHash(newHash));
            append(List.of(event));
        }
        notifySubscribers();
        return true;
    }

    @Override
    public boolean update(StoredKey next, long expectedRevision, Optional<CreditAccount> account, List<KeyEvent> events) {
        requireNonNull(next, "next");
        requireNonNull(account, "credits");
        requireNonNull(events, "events");
        synchronized (lock) {
            StoredKey s = keys.get(next.id());
            if (s == null || !s.key().isActive() || s.revision() != expectedRevision) {
                return false;
            }
            ApiKey k = s.key();
            ApiKey n = next.key();
            // Only the fields an update may change come from next; the rest stays as stored.
            ApiKey changed = ApiKey.builder(k.id(), k.prefix(), k.owner(), n.name(), k.createdAt()).scopes(n.scopes())
                    .tier(n.tier()).environment(k.environment()).tags(k.tags()).riskClass(n.riskClass())
                    .expiresAt(n.expiresAt()).lastUsedAt(k.lastUsedAt()).revocation(k.revocation())
                    .predecessorId(k.predecessorId()).successorId(k.successorId()).compromised(k.compromised())
                    .importedAt(k.importedAt()).ipAllowlist(n.ipAllowlist()).metadata(n.metadata())
                    .creditAccount(n.creditAccount()).build();
            if (!n.name().equals(k.name())) {
                String other = activeNames.get(nameKey(changed));
                if (other != null && !other.equals(k.id())) {
                    throw new DuplicateKeyException(Conflict.ACTIVE_NAME, "owner already has an active key with this name");
                }
            }
            put(new StoredKey(changed, s.hash(), s.legacyLookup(), s.importRef(), next.rotation(), s.revision() + 1));
            account.ifPresent(a -> credits.put(a.id(), a));
            append(events);
        }
        notifySubscribers();
        return true;
    }

    @Override
    public Optional<CreditAccount> findCredits(String accountId) {
        Syntax.keyId(accountId);
        synchronized (lock) {
            return Optional.ofNullable(credits.get(accountId));
        }
    }

    @Override
    public boolean replaceCredits(CreditAccount expected, CreditAccount next) {
        requireNonNull(expected, "expected");
        requireNonNull(next, "next");
        if (!expected.id().equals(next.id())) {
            throw new IllegalArgumentException("expected and next must be the same account");
        }
        synchronized (lock) {
            CreditAccount now = credits.get(expected.id());
            if (now == null || now.generation() != expected.generation() || now.balance() != expected.balance()) {
                return false;
            }
            credits.put(next.id(), next);
            return true;
        }
    }

    @Override
    public List<StoredKey> listRotationDue(DueQuery query) {
        requireNonNull(query, "query");
        Comparator<StoredKey> order = Comparator.comparing((StoredKey s) -> s.rotation().orElseThrow().dueAt())
                .thenComparing(StoredKey::id);
        return keys.values().stream()
                .filter(s -> s.key().isActive() && s.rotation().isPresent())
                .filter(s -> !s.rotation().get().dueAt().isAfter(query.dueBy()))
                .filter(s -> !s.key().isExpiredAt(query.activeAt()))
                .filter(s -> query.filter().matches(s.key()))
                .filter(s -> query.isAfterCursor(s.rotation().get().dueAt(), s.id()))
                .sorted(order)
                .limit(query.limit())
                .toList();
    }

    @Override
    public List<Long> countRotationDue(DueQuery query, List<Instant> dueBys) {
        requireNonNull(query, "query");
        DueQuery.checkDueBys(dueBys);
        List<Instant> due = keys.values().stream()
                .filter(s -> s.key().isActive() && s.rotation().isPresent())
                .filter(s -> !s.key().isExpiredAt(query.activeAt()))
                .filter(s -> query.filter().matches(s.key()))
                .map(s -> s.rotation().get().dueAt())
                .toList();
        return dueBys.stream().map(by -> due.stream().filter(d -> !d.isAfter(by)).count()).toList();
    }

    @Override
    public List<StoredKey> listToRestamp(Optional<String> otherThan, Optional<String> afterId, int limit) {
        requireNonNull(otherThan, "otherThan");
        requireNonNull(afterId, "afterId");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        return keys.values().stream()
                .filter(s -> s.key().isActive())
                .filter(s -> s.rotation().isEmpty() || otherThan.map(p -> !p.equals(s.rotation().get().policy())).orElse(false))
                .filter(s -> afterId.map(a -> s.id().compareTo(a) > 0).orElse(true))
                .sorted(Comparator.comparing(StoredKey::id))
                .limit(limit)
                .toList();
    }

    @Override
    public int restamp(List<Restamp> stamps) {
        requireNonNull(stamps, "stamps");
        int written = 0;
        synchronized (lock) {
            for (Restamp r : stamps) {
                StoredKey s = keys.get(r.keyId());
                if (s != null && s.key().isActive() && s.revision() == r.expectedRevision()) {
                    keys.put(s.id(), s.withRotation(Optional.of(r.stamp())));
                    written++;
                }
            }
        }
        return written;
    }

    @Override
    public int deleteUsageBefore(Instant before, int limit) {
        requireNonNull(before, "before");
        positive(limit);
        synchronized (lock) {
            int deleted = 0;
            for (Iterator<Map.Entry<RollupId, UsageRollup>> it = usage.entrySet().iterator(); it.hasNext() && deleted < limit; ) {
                Map.Entry<RollupId, UsageRollup> e = it.next();
                if (e.getValue().minute().isBefore(before)) {
                    it.remove();
                    truncated.remove(e.getKey());
                    deleted++;
                }
            }
            return deleted;
        }
    }

    @Override
    public int truncateUsageAddresses(Instant before, int limit, UnaryOperator<String> truncate) {
        requireNonNull(before, "before");
        requireNonNull(truncate, "truncate");
        positive(limit);
        synchronized (lock) {
            List<UsageRollup> batch = new ArrayList<>();
            for (Map.Entry<RollupId, UsageRollup> e : usage.entrySet()) {
                if (batch.size() == limit) {
                    break;
                }
                if (e.getValue().minute().isBefore(before) && !truncated.contains(e.getKey())) {
                    batch.add(e.getValue());
                }
            }
            for (UsageRollup r : batch) {
                RollupId old = RollupId.of(r);
                usage.remove(old);
                UsageRollup moved = withClientIp(r, requireNonNull(truncate.apply(r.clientIp()), "truncated address"));
                RollupId id = RollupId.of(moved);
                usage.merge(id, moved, InMemoryKeyStore::merge);
                truncated.add(id);
            }
            return batch.size();
        }
    }

    @Override
    public int deleteUsage(Collection<String> keyIds, int limit) {
        requireNonNull(keyIds, "keyIds");
        positive(limit);
        Set<String> ids = Set.copyOf(keyIds);
        synchronized (lock) {
            int deleted = 0;
            for (Iterator<Map.Entry<RollupId, UsageRollup>> it = usage.entrySet().iterator(); it.hasNext() && deleted < limit; ) {
                Map.Entry<RollupId, UsageRollup> e = it.next();
                if (ids.contains(e.getValue().keyId())) {
                    it.remove();
                    truncated.remove(e.getKey());
                    deleted++;
                }
            }
            return deleted;
        }
    }

    private static void positive(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
    }

    private static UsageRollup withClientIp(UsageRollup r, String clientIp) {
        return new UsageRollup(r.keyId(), r.minute(), r.method(), r.endpoint(), clientIp, r.userAgent(), r.consumer(), r.status(),
                r.count(), r.firstSeen(), r.lastSeen(), r.refusal());
    }

    private static UsageRollup merge(UsageRollup a, UsageRollup b) {
        return new UsageRollup(a.keyId(), a.minute(), a.method(), a.endpoint(), a.clientIp(), a.userAgent(), a.consumer(),
                a.status(), a.count() + b.count(), a.firstSeen().isBefore(b.firstSeen()) ? a.firstSeen() : b.firstSeen(),
                a.lastSeen().isAfter(b.lastSeen()) ? a.lastSeen() : b.lastSeen(), a.refusal());
    }

    @Override
    public void appendEvent(KeyEvent event) {
        requireNonNull(event, "event");
        synchronized (lock) {
            append(List.of(event));
        }
        notifySubscribers();
    }

    @Override
    public boolean appendEventOnce(KeyEvent event) {
        requireNonNull(event, "event");
        synchronized (lock) {
            if (!keys.containsKey(event.keyId()) || history.getOrDefault(event.keyId(), List.of()).stream()
                    .anyMatch(e -> e.type() == event.type() && e.detail().equals(event.detail()))) {
                return false;
            }
            append(List.of(event));
        }
        notifySubscribers();
        return true;
    }

    @Override
    public List<KeyEvent> history(String keyId) {
        Syntax.keyId(keyId);
        synchronized (lock) {
            return List.copyOf(history.getOrDefault(keyId, List.of()));
        }
    }

    @Override
    public void applyUsage(UsageBatch batch) {
        requireNonNull(batch, "batch");
        synchronized (lock) {
            for (UsageRollup r : batch.rollups()) {
                usage.merge(RollupId.of(r), r, InMemoryKeyStore::merge);
            }
            for (Map.Entry<String, Instant> e : batch.lastUsed().entrySet()) {
                StoredKey s = keys.get(e.getKey());
                if (s != null && s.key().lastUsedAt().map(t -> t.isBefore(e.getValue())).orElse(true)) {
                    keys.put(s.id(), s.withKey(s.key().withLastUsedAt(e.getValue())));
                }
            }
        }
    }

    @Override
    public List<UsageRollup> usage(String keyId, Instant from, Instant to) {
        Syntax.keyId(keyId);
        requireNonNull(from, "from");
        requireNonNull(to, "to");
        synchronized (lock) {
            return usage.values().stream()
                    .filter(r -> r.keyId().equals(keyId) && !r.minute().isBefore(from) && r.minute().isBefore(to))
                    .sorted(Comparator.comparing(UsageRollup::minute).thenComparing(UsageRollup::endpoint)
                            .thenComparing(UsageRollup::clientIp).thenComparing(UsageRollup::status)
                            .thenComparing(UsageRollup::method).thenComparing(UsageRollup::userAgent)
                            .thenComparing(UsageRollup::consumer).thenComparing(UsageRollup::refusal))
                    .toList();
        }
    }

    @Override
    public long latestSequence() {
        synchronized (lock) {
            return sequence;
        }
    }

    @Override
    public ChangePage changesSince(long afterSequence, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        synchronized (lock) {
            List<KeyChange> out = new ArrayList<>();
            for (KeyChange c : feed.tailMap(afterSequence, false).values()) {
                if (out.size() == limit) {
                    break;
                }
                out.add(c);
            }
            return new ChangePage(out, afterSequence < prunedThrough);
        }
    }

    @Override
    public int pruneChanges(Instant before) {
        requireNonNull(before, "before");
        synchronized (lock) {
            int pruned = 0;
            var it = feed.entrySet().iterator();
            while (it.hasNext()) {
                var e = it.next();
                if (!e.getValue().at().isBefore(before)) {
                    break;
                }
                prunedThrough = Math.max(prunedThrough, e.getKey());
                it.remove();
                pruned++;
            }
            return pruned;
        }
    }

    @Override
    public AutoCloseable subscribe(Runnable listener) {
        requireNonNull(listener, "listener");
        subscribers.add(listener);
        return () -> subscribers.remove(listener);
    }

    /** How many keys are held (for tests). */
    public int size() {
        return keys.size();
    }

    // ---------------------------------------------------------------------------------- helpers

    private static void requireActive(StoredKey key) {
        if (!key.key().isActive()) {
            throw new IllegalArgumentException("a new key must be ACTIVE");
        }
    }

    private void checkInsertable(StoredKey key) {
        if (keys.containsKey(key.id())) {
            throw new DuplicateKeyException(Conflict.KEY_ID, "a key with id " + key.id() + " exists");
        }
        if (key.importRef().isPresent() && importRefs.containsKey(key.importRef().get())) {
            throw new DuplicateKeyException(Conflict.IMPORT_REF, "a key was already imported with this reference");
        }
        if (activeNames.containsKey(nameKey(key.key()))) {
            throw new DuplicateKeyException(Conflict.ACTIVE_NAME, "owner already has an active key with this name");
        }
        if (key.legacyLookup().isPresent() && legacyLookups.containsKey(key.legacyLookup().get())) {
            throw new DuplicateKeyException(Conflict.LEGACY_LOOKUP, "an imported key already has this legacy lookup value");
        }
    }

    /** Stores the key and keeps the active-name index in step. Call under the lock. */
    private void put(StoredKey key) {
        key.legacyLookup().ifPresent(l -> legacyLookups.put(l, key.id()));
        key.importRef().ifPresent(r -> importRefs.put(r, key.id()));
        StoredKey previous = keys.put(key.id(), key);
        if (previous != null && previous.key().isActive()) {
            activeNames.remove(nameKey(previous.key()));
        }
        if (key.key().isActive()) {
            activeNames.put(nameKey(key.key()), key.id());
        }
    }

    private static String nameKey(ApiKey key) {
        return key.owner() + '\u0000' + key.name();
    }

    /** Appends history and one feed entry per event. Call under the lock. */
    private void append(Collection<KeyEvent> events) {
        for (KeyEvent e : events) {
            history.computeIfAbsent(e.keyId(), k -> new ArrayList<>()).add(e);
            sequence++;
            feed.put(sequence, new KeyChange(sequence, e.keyId(), e.type(), e.at()));
        }
    }

    private void notifySubscribers() {
        for (Runnable r : subscribers) {
            try {
                r.run();
            } catch (RuntimeException e) {
                // a subscriber is a wake-up hint; its failure must not fail the write that already happened
            }
        }
    }

    private static Optional<Instant> earlier(Optional<Instant> a, Optional<Instant> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return a.get().isBefore(b.get()) ? a : b;
    }

    private record RollupId(String keyId, Instant minute, String method, String endpoint, String clientIp,
            String userAgent, String consumer, int status, String refusal) {
        static RollupId of(UsageRollup r) {
            return new RollupId(r.keyId(), r.minute(), r.method(), r.endpoint(), r.clientIp(), r.userAgent(),
                    r.consumer(), r.status(), r.refusal());
        }
    }

    @Override
    public String toString() {
        return "InMemoryKeyStore[" + keys.size() + " keys]";
    }
}
