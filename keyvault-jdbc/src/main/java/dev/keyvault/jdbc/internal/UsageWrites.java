package dev.keyvault.jdbc.internal;

import static java.util.Objects.requireNonNull;

import dev.keyvault.UsageRollup;
import dev.keyvault.spi.UsageBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;

/**
 * Writes a {@link UsageBatch} in a constant number of statements: the rollups as thirteen arrays that
 * one upsert unnests, and the last-use times as two arrays that one update unnests, whatever the
 * number of rows (up to {@value #MAX_ROWS_PER_STATEMENT} per statement).
 *
 * <p>The batch is written as given: the SPI allows at most one rollup per rollup key, which core's
 * coalescer guarantees, so nothing is merged here (PostgreSQL refuses an upsert that meets one key
 * twice, which would surface as a {@link dev.keyvault.KeyStoreException}). Rows are locked in one
 * order on every node — the upsert sorts by the rollup key, the last-use update is fed in id order —
 * so concurrent flushes from several nodes do not deadlock. Immutable and thread-safe.
 */
public final class UsageWrites {
    /** The most rows one statement carries; larger batches take more statements. */
    static final int MAX_ROWS_PER_STATEMENT = 10_000;

    private final Sql sql;

    public UsageWrites(Sql sql) {
        this.sql = requireNonNull(sql, "sql");
    }

    /** Whether a write may fail with a unique violation that running it again resolves (see {@link Sql#upsertUsageMayConflict}). */
    public boolean mayConflict() {
        return sql.upsertUsageMayConflict;
    }

    /**
     * Writes {@code batch} on {@code h}, inside the caller's transaction.
     *
     * @throws IllegalArgumentException if a rollup holds text its column cannot store as it is (see {@link Values})
     */
    public void apply(Handle h, UsageBatch batch) {
        List<UsageRollup> rollups = batch.rollups();
        upsert(h, rollups, false);
        List<Map.Entry<String, Instant>> touched = new ArrayList<>(new TreeMap<>(batch.lastUsed()).entrySet());
        for (int from = 0; from < touched.size(); from += MAX_ROWS_PER_STATEMENT) {
            touchLastUsed(h, touched.subList(from, Math.min(touched.size(), from + MAX_ROWS_PER_STATEMENT)));
        }
    }

    /**
     * Adds {@code rollups} (counts summed, seen range widened), marking the rows as truncated by the
     * retention if {@code truncated}.
     */
    public void upsert(Handle h, List<UsageRollup> rollups, boolean truncated) {
        for (int from = 0; from < rollups.size(); from += MAX_ROWS_PER_STATEMENT) {
            upsertChunk(h, rollups.subList(from, Math.min(rollups.size(), from + MAX_ROWS_PER_STATEMENT)), truncated);
        }
    }

    private void upsertChunk(Handle h, List<UsageRollup> rows, boolean truncated) {
        int n = rows.size();
        List<String> keyIds = new ArrayList<>(n);
        List<Long> minutes = new ArrayList<>(n);
        List<String> methods = new ArrayList<>(n);
        List<String> endpoints = new ArrayList<>(n);
        List<String> clientIps = new ArrayList<>(n);
        List<String> userAgents = new ArrayList<>(n);
        List<String> consumers = new ArrayList<>(n);
        List<Integer> statuses = new ArrayList<>(n);
        List<Long> counts = new ArrayList<>(n);
        List<Long> firsts = new ArrayList<>(n);
        List<Long> lasts = new ArrayList<>(n);
        List<String> refusals = new ArrayList<>(n);
        List<Boolean> flags = new ArrayList<>(n);
        for (UsageRollup r : rows) {
            Values.rollup(r);
            keyIds.add(r.keyId());
            minutes.add(r.minute().toEpochMilli());
            methods.add(r.method());
            endpoints.add(r.endpoint());
            clientIps.add(r.clientIp());
            userAgents.add(r.userAgent());
            consumers.add(r.consumer());
            statuses.add(r.status());
            counts.add(r.count());
            firsts.add(Rows.millis(r.firstSeen()));
            lasts.add(Rows.millis(r.lastSeen()));
            refusals.add(r.refusal());
            flags.add(truncated);
        }
        h.createUpdate(sql.upsertUsage)
                .bindArray("keyIds", String.class, keyIds)
                .bindArray("minutes", Long.class, minutes)
                .bindArray("methods", String.class, methods)
                .bindArray("endpoints", String.class, endpoints)
                .bindArray("clientIps", String.class, clientIps)
                .bindArray("userAgents", String.class, userAgents)
                .bindArray("consumers", String.class, consumers)
                .bindArray("statuses", Integer.class, statuses)
                .bindArray("counts", Long.class, counts)
                .bindArray("firsts", Long.class, firsts)
                .bindArray("lasts", Long.class, lasts)
                .bindArray("refusals", String.class, refusals)
                .bindArray("truncated", Boolean.class, flags)
                .execute();
    }

    private void touchLastUsed(Handle h, List<Map.Entry<String, Instant>> touched) {
        List<String> ids = new ArrayList<>(touched.size());
        List<Long> ats = new ArrayList<>(touched.size());
        for (Map.Entry<String, Instant> e : touched) {
            ids.add(e.getKey());
            ats.add(Rows.millis(e.getValue()));
        }
        h.createUpdate(sql.touchLastUsed).bindArray("ids", String.class, ids).bindArray("ats", Long.class, ats).execute();
    }
}
