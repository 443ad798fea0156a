package dev.keyvault.internal;

import dev.keyvault.KeyEventListener;

/** The listener that does nothing: {@code KeyEventListeners.noop()}. */
public final class NoopListener implements KeyEventListener {
    public static final NoopListener INSTANCE = new NoopListener();

    private NoopListener() {}

    @Override
    public String toString() {
        return "KeyEventListeners.noop()";
    }
}
