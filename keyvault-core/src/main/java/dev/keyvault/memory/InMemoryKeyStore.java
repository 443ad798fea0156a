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
import dev.keyvault.spi.KeyChange;
import dev.keyvault.spi.KeyStore;
import dev.keyvault.spi.PredecessorCondition;
import dev.keyvault.spi.RevokeOutcome;
import dev.keyvault.spi.StoredKey;
import dev.keyvault.spi.UsageBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

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
    private final List<Runnable> subscribers = new CopyOnWriteArrayList<>();
    private long sequence;
    private long prunedThrough;

    private InMemoryKeyStore() {}

    public static InMemoryKeyStore create() {
        return new InMemoryKeyStore();
    }

    @Override
    public void insert(StoredKey key, KeyEvent issued) {
        requireNonNull(key, "key");
        requireNonNull(issued, "issued");
        requireActive(key);
        synchronized (lock) {
            checkInsertable(key);
            put(key);
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
            put(old.withKey(old.key().withSuccessor(successor.id(), expiry)));
            put(successor);
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
            put(s.withKey(s.key().withRevocation(revocation, compromised || s.key().compromised())));
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
            put(s.withKey(s.key().withCompromised()));
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
                put(s.withKey(k.toBuilder().expiresAt(Optional.of(expiresAt)).build()));
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
            keys.put(keyId, new StoredKey(s.key(), newHash));
            append(List.of(event));
        }
        notifySubscribers();
        return true;
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
                usage.merge(RollupId.of(r), r, (a, b) -> new UsageRollup(a.keyId(), a.minute(), a.method(), a.endpoint(),
                        a.clientIp(), a.userAgent(), a.consumer(), a.status(), a.count() + b.count(),
                        a.firstSeen().isBefore(b.firstSeen()) ? a.firstSeen() : b.firstSeen(),
                        a.lastSeen().isAfter(b.lastSeen()) ? a.lastSeen() : b.lastSeen()));
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
                            .thenComparing(UsageRollup::clientIp).thenComparing(UsageRollup::status))
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
            String userAgent, String consumer, int status) {
        static RollupId of(UsageRollup r) {
            return new RollupId(r.keyId(), r.minute(), r.method(), r.endpoint(), r.clientIp(), r.userAgent(),
                    r.consumer(), r.status());
        }
    }

    @Override
    public String toString() {
        return "InMemoryKeyStore[" + keys.size() + " keys]";
    }
}
