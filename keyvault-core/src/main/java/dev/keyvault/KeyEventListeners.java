package dev.keyvault;

import static java.util.Objects.requireNonNull;

import dev.keyvault.internal.CompositeListener;
import dev.keyvault.internal.NoopListener;
import dev.keyvault.internal.Slf4jKeyEventListener;
import java.util.List;

/** The built-in {@link KeyEventListener}s. */
public final class KeyEventListeners {
    private KeyEventListeners() {}

    /** A listener that does nothing (the default). */
    public static KeyEventListener noop() {
        return NoopListener.INSTANCE;
    }

    /**
     * A listener that writes each event to slf4j logger {@code dev.keyvault.events}: issue, rotate,
     * revoke and rotation events at INFO, used-after-revoke, dropped usage and store failures at WARN.
     * Ids, owners, names and reasons only; never a token, secret or hash.
     */
    public static KeyEventListener logging() {
        return new Slf4jKeyEventListener();
    }

    /** A listener that calls each of {@code listeners} in order. */
    public static KeyEventListener composite(KeyEventListener... listeners) {
        return new CompositeListener(List.of(requireNonNull(listeners, "listeners")));
    }
}
