package dev.keyvault.jdbc;

import dev.keyvault.IssuedKey;
import dev.keyvault.KeyHashers;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.UsageEvent;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The process {@link CrashRecoveryTest} kills: issues keys, revokes some and records usage against an
 * H2 file database as fast as it can, printing each acknowledged step (after the call returned) on
 * standard output: {@code ISSUED <id>}, {@code REVOKED <id>}, {@code RECORDED <total requests>}, and
 * {@code FLUSHED <requests recorded before flush() was called> <milliseconds>} after each completed
 * {@code flush()} (a flush writes its usage in batches of at most 5,000 rollups; this counts whole flushes).
 * Arguments: the JDBC URL and the usage flush interval in milliseconds.
 */
public final class CrashChild {
    private CrashChild() {}

    public static void main(String[] args) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(args[0]);
        // A pool, as a host has: H2 closes a file database when its last connection closes.
        JdbiKeyStore store = JdbiKeyStore.builder(JdbcConnectionPool.create(ds)).build();
        store.migrate();
        AtomicLong recorded = new AtomicLong();
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        KeyManager keys = KeyManager.builder().store(store)
                .hasher(KeyHashers.hmacSha256())
                .usageFlushInterval(Duration.ZERO)
                .changeFeedPollInterval(Duration.ZERO)
                .build();
        // The host's flush schedule, as the manager's own flusher would run it: every interval, one flush()
        // (which may write several batches). What was counted before flush() is called was recorded before
        // its drain, so it is all written when flush() returns.
        long interval = Long.parseLong(args[1]);
        Thread flusher = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    return;
                }
                long before = recorded.get();
                long start = System.nanoTime();
                keys.flush();
                synchronized (out) {
                    out.println("FLUSHED " + before + " " + (System.nanoTime() - start) / 1_000_000);
                    out.flush();
                }
            }
        }, "crash-child-flusher");
        flusher.setDaemon(true);
        flusher.start();
        out.println("READY");
        out.flush();
        List<String> live = new ArrayList<>();
        for (int i = 0; ; i++) {
            IssuedKey k = keys.issue(KeySpec.builder("crash", "key " + i).build());
            synchronized (out) {
                out.println("ISSUED " + k.id());
            }
            live.add(k.id());
            if (i % 3 == 2) {
                String victim = live.remove(0);
                keys.revoke(victim, "crash test", "child");
                synchronized (out) {
                    out.println("REVOKED " + victim);
                }
            }
            for (int u = 0; u < 200; u++) {
                keys.recordUsage(live.get(u % live.size()),
                        UsageEvent.of(Instant.now(), "GET", "/e" + u % 5, "10.0.0." + u % 7, 200));
                recorded.incrementAndGet();
            }
            synchronized (out) {
                out.println("RECORDED " + recorded.get());
                out.flush();
            }
        }
    }
}
