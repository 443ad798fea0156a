package dev.keyvault.rotation;

import dev.keyvault.KeyEvent;
import dev.keyvault.Revocation;
import dev.keyvault.UsageRollup;
import dev.keyvault.spi.KeyStore;
import dev.keyvault.spi.PredecessorCondition;
import dev.keyvault.spi.RevokeOutcome;
import dev.keyvault.spi.StoredKey;
import dev.keyvault.support.DelegatingKeyStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A real store with one armed fault: the next call of a given operation whose subject (the event
 * appended, or the key id) matches throws the given failure instead of reaching the store. With a
 * {@link SimulatedCrash} this is a process dying between two steps; with a
 * {@link dev.keyvault.KeyStoreException} it is an outage of one operation.
 */
public final class FaultInjectingKeyStore extends DelegatingKeyStore {
    private volatile Fault armed;

    private record Fault(String operation, Predicate<Object> subject, Supplier<? extends Throwable> failure) {}

    public FaultInjectingKeyStore(KeyStore delegate) {
        super(delegate);
    }

    /** The next {@code operation} whose subject matches throws {@code failure}; then the fault is spent. */
    public FaultInjectingKeyStore failOnce(String operation, Predicate<Object> subject, Supplier<? extends Throwable> failure) {
        armed = new Fault(operation, subject, failure);
        return this;
    }

    /** Whether the armed fault has fired. */
    public boolean fired() {
        return armed == null;
    }

    private void check(String operation, Object subject) {
        Fault f = armed;
        if (f != null && f.operation().equals(operation) && f.subject().test(subject)) {
            armed = null;
            Throwable t = f.failure().get();
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException("only unchecked failures can be injected", t);
        }
    }

    @Override
    public boolean insertSuccessor(String predecessorId, Optional<String> expectedSuccessor, StoredKey successor,
            Optional<Instant> predecessorExpiresAt, List<KeyEvent> events,
            PredecessorCondition condition) {
        check("insertSuccessor", predecessorId);
        return super.insertSuccessor(predecessorId, expectedSuccessor, successor, predecessorExpiresAt, events, condition);
    }

    @Override
    public RevokeOutcome revoke(String keyId, Revocation revocation, boolean compromised, List<KeyEvent> events) {
        check("revoke", keyId);
        return super.revoke(keyId, revocation, compromised, events);
    }

    @Override
    public boolean shortenExpiry(String keyId, Instant expiresAt, KeyEvent event) {
        check("shortenExpiry", keyId);
        return super.shortenExpiry(keyId, expiresAt, event);
    }

    @Override
    public void appendEvent(KeyEvent event) {
        check("appendEvent", event);
        super.appendEvent(event);
    }

    @Override
    public List<UsageRollup> usage(String keyId, Instant from, Instant to) {
        check("usage", keyId);
        return super.usage(keyId, from, to);
    }
}
