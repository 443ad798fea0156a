package dev.keyvault.jdbc;

import dev.keyvault.IssuedKey;
import dev.keyvault.KeyHashers;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.UsageEvent;
import dev.keyvault.spi.UsageBatch;
import dev.keyvault.support.DelegatingKeyStore;
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
 * {@code FLUSHED <requests recorded before the write began> <milliseconds>} after each usage write.
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
        KeyManager keys = KeyManager.builder().store(new DelegatingKeyStore(store) {
                    @Override
                    public void applyUsage(UsageBatch batch) {
                        // Requests counted before this batch was handed over: the ones counted before the
                        // previous batch was handed over are all in this batch or an earlier one.
                        long before = recorded.get();
                        long start = System.nanoTime();
                        super.applyUsage(batch);
                        synchronized (out) {
                            out.println("FLUSHED " + before + " " + (System.nanoTime() - start) / 1_000_000);
                            out.flush();
                        }
                    }
                })
                .hasher(KeyHashers.hmacSha256())
                .usageFlushInterval(Duration.ofMillis(Long.parseLong(args[1])))
                .changeFeedPollInterval(Duration.ZERO)
                .build();
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
