package dev.keyvault.benchmarks.jdbc;

import dev.keyvault.KeyHashers;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.UsageEvent;
import dev.keyvault.benchmarks.Measurement;
import dev.keyvault.jdbc.JdbiKeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.Update;

/**
 * 1,000,000 {@code recordUsage} calls within one minute, spread at random (fixed seed) over 1,000
 * keys, 10 endpoints and 50 client addresses, then flushed to PostgreSQL; against the same requests
 * written the way Laravel Sanctum does it, one {@code UPDATE … SET last_used_at} per request, on the
 * same database. Statements are counted by a JDBI {@link SqlLogger} (a prepared batch counts once);
 * rows are what the database holds afterwards, checked to add up to exactly 1,000,000 requests.
 */
public final class UsageFlushMeasurement implements Measurement {
    private static final int REQUESTS = 1_000_000;
    private static final int KEYS = 1_000;
    private static final int ENDPOINTS = 10;
    private static final int ADDRESSES = 50;

    @Override
    public String name() {
        return "1M recordUsage (1,000 keys × 10 endpoints × 50 IPs, one minute) flushed to PostgreSQL vs one UPDATE per request";
    }

    @Override
    public Result measure() {
        try (BenchPostgres pg = BenchPostgres.start()) {
            StatementCounter counter = new StatementCounter();
            Jdbi jdbi = Jdbi.create(pg.dataSource());
            jdbi.setSqlLogger(counter);
            JdbiKeyStore store = JdbiKeyStore.builder(jdbi).notifications(false).build();
            store.migrate();
            Instant minute = Instant.parse("2026-01-01T12:00:00Z");
            String[] ids = new String[KEYS];
            long flushNanos;
            long statements;
            try (KeyManager keys = KeyManager.builder().store(store).hasher(KeyHashers.hmacSha256())
                    .maxBufferedRollups(REQUESTS) // everything of the minute is kept, none dropped
                    .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build()) {
                for (int i = 0; i < KEYS; i++) {
                    ids[i] = keys.issue(KeySpec.builder("bench", "key " + i).build()).id();
                }
                SplittableRandom random = new SplittableRandom(42);
                for (int i = 0; i < REQUESTS; i++) {
                    Instant at = minute.plusMillis(i * 59_999L / REQUESTS);
                    keys.recordUsage(ids[random.nextInt(KEYS)], UsageEvent.of(at, "GET", "/api/e" + random.nextInt(ENDPOINTS),
                            "10.0.0." + random.nextInt(ADDRESSES), 200));
                }
                counter.reset();
                long start = System.nanoTime();
                long written = keys.flush();
                flushNanos = System.nanoTime() - start;
                statements = counter.get();
                if (written != REQUESTS || keys.stats().droppedRequests() != 0) {
                    throw new IllegalStateException("flushed " + written + " requests, dropped " + keys.stats().droppedRequests());
                }
            }
            long rollupRows = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM keyvault_usage").mapTo(Long.class).one());
            long keyRows = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM keyvault_keys WHERE last_used_at_ms IS NOT NULL")
                    .mapTo(Long.class).one());
            long counted = jdbi.withHandle(h -> h.createQuery("SELECT SUM(request_count) FROM keyvault_usage").mapTo(Long.class).one());
            if (counted != REQUESTS) {
                throw new IllegalStateException("the rollups count " + counted + " requests");
            }

            // The floor: the same request stream, one UPDATE per request, autocommit, one pooled connection.
            SplittableRandom random = new SplittableRandom(42);
            counter.reset();
            long start = System.nanoTime();
            long updated = jdbi.withHandle(h -> {
                long n = 0;
                for (int i = 0; i < REQUESTS; i++) {
                    Instant at = minute.plusMillis(i * 59_999L / REQUESTS);
                    String id = ids[random.nextInt(KEYS)];
                    random.nextInt(ENDPOINTS); // same stream as above
                    random.nextInt(ADDRESSES);
                    n += touch(h, id, at);
                }
                return n;
            });
            long floorNanos = System.nanoTime() - start;
            long floorStatements = counter.get();

            double ratio = floorStatements / (double) statements;
            return new Result(
                    String.format(Locale.ROOT, "%,d statements, %,d rows (%,d rollups + %,d keys), flush %.2f s", statements,
                            rollupRows + keyRows, rollupRows, keyRows, flushNanos / 1e9),
                    String.format(Locale.ROOT, "%,d statements, %,d rows, %.1f s", floorStatements, updated, floorNanos / 1e9),
                    String.format(Locale.ROOT, "%,.0f× fewer statements", ratio),
                    "≥ 100× fewer statements",
                    ratio >= 100);
        }
    }

    private static int touch(Handle h, String id, Instant at) {
        try (Update u = h.createUpdate("UPDATE keyvault_keys SET last_used_at_ms = :at WHERE id = :id")) {
            return u.bind("at", at.toEpochMilli()).bind("id", id).execute();
        }
    }

    /** Counts executed statements; a prepared batch is one. */
    private static final class StatementCounter implements SqlLogger {
        private final AtomicLong statements = new AtomicLong();

        @Override
        public void logAfterExecution(StatementContext context) {
            statements.incrementAndGet();
        }

        long get() {
            return statements.get();
        }

        void reset() {
            statements.set(0);
        }
    }
}
