package dev.keyvault.internal;

import dev.keyvault.KeyEventListener;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls a listener so that its exceptions cannot break the operation that fired the event. */
public final class SafeListener {
    private static final Logger LOG = LoggerFactory.getLogger(SafeListener.class);

    private SafeListener() {}

    public static void call(KeyEventListener listener, Consumer<KeyEventListener> event) {
        try {
            event.accept(listener);
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("KeyEventListener {} threw {}; ignored", listener.getClass().getName(), e.toString());
        }
    }
}
