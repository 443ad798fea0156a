package dev.keyvault.cli.internal;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress of a long operation on stderr, only when stderr is a terminal (logs and pipes get
 * nothing): a line redrawn in place with the count done and the time taken, cleared at the end.
 * Nothing is drawn for operations that finish within half a second.
 */
final class Progress implements AutoCloseable {
    private static final long FIRST_DRAW_MILLIS = 500;
    private static final long REDRAW_MILLIS = 200;

    private final PrintStream err;
    private final String label;
    private final long total;
    private final AtomicLong done = new AtomicLong();
    private final long started = System.nanoTime();
    private final Thread ticker;
    private volatile boolean drawn;
    private volatile boolean closed;

    private Progress(PrintStream err, String label, long total, boolean enabled) {
        this.err = err;
        this.label = label;
        this.total = total;
        if (enabled) {
            ticker = new Thread(this::tick, "keyvault-progress");
            ticker.setDaemon(true);
            ticker.start();
        } else {
            ticker = null;
        }
    }

    /** Progress of an operation that counts up to {@code total} (0: an operation that cannot count, shown as time only). */
    static Progress start(Context ctx, String label, long total) {
        return new Progress(ctx.err(), label, total, ctx.stderrTerminal());
    }

    /** One more unit done. */
    void step() {
        done.incrementAndGet();
    }

    private void tick() {
        try {
            Thread.sleep(FIRST_DRAW_MILLIS);
            while (!closed) {
                draw();
                Thread.sleep(REDRAW_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void draw() {
        if (closed) {
            return;
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        String count = total > 0 ? " " + done.get() + "/" + total : "";
        err.print("\r\u001b[K" + label + count + " (" + seconds + "s)");
        err.flush();
        drawn = true;
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (drawn) {
                err.print("\r\u001b[K");
                err.flush();
            }
        }
        if (ticker != null) {
            ticker.interrupt();
        }
    }
}
