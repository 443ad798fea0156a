package dev.keyvault.servlet;

import dev.keyvault.KeyEvent;
import dev.keyvault.KeyQuery;
import dev.keyvault.KeyStoreException;
import dev.keyvault.Revocation;
import dev.keyvault.UsageRollup;
import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.spi.ChangePage;
import dev.keyvault.spi.KeyStore;
import dev.keyvault.spi.RevokeOutcome;
import dev.keyvault.spi.StoredKey;
import dev.keyvault.spi.UsageBatch;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** An {@link InMemoryKeyStore} that fails like a database that went away while switched off. */
final class SwitchableKeyStore implements KeyStore {
    private final InMemoryKeyStore delegate = InMemoryKeyStore.create();
    private final AtomicBoolean down = new AtomicBoolean();

    void down(boolean isDown) {
        down.set(isDown);
    }

    private void check(String operation) {
        if (down.get()) {
            throw new KeyStoreException(operation, new java.sql.SQLTransientConnectionException("connection refused"));
        }
    }

    @Override
    public void insert(StoredKey key, KeyEvent issued) {
        check("insert");
        delegate.insert(key, issued);
    }

    @Override
    public boolean insertSuccessor(String predecessorId, Optional<String> expectedSuccessor, StoredKey successor,
            Optional<Instant> predecessorExpiresAt, List<KeyEvent> events) {
        check("insertSuccessor");
        return delegate.insertSuccessor(predecessorId, expectedSuccessor, successor, predecessorExpiresAt, events);
    }

    @Override
    public Optional<StoredKey> find(String keyId) {
        check("find");
        return delegate.find(keyId);
    }

    @Override
    public List<StoredKey> list(KeyQuery query) {
        check("list");
        return delegate.list(query);
    }

    @Override
    public RevokeOutcome revoke(String keyId, Revocation revocation, boolean compromised, List<KeyEvent> events) {
        check("revoke");
        return delegate.revoke(keyId, revocation, compromised, events);
    }

    @Override
    public boolean markCompromised(String keyId, KeyEvent event) {
        check("markCompromised");
        return delegate.markCompromised(keyId, event);
    }

    @Override
    public boolean shortenExpiry(String keyId, Instant expiresAt, KeyEvent event) {
        check("shortenExpiry");
        return delegate.shortenExpiry(keyId, expiresAt, event);
    }

    @Override
    public boolean replaceHash(String keyId, String expectedHash, String newHash, KeyEvent event) {
        check("replaceHash");
        return delegate.replaceHash(keyId, expectedHash, newHash, event);
    }

    @Override
    public void appendEvent(KeyEvent event) {
        check("appendEvent");
        delegate.appendEvent(event);
    }

    @Override
    public List<KeyEvent> history(String keyId) {
        check("history");
        return delegate.history(keyId);
    }

    @Override
    public void applyUsage(UsageBatch batch) {
        check("applyUsage");
        delegate.applyUsage(batch);
    }

    @Override
    public List<UsageRollup> usage(String keyId, Instant from, Instant to) {
        check("usage");
        return delegate.usage(keyId, from, to);
    }

    @Override
    public long latestSequence() {
        check("latestSequence");
        return delegate.latestSequence();
    }

    @Override
    public ChangePage changesSince(long afterSequence, int limit) {
        check("changesSince");
        return delegate.changesSince(afterSequence, limit);
    }

    @Override
    public int pruneChanges(Instant before) {
        check("pruneChanges");
        return delegate.pruneChanges(before);
    }

    @Override
    public AutoCloseable subscribe(Runnable listener) {
        return delegate.subscribe(listener);
    }
}
