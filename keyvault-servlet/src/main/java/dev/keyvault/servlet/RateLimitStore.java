package dev.keyvault.servlet;

import static java.util.Objects.requireNonNull;

import dev.keyvault.KeyStoreException;
import dev.keyvault.servlet.internal.Buckets;
import dev.keyvault.servlet.internal.LocalBuckets;
import dev.keyvault.servlet.internal.PostgresBuckets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Where the rate-limit buckets of keys live: one token bucket per key, sized by the key's
 * {@link Tier}.
 *
 * <ul>
 *   <li>{@link #local()} (the default): in this JVM, bounded in memory. Each node limits on its
 *       own, so N nodes behind a load balancer allow up to N times a tier's rate.</li>
 *   <li>{@link #postgreSql(DataSource)}: in a PostgreSQL table shared by every node (bucket4j's
 *       PostgreSQL backend, {@code SELECT … FOR UPDATE} per request), so a tier's rate holds across
 *       the cluster. Costs one short transaction per limited request.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe; the filter opens it with its clock.
 */
public final class RateLimitStore {
    /** The default table of {@link #postgreSql(DataSource)}. */
    public static final String DEFAULT_TABLE = "keyvault_rate_limit";
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}(\\.[a-z_][a-z0-9_]{0,62})?");

    private final long maximumKeys;
    private final DataSource dataSource;
    private final String table;

    private RateLimitStore(long maximumKeys, DataSource dataSource, String table) {
        this.maximumKeys = maximumKeys;
        this.dataSource = dataSource;
        this.table = table;
    }

    /** Local buckets for at most 100,000 keys. */
    public static RateLimitStore local() {
        return local(100_000);
    }

    /**
     * Local buckets for at most {@code maximumKeys} keys at once (a few hundred bytes each). When
     * the bound is reached, buckets unused for as long as their tier takes to refill are dropped
     * (they are full again, so nothing changes); if every bucket is busy, some are dropped anyway,
     * which hands those keys a full bucket early.
     */
    public static RateLimitStore local(long maximumKeys) {
        if (maximumKeys < 1) {
            throw new IllegalArgumentException("maximumKeys must be at least 1");
        }
        return new RateLimitStore(maximumKeys, null, null);
    }

    /** Shared buckets in the PostgreSQL table {@value #DEFAULT_TABLE}; see {@link #postgreSql(DataSource, String)}. */
    public static RateLimitStore postgreSql(DataSource dataSource) {
        return postgreSql(dataSource, DEFAULT_TABLE);
    }

    /**
     * Shared buckets in a PostgreSQL table, created with {@link #postgreSqlSchema(String)} (or
     * {@link #createPostgreSqlTable}). Rows of buckets that have refilled are deleted in small
     * batches now and then by a request thread. If the database fails, limited requests get 503.
     *
     * @param dataSource a pooled data source for the database (one connection per limited request)
     * @param table      the table, {@code [a-z_][a-z0-9_]*}, optionally schema-qualified
     */
    public static RateLimitStore postgreSql(DataSource dataSource, String table) {
        requireNonNull(dataSource, "dataSource");
        return new RateLimitStore(0, dataSource, checkTable(table));
    }

    /** The DDL of the table {@link #postgreSql(DataSource, String)} uses. */
    public static String postgreSqlSchema(String table) {
        return "CREATE TABLE IF NOT EXISTS " + checkTable(table)
                + " (id VARCHAR(128) PRIMARY KEY, state BYTEA, expires_at BIGINT)";
    }

    /**
     * Runs {@link #postgreSqlSchema(String)} (idempotent).
     *
     * @throws KeyStoreException if the database fails
     */
    public static void createPostgreSqlTable(DataSource dataSource, String table) {
        requireNonNull(dataSource, "dataSource");
        String ddl = postgreSqlSchema(table);
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(ddl);
        } catch (SQLException e) {
            throw new KeyStoreException("createRateLimitTable", e);
        }
    }

    private static String checkTable(String table) {
        requireNonNull(table, "table");
        // Spliced into SQL, so validated, never quoted through.
        if (!IDENTIFIER.matcher(table).matches()) {
            throw new IllegalArgumentException("table must match [a-z_][a-z0-9_]*, optionally schema-qualified");
        }
        return table;
    }

    Buckets open(Clock clock) {
        return dataSource == null
                ? new LocalBuckets(maximumKeys, clock)
                : new PostgresBuckets(dataSource, table, clock);
    }

    @Override
    public String toString() {
        return dataSource == null ? "RateLimitStore[local, maximumKeys=" + maximumKeys + "]"
                : "RateLimitStore[postgresql, table=" + table + "]";
    }
}
