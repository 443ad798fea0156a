package dev.keyvault.micrometer;

import static java.util.Objects.requireNonNull;

import dev.keyvault.KeyEvent;
import dev.keyvault.KeyQuery;
import dev.keyvault.Revocation;
import dev.keyvault.UsageRollup;
import dev.keyvault.spi.ChangePage;
import dev.keyvault.spi.CreditAccount;
import dev.keyvault.spi.DueQuery;
import dev.keyvault.spi.KeyStore;
import dev.keyvault.spi.PredecessorCondition;
import dev.keyvault.spi.Restamp;
import dev.keyvault.spi.RevokeOutcome;
import dev.keyvault.spi.StoredKey;
import dev.keyvault.spi.UsageBatch;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A {@link KeyStore} that notes, per thread, when a key is looked up, so {@link KeyvaultMetrics}
 * can tell a <em>hot</em> verification (served from this node's cache: no I/O) from a
 * <em>cold</em> one (it read the store: a key not cached yet, a status refresh, an unknown id).
 * Everything else is passed through unchanged. Give the {@code KeyManager} the wrapped store and
 * the metrics the same instance:
 *
 * <pre>{@code
 * KeyStore store = MeteredKeyStore.wrap(JdbiKeyStore.builder(dataSource).build());
 * KeyManager keys = KeyManager.builder().store(store).build();
 * KeyvaultMetrics.builder(keys).store(store).build().bindTo(registry);
 * }</pre>
 *
 * A note costs a thread-local write on the lookups only. Thread-safe as the store it wraps.
 */
public final class MeteredKeyStore implements KeyStore {
    /** How many lookups this thread made since {@link #lookups()} was last read as a baseline. */
    private static final ThreadLocal<long[]> LOOKUPS = ThreadLocal.withInitial(() -> new long[1]);

    private final KeyStore delegate;

    private MeteredKeyStore(KeyStore delegate) {
        this.delegate = delegate;
    }

    /** {@code store}, noting its lookups; a store already wrapped is returned as it is. */
    public static MeteredKeyStore wrap(KeyStore store) {
        requireNonNull(store, "store");
        return store instanceof MeteredKeyStore m ? m : new MeteredKeyStore(store);
    }

    /** The store underneath. */
    public KeyStore delegate() {
        return delegate;
    }

    /** How many key lookups the current thread has made through any metered store (a running count). */
    static long lookups() {
        return LOOKUPS.get()[0];
    }

    private static void noteLookup() {
        LOOKUPS.get()[0]++;
    }

    @Override
    public void insert(StoredKey key, Optional<CreditAccount> credits, KeyEvent issued) {
        delegate.insert(key, credits, issued);
    }

    @Override
    public boolean update(StoredKey next, long expectedRevision, Optional<CreditAccount> credits, List<KeyEvent> events) {
        return delegate.update(next, expectedRevision, credits, events);
    }

    /** A credit lease's read; not a key lookup, so a verification that only takes a lease stays hot. */
    @Override
    public Optional<CreditAccount> findCredits(String accountId) {
        return delegate.findCredits(accountId);
    }

    @Override
    public boolean replaceCredits(CreditAccount expected, CreditAccount next) {
        return delegate.replaceCredits(expected, next);
    }

    @Override
    public List<StoredKey> listRotationDue(DueQuery query) {
        return delegate.listRotationDue(query);
    }

    @Override
    public List<Long> countRotationDue(DueQuery query, List<Instant> dueBys) {
        return delegate.countRotationDue(query, dueBys);
    }

    @Override
    public List<StoredKey> listToRestamp(Optional<String> otherThan, Optional<String> afterId, int limit) {
        return delegate.listToRestamp(otherThan, afterId, limit);
    }

    @Override
    public int restamp(List<Restamp> stamps) {
        return delegate.restamp(stamps);
    }

    @Override
    public int deleteUsageBefore(Instant before, int limit) {
        return delegate.deleteUsageBefore(before, limit);
    }

    @Override
    public int truncateUsageAddresses(Instant before, int limit, UnaryOperator<String> truncate) {
        return delegate.truncateUsageAddresses(before, limit, truncate);
    }

    @Override
    public int deleteUsage(Collection<String> keyIds, int limit) {
        return delegate.deleteUsage(keyIds, limit);
    }

    @Override
    public boolean insertSuccessor(String predecessorId, Optional<String> expectedSuccessor, StoredKey successor,
            Optional<Instant> predecessorExpiresAt, List<KeyEvent> events, PredecessorCondition condition) {
        return delegate.insertSuccessor(predecessorId, expectedSuccessor, successor, predecessorExpiresAt, events, condition);
    }

    @Override
    public Optional<StoredKey> find(String keyId) {
        noteLookup();
        return delegate.find(keyId);
    }

    @Override
    public Optional<StoredKey> findByLegacyLookup(String lookup) {
        noteLookup();
        return delegate.findByLegacyLookup(lookup);
    }

    @Override
    public List<StoredKey> list(KeyQuery query) {
        return delegate.list(query);
    }

    @Override
    public RevokeOutcome revoke(String keyId, Revocation revocation, boolean compromised, List<KeyEvent> events) {
        return delegate.revoke(keyId, revocation, compromised, events);
    }

    @Override
    public boolean markCompromised(String keyId, KeyEvent event) {
        return delegate.markCompromised(keyId, event);
    }

    @Override
    public boolean shortenExpiry(String keyId, Instant expiresAt, KeyEvent event) {
        return delegate.shortenExpiry(keyId, expiresAt, event);
    }

    @Override
    public boolean replaceHash(String keyId, String expectedHash, String newHash, KeyEvent event) {
        return delegate.replaceHash(keyId, expectedHash, newHash, event);
    }

    @Override
    public void appendEvent(KeyEvent event) {
        delegate.appendEvent(event);
    }

    @Override
    public boolean appendEventOnce(KeyEvent event) {
        return delegate.appendEventOnce(event);
    }

    @Override
    public List<KeyEvent> history(String keyId) {
        return delegate.history(keyId);
    }

    @Override
    public void applyUsage(UsageBatch batch) {
        delegate.applyUsage(batch);
    }

    @Override
    public List<UsageRollup> usage(String keyId, Instant from, Instant to) {
        return delegate.usage(keyId, from, to);
    }

    @Override
    public long latestSequence() {
        return delegate.latestSequence();
    }

    @Override
    public ChangePage changesSince(long afterSequence, int limit) {
        return delegate.changesSince(afterSequence, limit);
    }

    @Override
    public int pruneChanges(Instant before) {
        return delegate.pruneChanges(before);
    }

    @Override
    public AutoCloseable subscribe(Runnable listener) {
        return delegate.subscribe(listener);
    }

    @Override
    public String toString() {
        return "MeteredKeyStore[" + delegate + "]";
    }
}
