package dev.keyvault.servlet.internal;

import dev.keyvault.KeyStoreException;
import dev.keyvault.servlet.RateLimitProbe;
import dev.keyvault.servlet.Tier;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buckets shared by every node through one PostgreSQL table, with bucket4j's
 * {@code SELECT … FOR UPDATE} proxy manager. (Its advisory-lock variant binds the key to
 * {@code pg_advisory_xact_lock(bigint)}, which needs numeric keys; ours are strings.) The client
 * clock is the filter's clock, so nodes agree on time and tests can move it.
 *
 * <p>A row is given an expiry once its bucket would be full again (plus a margin); every ten
 * minutes one request thread deletes a small batch of expired rows, so the table stays the size of
 * the set of recently active keys without a scheduler thread of ours.
 */
public final class PostgresBuckets implements Buckets {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresBuckets.class);
    private static final long CLEANUP_EVERY_MILLIS = Duration.ofMinutes(10).toMillis();
    private static final int CLEANUP_BATCH = 1_000;

    private final PostgreSQLSelectForUpdateBasedProxyManager<String> proxies;
    private final Clock clock;
    private final ConcurrentHashMap<Tier, BucketConfiguration> configurations = new ConcurrentHashMap<>();
    private final AtomicLong lastCleanup;
    private final AtomicBoolean cleaning = new AtomicBoolean();

    public PostgresBuckets(DataSource dataSource, String table, Clock clock) {
        this.clock = clock;
        this.lastCleanup = new AtomicLong(clock.millis());
        this.proxies = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table(table)
                .idColumn("id")
                .stateColumn("state")
                .expiresAtColumn("expires_at")
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1)))
                .clientClock(new ClockTimeMeter(clock))
                .build();
    }

    @Override
    public RateLimitProbe tryConsume(String keyId, Tier tier) {
        BucketConfiguration configuration = configurations.computeIfAbsent(tier, t -> BucketConfiguration.builder()
                .addLimit(l -> l.capacity(t.burst()).refillGreedy(t.requests(), t.period()))
                .build());
        RateLimitProbe probe;
        try {
            probe = Probes.of(proxies.builder().build(Buckets.bucketKey(keyId, tier), () -> configuration)
                    .tryConsumeAndReturnRemaining(1), tier);
        } catch (RuntimeException e) {
            // bucket4j wraps SQLExceptions in its own unchecked exceptions; the filter answers 503.
            throw new KeyStoreException("rateLimit", e);
        }
        maybeCleanUp();
        return probe;
    }

    private void maybeCleanUp() {
        long now = clock.millis();
        long last = lastCleanup.get();
        if (now - last < CLEANUP_EVERY_MILLIS || !lastCleanup.compareAndSet(last, now) || !cleaning.compareAndSet(false, true)) {
            return;
        }
        try {
            int removed = proxies.removeExpired(CLEANUP_BATCH);
            LOG.debug("removed {} expired rate-limit buckets", removed);
        } catch (RuntimeException e) {
            LOG.debug("removing expired rate-limit buckets failed: {}", e.getClass().getName());
        } finally {
            cleaning.set(false);
        }
    }
}
