package dev.keyvault.servlet;

import dev.keyvault.spi.KeyStore;
import dev.keyvault.support.DelegatingKeyStore;
import java.util.concurrent.atomic.AtomicInteger;

/** A real store that counts its {@code find} calls: how a test sees whether a key was looked up (verified) at all. */
final class CountingKeyStore extends DelegatingKeyStore {
    private final AtomicInteger finds = new AtomicInteger();

    CountingKeyStore(KeyStore delegate) {
        super(delegate);
    }

    @Override
    protected void before(String operation) {
        if (operation.equals("find")) {
            finds.incrementAndGet();
        }
    }

    int finds() {
        return finds.get();
    }
}
