package dev.keyvault.support;

import dev.keyvault.KeyStoreException;
import dev.keyvault.spi.KeyStore;
import java.util.concurrent.atomic.AtomicBoolean;

/** A real store that can be switched "down": every operation then throws {@link KeyStoreException}. */
public final class FailingKeyStore extends DelegatingKeyStore {
    private final AtomicBoolean down = new AtomicBoolean();

    public FailingKeyStore(KeyStore delegate) {
        super(delegate);
    }

    public void down() {
        down.set(true);
    }

    public void up() {
        down.set(false);
    }

    @Override
    protected void before(String operation) {
        if (down.get()) {
            throw new KeyStoreException(operation, new java.sql.SQLTransientConnectionException("connection refused (test outage)"));
        }
    }
}
