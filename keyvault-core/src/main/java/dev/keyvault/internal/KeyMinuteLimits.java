package dev.keyvault.internal;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one key may put into one minute of usage, so that no key — a flood of forged user agents,
 * a key embedded in an app used from thousands of addresses — can fill the buffer or the database:
 *
 * <ul>
 *   <li>at most {@code maxAgents} distinct user agents and {@code maxConsumers} distinct consumer
 *       labels; the requests of any others are counted under {@code (other user agents)} /
 *       {@code (other consumers)}, still per client address, so a consumer's address stays visible;</li>
 *   <li>at most {@code maxRollups} rollups; beyond them every client dimension is folded, leaving
 *       one rollup per method, endpoint and status (host-chosen, few), under
 *       {@code (other addresses)}.</li>
 * </ul>
 *
 * Folding keeps every request counted and the key's last use exact; it only gives up telling some
 * clients apart. Budgets are consulted only when a rollup is created (or a folded one looked up),
 * never on the path of a request that lands in an existing rollup. Thread-safe.
 */
final class KeyMinuteLimits {
    private final int maxAgents;
    private final int maxConsumers;
    private final int maxRollups;
    private final ConcurrentHashMap<KeyMinute, Budget> budgets = new ConcurrentHashMap<>();

    KeyMinuteLimits(int maxAgents, int maxConsumers, int maxRollups) {
        this.maxAgents = maxAgents;
        this.maxConsumers = maxConsumers;
        this.maxRollups = maxRollups;
    }

    /** The budget of {@code key}'s key and minute. */
    Budget budget(RollupKey key) {
        return budgets.computeIfAbsent(new KeyMinute(key.keyId, key.minute), k -> new Budget());
    }

    /** Forgets the budgets of minutes before {@code minute} (their rollups are written). */
    void prune(long minute) {
        budgets.keySet().removeIf(k -> k.minute < minute);
    }

    private record KeyMinute(String keyId, long minute) {}

    /** One key's minute. */
    final class Budget {
        private final Set<String> agents = new HashSet<>();
        private final Set<String> consumers = new HashSet<>();
        private int rollups;

        /** The key a request of {@code key} is counted under: {@code key} itself, or a folded copy. */
        synchronized RollupKey admit(RollupKey key) {
            if (rollups >= maxRollups) {
                return key.folded(true, true, true);
            }
            boolean foldAgent = !key.userAgent.isEmpty() && !admit(agents, key.userAgent, maxAgents);
            boolean foldConsumer = !key.consumer.isEmpty() && !admit(consumers, key.consumer, maxConsumers);
            return foldAgent || foldConsumer ? key.folded(foldAgent, foldConsumer, false) : key;
        }

        private boolean admit(Set<String> seen, String value, int max) {
            return seen.contains(value) || (seen.size() < max && seen.add(value));
        }

        /** A rollup was created under this budget (folded-address rollups are not counted: they are few by construction). */
        synchronized void created(RollupKey key) {
            if (!key.isAddressFolded()) {
                rollups++;
            }
        }
    }
}
