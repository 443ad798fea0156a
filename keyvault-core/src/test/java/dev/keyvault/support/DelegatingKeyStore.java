package dev.keyvault.support;

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
 * Forwards every call to a real store, calling {@link #before(String)} first: subclasses make it
 * fail or pause to put the manager in situations a healthy store never produces on demand (an
 * outage, a revoke landing between a read and a write). A real store underneath, not a mock.
 */
public class DelegatingKeyStore implements KeyStore {
    protected final KeyStore delegate;

    public DelegatingKeyStore(KeyStore delegate) {
        this.delegate = delegate;
    }

    /** Called before each operation with its name; may throw or block. */
    protected void before(String operation) {}

    @Override
    public void insert(StoredKey key, Optional<CreditAccount> credits, KeyEvent issued) {
        before("insert");
        delegate.insert(key, credits, issued);
    }

    @Override
    public boolean update(StoredKey next, long expectedRevision, Optional<CreditAccount> credits, List<KeyEvent> events) {
        before("update");
        return delegate.update(next, expectedRevision, credits, events);
    }

    @Override
    public Optional<CreditAccount> findCredits(String accountId) {
        before("findCredits");
        return delegate.findCredits(accountId);
    }

    @Override
    public boolean replaceCredits(CreditAccount expected, CreditAccount next) {
        before("replaceCredits");
        return delegate.replaceCredits(expected, next);
    }

    @Override
    public List<StoredKey> listRotationDue(DueQuery query) {
        before("listRotationDue");
        return delegate.listRotationDue(query);
    }

    @Override
    public List<Long> countRotationDue(DueQuery query, List<Instant> dueBys) {
        before("countRotationDue");
        return delegate.countRotationDue(query, dueBys);
    }

    @Override
    public List<StoredKey> listToRestamp(Optional<String> otherThan, Optional<String> afterId, int limit) {
        before("listToRestamp");
        return delegate.listToRestamp(otherThan, afterId, limit);
    }

    @Override
    public int restamp(List<Restamp> stamps) {
        before("restamp");
        return delegate.restamp(stamps);
    }

    @Override
    public int deleteUsageBefore(Instant before, int limit) {
        before("deleteUsageBefore");
        return delegate.deleteUsageBefore(before, limit);
    }

    @Override
    public int truncateUsageAddresses(Instant before, int limit, UnaryOperator<String> truncate) {
        before("truncateUsageAddresses");
        return delegate.truncateUsageAddresses(before, limit, truncate);
    }

    @Override
    public int deleteUsage(Collection<String> keyIds, int limit) {
        before("deleteUsage");
        return delegate.deleteUsage(keyIds, limit);
    }

    @Override
    public boolean insertSuccessor(String predecessorId, Optional<String> expectedSuccessor, StoredKey successor,
            Optional<Instant> predecessorExpiresAt, List<KeyEvent> events,
            PredecessorCondition condition) {
        before("insertSuccessor");
        return delegate.insertSuccessor(predecessorId, expectedSuccessor, successor, predecessorExpiresAt, events, condition);
    }

    @Override
    public Optional<StoredKey> find(String keyId) {
        before("find");
        return afterFind(delegate.find(keyId));
    }

    /** Called with what {@code find} read, before it is returned; may block. */
    protected Optional<StoredKey> afterFind(Optional<StoredKey> found) {
        return found;
    }

    @Override
    public Optional<StoredKey> findByLegacyLookup(String lookup) {
        before("findByLegacyLookup");
        return afterFind(delegate.findByLegacyLookup(lookup));
    }

    @Override
    public List<StoredKey> list(KeyQuery query) {
        before("list");
        return delegate.list(query);
    }

    @Override
    public RevokeOutcome revoke(String keyId, Revocation revocation, boolean compromised, List<KeyEvent> events) {
        before("revoke");
        return delegate.revoke(keyId, revocation, compromised, events);
    }

    @Override
    public boolean markCompromised(String keyId, KeyEvent event) {
        before("markCompromised");
        return delegate.markCompromised(keyId, event);
    }

    @Override
    public boolean shortenExpiry(String keyId, Instant expiresAt, KeyEvent event) {
        before("shortenExpiry");
        return delegate.shortenExpiry(keyId, expiresAt, event);
    }

    @Override
    public boolean replaceHash(String keyId, String expectedHash, String newHash, KeyEvent event) {
        before("replaceHash");
        return delegate.replaceHash(keyId, expectedHash, newHash, event);
    }

    @Override
    public void appendEvent(KeyEvent event) {
        before("appendEvent");
        delegate.appendEvent(event);
    }

    @Override
    public boolean appendEventOnce(KeyEvent event) {
        before("appendEventOnce");
        return delegate.appendEventOnce(event);
    }

    @Override
    public List<KeyEvent> history(String keyId) {
        before("history");
        return delegate.history(keyId);
    }

    @Override
    public void applyUsage(UsageBatch batch) {
        before("applyUsage");
        delegate.applyUsage(batch);
    }

    @Override
    public List<UsageRollup> usage(String keyId, Instant from, Instant to) {
        before("usage");
        return delegate.usage(keyId, from, to);
    }

    @Override
    public long latestSequence() {
        before("latestSequence");
        return delegate.latestSequence();
    }

    @Override
    public ChangePage changesSince(long afterSequence, int limit) {
        before("changesSince");
        return delegate.changesSince(afterSequence, limit);
    }

    @Override
    public int pruneChanges(Instant before) {
        before("pruneChanges");
        return delegate.pruneChanges(before);
    }

    @Override
    public AutoCloseable subscribe(Runnable listener) {
        return delegate.subscribe(listener);
    }
}
