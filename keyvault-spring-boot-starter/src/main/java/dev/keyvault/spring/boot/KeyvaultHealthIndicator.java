package dev.keyvault.spring.boot;

import static java.util.Objects.requireNonNull;

import dev.keyvault.KeyManager;
import dev.keyvault.PepperStatus;
import dev.keyvault.spi.KeyStore;
import java.time.Duration;
import java.util.Optional;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * keyvault's health: whether the key store answers, whether this node follows the change feed (so
 * revocations made on other nodes reach it) and how far behind it is, and the pepper status.
 *
 * <ul>
 *   <li>{@code DOWN} when the store cannot be read ({@code store: unreachable}), or when the
 *       follower is {@code stalled}: the store has entries this node has not applied and its applied
 *       sequence has not moved for ten poll intervals (at least 30 seconds) — revocations elsewhere
 *       would not reach it;</li>
 *   <li>{@code UP} otherwise, with details {@code store}, {@code feed.follower} ({@code running},
 *       {@code stalled}, {@code disabled} with a zero poll interval), {@code feed.sequence},
 *       {@code feed.latest}, {@code feed.lag}, {@code pepper} ({@code CONFIGURED},
 *       {@code NOT_CONFIGURED} with a {@code warning}, …), {@code cachedKeys} and
 *       {@code unflushedRequests}.</li>
 * </ul>
 * Each check reads the store's latest sequence: one indexed query. Thread-safe.
 */
public final class KeyvaultHealthIndicator extends AbstractHealthIndicator {
    private final KeyManager keys;
    private final KeyStore store;
    private final Duration pollInterval;
    private final long stallMillis;
    private final Object lock = new Object();
    private long lastApplied = -1;
    private long appliedSince;

    /**
     * @param keys         the manager
     * @param store        its store, if known (without it, only what the manager knows is reported)
     * @param pollInterval the manager's change-feed poll interval ({@code keyvault.change-feed-poll-interval})
     */
    public KeyvaultHealthIndicator(KeyManager keys, Optional<KeyStore> store, Duration pollInterval) {
        super("keyvault health check failed");
        this.keys = requireNonNull(keys, "keys");
        this.store = requireNonNull(store, "store").orElse(null);
        this.pollInterval = requireNonNull(pollInterval, "pollInterval");
        this.stallMillis = Math.max(30_000, pollInterval.toMillis() * 10);
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        KeyManager.Stats stats = keys.stats();
        PepperStatus pepper = keys.pepperStatus();
        builder.withDetail("pepper", pepper.name());
        if (pepper == PepperStatus.NOT_CONFIGURED) {
            builder.withDetail("warning", "keys are hashed without a pepper: set KEYVAULT_PEPPER in production");
        }
        builder.withDetail("cachedKeys", stats.cachedKeys()).withDetail("unflushedRequests", stats.unflushedRequests());
        builder.withDetail("feed.sequence", stats.feedSequence());
        if (store == null) {
            builder.up().withDetail("store", "unknown");
            return;
        }
        long latest;
        try {
            latest = store.latestSequence();
        } catch (RuntimeException e) {
            builder.down().withDetail("store", "unreachable").withDetail("error", e.getClass().getSimpleName());
            return;
        }
        long lag = Math.max(0, latest - stats.feedSequence());
        builder.withDetail("store", "reachable").withDetail("feed.latest", latest).withDetail("feed.lag", lag);
        String follower = follower(stats.feedSequence(), lag);
        builder.withDetail("feed.follower", follower);
        if (follower.equals("stalled")) {
            builder.down();
        } else {
            builder.up();
        }
    }

    private String follower(long applied, long lag) {
        if (pollInterval.isZero()) {
            return "disabled";
        }
        long now = keys.clock().millis();
        synchronized (lock) {
            if (applied != lastApplied || lag == 0) {
                lastApplied = applied;
                appliedSince = now;
                return "running";
            }
            return now - appliedSince >= stallMillis ? "stalled" : "running";
        }
    }
}
