package dev.keyvault.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.KeyEventListener;
import dev.keyvault.UsageEvent;
import dev.keyvault.UsageRollup;
import dev.keyvault.memory.InMemoryKeyStore;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The shape of usage recording under hostile cardinality: every dimension reaches the hash, and the
 * bounds hold when one key sends 20,000 user agents or addresses in a minute. Structural: no timing.
 */
class UsageCoalescerTest {
    private static final String KEY = "AAAAAAAAAAAA";
    private static final String OTHER_KEY = "BBBBBBBBBBBB";
    private static final Instant T = Instant.parse("2026-06-01T12:00:00Z");

    private final List<String> reports = new CopyOnWriteArrayList<>();
    private final KeyEventListener listener = new KeyEventListener() {
        @Override
        public void onUsageDropped(long requests, String why) {
            reports.add("dropped " + requests + ": " + why);
        }

        @Override
        public void onUsageFolded(long requests, String why) {
            reports.add("folded " + requests + ": " + why);
        }
    };

    private static UsageEvent agent(int i) {
        return UsageEvent.of(T, "GET", "/articles/**", "203.0.113.9", 200, "agent/" + i);
    }

    @Test
    void whenEventsDifferInOneDimensionThenTheirRollupsLandInDistinctHashBins() {
        long minute = T.toEpochMilli() / 60_000;
        Set<Integer> agents = new HashSet<>();
        Set<Integer> methods = new HashSet<>();
        Set<Integer> consumers = new HashSet<>();
        Set<Integer> statuses = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            agents.add(new RollupKey(KEY, minute, agent(i)).hashCode());
            consumers.add(new RollupKey(KEY, minute, UsageEvent.of(T, "GET", "/a", "203.0.113.9", 200).withConsumer("c" + i))
                    .hashCode());
        }
        for (int i = 0; i < 26 * 26; i++) {
            String method = "M" + (char) ('A' + i / 26) + (char) ('A' + i % 26);
            methods.add(new RollupKey(KEY, minute, UsageEvent.of(T, method, "/a", "203.0.113.9", 200)).hashCode());
        }
        for (int s = 100; s < 600; s++) {
            statuses.add(new RollupKey(KEY, minute, UsageEvent.of(T, "GET", "/a", "203.0.113.9", s)).hashCode());
        }
        assertThat(agents).as("distinct hashes of 20,000 user agents").hasSizeGreaterThan(19_990);
        assertThat(consumers).as("of 20,000 consumer labels").hasSizeGreaterThan(19_990);
        assertThat(methods).as("of 676 methods").hasSize(26 * 26);
        assertThat(statuses).as("of 500 statuses").hasSize(500);
    }

    @Test
    void whenOneKeySendsTwentyThousandUserAgentsThenTwentyAreKeptTheRestFoldedAndEveryRequestCounted() {
        UsageCoalescer usage = new UsageCoalescer(100_000, 32L << 20, 20, 20, 1_000, listener);
        InMemoryKeyStore store = InMemoryKeyStore.create();
        for (int i = 0; i < 20_000; i++) {
            usage.record(KEY, agent(i));
        }
        usage.record(OTHER_KEY, agent(1)); // another key is not affected by the flood

        assertThat(usage.bufferedRollups()).isEqualTo(20 + 1 + 1);
        assertThat(usage.foldedRequests()).isEqualTo(20_000 - 20);
        assertThat(usage.droppedRequests()).isZero();
        assertThat(usage.flush(store)).isEqualTo(20_001);

        List<UsageRollup> rollups = store.usage(KEY, T.minusSeconds(60), T.plusSeconds(60));
        assertThat(rollups).hasSize(21);
        assertThat(rollups).extracting(UsageRollup::count).containsOnly(1L, 20_000L - 20);
        UsageRollup other = rollups.stream().filter(UsageRollup::isFolded).findFirst().orElseThrow();
        assertThat(other.userAgent()).isEqualTo(UsageRollup.OTHER_AGENTS);
        assertThat(other.clientIp()).as("the address stays visible").isEqualTo("203.0.113.9");
        assertThat(store.usage(OTHER_KEY, T.minusSeconds(60), T.plusSeconds(60))).singleElement()
                .extracting(UsageRollup::userAgent).isEqualTo("agent/1");
        assertThat(reports).singleElement().asString().startsWith("folded 19980: ").contains(KEY + ": 19980");
    }

    @Test
    void whenOneKeySendsFromTwentyThousandAddressesThenItsRollupsAreCappedAndTheRestFolded() {
        UsageCoalescer usage = new UsageCoalescer(100_000, 32L << 20, 20, 20, 1_000, listener);
        InMemoryKeyStore store = InMemoryKeyStore.create();
        for (int i = 0; i < 20_000; i++) {
            usage.record(KEY, UsageEvent.of(T, "GET", "/articles/**", "10.0." + (i / 250) + "." + (i % 250), 200));
        }
        assertThat(usage.bufferedRollups()).isEqualTo(1_000 + 1);
        assertThat(usage.flush(store)).isEqualTo(20_000);
        List<UsageRollup> rollups = store.usage(KEY, T.minusSeconds(60), T.plusSeconds(60));
        assertThat(rollups).hasSize(1_001);
        assertThat(rollups).filteredOn(UsageRollup::isFolded).singleElement()
                .satisfies(r -> assertThat(r.clientIp()).isEqualTo(UsageRollup.OTHER_ADDRESSES))
                .extracting(UsageRollup::count).isEqualTo(19_000L);
    }

    @Test
    void whenTheByteBoundIsReachedThenNewRollupsAreDroppedCountedAndTheirKeysLastUseStillWritten() {
        long bound = 64 * 1024;
        UsageCoalescer usage = new UsageCoalescer(100_000, bound, 20, 20, 1_000_000, listener);
        InMemoryKeyStore store = InMemoryKeyStore.create();
        int recorded = 0;
        for (int i = 0; i < 5_000; i++) {
            usage.record(KEY, UsageEvent.of(T.plusMillis(i), "GET", "/e/" + i, "203.0.113.9", 200));
            recorded++;
            assertThat(usage.bufferedBytes()).isLessThanOrEqualTo(bound);
        }
        long kept = usage.bufferedRollups();
        assertThat(kept).isBetween(50L, 200L);
        assertThat(usage.droppedRequests()).isEqualTo(recorded - kept);

        assertThat(usage.flush(store)).isEqualTo(kept);
        long dropped = recorded - kept;
        assertThat(reports).anySatisfy(r -> assertThat(r).startsWith("dropped " + dropped + ": ")
                .contains(KEY).contains("last use is still recorded"));
        assertThat(usage.bufferedBytes()).as("idle live rollups retire at the next flush").isPositive();
        usage.flush(store);
        assertThat(usage.bufferedBytes()).isZero();
        assertThat(usage.bufferedRollups()).isZero();
    }

    @Test
    void whenUsageIsDroppedThenTheBatchStillMovesTheKeysLastUse() {
        UsageCoalescer usage = new UsageCoalescer(1, 32L << 20, 20, 20, 1_000, listener);
        RecordingStore store = new RecordingStore();
        usage.record(KEY, UsageEvent.of(T, "GET", "/a", "203.0.113.9", 200));
        usage.record(OTHER_KEY, UsageEvent.of(T.plusSeconds(30), "GET", "/a", "203.0.113.9", 200)); // buffer full

        usage.flush(store);

        assertThat(usage.droppedRequests()).isEqualTo(1);
        assertThat(store.lastUsed).containsEntry(KEY, T).containsEntry(OTHER_KEY, T.plusSeconds(30));
        store.lastUsed.clear();
        usage.flush(store);
        assertThat(store.lastUsed).as("written once").isEmpty();
    }

    /** An in-memory store that remembers the last-use times of the batches it was given. */
    private static final class RecordingStore extends dev.keyvault.support.DelegatingKeyStore {
        final java.util.Map<String, Instant> lastUsed = new java.util.HashMap<>();

        RecordingStore() {
            super(InMemoryKeyStore.create());
        }

        @Override
        public void applyUsage(dev.keyvault.spi.UsageBatch batch) {
            lastUsed.putAll(batch.lastUsed());
            super.applyUsage(batch);
        }
    }
}
