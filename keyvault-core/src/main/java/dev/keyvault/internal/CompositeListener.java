package dev.keyvault.internal;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyEventListener;
import dev.keyvault.KeyVaultException;
import dev.keyvault.UsageEvent;
import dev.keyvault.rotation.RotationDue;
import java.util.List;

/** Calls several listeners in order; one failing does not stop the others. */
public final class CompositeListener implements KeyEventListener {
    private final List<KeyEventListener> listeners;

    public CompositeListener(List<KeyEventListener> listeners) {
        this.listeners = listeners;
    }

    private void each(java.util.function.Consumer<KeyEventListener> call) {
        for (KeyEventListener l : listeners) {
            SafeListener.call(l, call);
        }
    }

    @Override
    public void onIssued(ApiKey key) {
        each(l -> l.onIssued(key));
    }

    @Override
    public void onRotated(ApiKey predecessor, ApiKey successor) {
        each(l -> l.onRotated(predecessor, successor));
    }

    @Override
    public void onRevoked(ApiKey key) {
        each(l -> l.onRevoked(key));
    }

    @Override
    public void onLeakReported(ApiKey key, String where) {
        each(l -> l.onLeakReported(key, where));
    }

    @Override
    public void onUsedAfterRevoke(String keyId, UsageEvent event) {
        each(l -> l.onUsedAfterRevoke(keyId, event));
    }

    @Override
    public void onRotationDue(RotationDue due) {
        each(l -> l.onRotationDue(due));
    }

    @Override
    public void onRotationWindowSafe(ApiKey predecessor, ApiKey successor) {
        each(l -> l.onRotationWindowSafe(predecessor, successor));
    }

    @Override
    public void onUpdated(ApiKey before, ApiKey after, boolean scopesWidened) {
        each(l -> l.onUpdated(before, after, scopesWidened));
    }

    @Override
    public void onRehashed(ApiKey key, String algorithm) {
        each(l -> l.onRehashed(key, algorithm));
    }

    @Override
    public void onUsageDropped(long requests, String why) {
        each(l -> l.onUsageDropped(requests, why));
    }

    @Override
    public void onUsageFolded(long requests, String why) {
        each(l -> l.onUsageFolded(requests, why));
    }

    @Override
    public void onStoreFailure(String operation, KeyVaultException failure) {
        each(l -> l.onStoreFailure(operation, failure));
    }
}
