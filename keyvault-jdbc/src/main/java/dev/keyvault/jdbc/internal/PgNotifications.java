package dev.keyvault.jdbc.internal;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL LISTEN on the store's channel, on one daemon thread with one dedicated connection,
 * running only while someone is subscribed. Every NOTIFY (sent by the writing transaction, so
 * delivered at its commit) calls every subscriber; so does every (re)connect, since notifications
 * sent while disconnected are lost. A lost connection is retried with backoff for as long as there
 * are subscribers. Notifications are only a hint to poll early: nothing is lost without them.
 *
 * <p>Only loaded after {@link #driverPresent()} returned {@code true}: the host need not have pgjdbc.
 * Thread-safe.
 */
public final class PgNotifications {
    private static final Logger LOG = LoggerFactory.getLogger(PgNotifications.class);
    private static final int WAIT_MILLIS = 500;
    private static final long MAX_BACKOFF_MILLIS = 5_000;

    private final Jdbi jdbi;
    private final String channel;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    /** The current listening thread's stop flag, or null when nobody is subscribed. */
    private Running current;

    private static final class Running {
        volatile boolean on = true;
    }

    public PgNotifications(Jdbi jdbi, String channel) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.channel = requireNonNull(channel, "channel");
    }

    /** Whether pgjdbc is on the classpath (checked by name, without loading this class's references). */
    public static boolean driverPresent(ClassLoader loader) {
        try {
            Class.forName("org.postgresql.PGConnection", false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    public AutoCloseable subscribe(Runnable listener) {
        requireNonNull(listener, "listener");
        synchronized (lock) {
            listeners.add(listener);
            if (current == null) {
                Running running = new Running();
                current = running;
                Thread thread = new Thread(() -> run(running), "keyvault-jdbc-listen-" + channel);
                thread.setDaemon(true);
                thread.start();
            }
        }
        return () -> unsubscribe(listener);
    }

    private void unsubscribe(Runnable listener) {
        synchronized (lock) {
            listeners.remove(listener);
            if (listeners.isEmpty() && current != null) {
                current.on = false; // the thread notices within WAIT_MILLIS and closes its connection
                current = null;
                lock.notifyAll(); // and at once if it is waiting to reconnect
            }
        }
    }

    private void run(Running running) {
        long backoff = 100;
        while (running.on) {
            try (Handle handle = jdbi.open()) {
                Connection c = handle.getConnection();
                if (!c.isWrapperFor(PGConnection.class)) {
                    LOG.debug("the connection is not a pgjdbc connection; change-feed followers will poll without early wake-ups");
                    return;
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + channel); // channel = validated prefix + "changes"
                }
                if (!c.getAutoCommit()) {
                    c.commit();
                }
                backoff = 100;
                fire();
                while (running.on) {
                    PGNotification[] got = pg.getNotifications(WAIT_MILLIS);
                    if (got != null && got.length > 0) {
                        fire();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running.on) {
                    return;
                }
                LOG.debug("listening on {} failed ({}); retrying in {} ms", channel, e.getClass().getSimpleName(), backoff);
                try {
                    synchronized (lock) {
                        if (running.on) {
                            lock.wait(backoff); // woken early by the last unsubscribe
                        }
                    }
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            }
        }
    }

    private void fire() {
        for (Runnable r : listeners) {
            try {
                r.run();
            } catch (RuntimeException e) {
                // a wake-up hint; a failing subscriber must not stop the others or this thread
                LOG.debug("change-feed subscriber failed: {}", e.toString());
            }
        }
    }
}
