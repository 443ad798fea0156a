package dev.keyvault.servlet.internal;

import static java.util.Objects.requireNonNull;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;

/**
 * Runs an action once an async request is really finished — after a timeout or an error too, as
 * {@code onComplete} follows both — so it sees the final status. Registers itself again when the
 * application calls {@code startAsync} once more, which clears the listeners.
 */
public final class AsyncCompletion implements AsyncListener {
    private final Runnable onComplete;

    public AsyncCompletion(Runnable onComplete) {
        this.onComplete = requireNonNull(onComplete, "onComplete");
    }

    @Override
    public void onComplete(AsyncEvent event) {
        onComplete.run();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        // onComplete follows, with the final status
    }

    @Override
    public void onError(AsyncEvent event) {
        // onComplete follows, with the final status
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        event.getAsyncContext().addListener(this);
    }
}
