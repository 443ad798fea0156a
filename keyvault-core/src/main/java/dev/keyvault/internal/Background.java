package dev.keyvault.internal;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The manager's one daemon thread for usage flushes and change-feed polls. */
public final class Background {
    private static final Logger LOG = LoggerFactory.getLogger(Background.class);
    private static final AtomicInteger COUNT = new AtomicInteger();

    private Background() {}

    public static ScheduledExecutorService newScheduler() {
        int n = COUNT.incrementAndGet();
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "keyvault-background-" + n);
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return executor;
    }

    /** Schedules {@code task} every {@code periodMillis}; an exception is logged and the schedule goes on. */
    public static void every(ScheduledExecutorService scheduler, long periodMillis, String name, Runnable task) {
        scheduler.scheduleWithFixedDelay(guard(name, task), periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    public static Runnable guard(String name, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("background {} failed: {}", name, e.toString());
            }
        };
    }
}
