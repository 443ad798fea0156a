package dev.keyvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.IssuedKey;
import dev.keyvault.KeyHashers;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.UsageEvent;
import dev.keyvault.UsageRollup;
import dev.keyvault.contract.StoreValues;
import dev.keyvault.spi.StoredKey;
import dev.keyvault.spi.UsageBatch;
import dev.keyvault.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
import org.junit.jupiter.api.Test;

/** Usage is written in a constant number of statements per batch, and exactly under concurrency. */
class UsageWritesTest {

    /** Counts the statements JDBI executes (a prepared batch counts once, as it is sent once). */
    static final class StatementCounter implements SqlLogger {
        final AtomicInteger statements = new AtomicInteger();

        @Override
        public void logAfterExecution(StatementContext context) {
            statements.incrementAndGet();
        }
    }

    @Test
    void whenABatchOfThousandsOfRollupsIsAppliedThenItTakesOneStatementPerTable() {
        for (TestDatabase db : List.of(TestDatabase.h2Memory(), TestDatabase.postgres())) {
            try (db) {
                StatementCounter counter = new StatementCounter();
                Jdbi jdbi = Jdbi.create(db.dataSource());
                jdbi.setSqlLogger(counter);
                JdbiKeyStore store = JdbiKeyStore.builder(jdbi).build();
                store.migrate();
                List<StoredKey> keys = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    StoredKey k = StoreValues.newKey("acme", "k" + i);
                    store.insert(k, StoreValues.issued(k));
                    keys.add(k);
                }
                Instant minute = UsageRollup.minuteOf(StoreValues.T0);
                List<UsageRollup> rollups = new ArrayList<>();
                Map<String, Instant> lastUsed = new HashMap<>();
                for (StoredKey k : keys) {
                    for (int e = 0; e < 10; e++) {
                        rollups.add(new UsageRollup(k.id(), minute, "GET", "/e" + e, "10.0.0.1", "", "", 200, 3, minute, minute));
                    }
                    lastUsed.put(k.id(), minute.plusSeconds(1));
                }

                counter.statements.set(0);
                store.applyUsage(new UsageBatch(rollups, lastUsed));
                int first = counter.statements.get();
                counter.statements.set(0);
                store.applyUsage(new UsageBatch(rollups, lastUsed));
                int second = counter.statements.get();

                assertThat(first).as("%s: 3,000 rollups and 300 keys, all new", db.dialect()).isEqualTo(2);
                assertThat(second).as("%s: the same again, all updates", db.dialect()).isEqualTo(2);
                assertThat(store.usage(keys.get(7).id(), minute, minute.plusSeconds(60)))
                        .hasSize(10).allSatisfy(r -> assertThat(r.count()).isEqualTo(6));
            }
        }
    }

    @Test
    void whenAManagerFlushesAHundredThousandRequestsThenStatementsGrowWithBatchesNotRequests() {
        try (TestDatabase db = TestDatabase.postgres()) {
            StatementCounter counter = new StatementCounter();
            Jdbi jdbi = Jdbi.create(db.dataSource());
            jdbi.setSqlLogger(counter);
            JdbiKeyStore store = JdbiKeyStore.builder(jdbi).build();
            store.migrate();
            MutableClock clock = MutableClock.create();
            try (KeyManager keys = KeyManager.builder().store(store).clock(clock).hasher(KeyHashers.hmacSha256())
                    .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build()) {
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    ids.add(keys.issue(KeySpec.builder("acme", "k" + i).build()).id());
                }
                counter.statements.set(0);
                for (int i = 0; i < 100_000; i++) {
                    keys.recordUsage(ids.get(i % 100), UsageEvent.of(clock.instant(), "GET", "/e" + (i / 100 % 10),
                            "10.0.0." + (i / 1000 % 20), 200));
                }
                assertThat(keys.flush()).isEqualTo(100_000);
                // 100 keys x 10 endpoints x 20 addresses in one minute: 20,000 rollups, written in batches
                // of thousands at two statements each
                int statements = counter.statements.get();
                System.out.printf("100,000 requests as 20,000 rollups: %d statements%n", statements);
                assertThat(statements).isBetween(2, 40);
                long total = 0;
                for (String id : ids) {
                    total += keys.usage(id, Instant.EPOCH, clock.instant().plusSeconds(60)).stream()
                            .mapToLong(UsageRollup::count).sum();
                }
                assertThat(total).isEqualTo(100_000);
            }
        }
    }

    @Test
    void whenTwoNodesFlushOverlappingUsageAtOnceThenNothingDeadlocksAndCountsAreExact() throws Exception {
        try (TestDatabase db = TestDatabase.postgres()) {
            JdbiKeyStore setup = db.migratedStore();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                StoredKey k = StoreValues.newKey("acme", "k" + i);
                setup.insert(k, StoreValues.issued(k));
                ids.add(k.id());
            }
            MutableClock clock = MutableClock.create();
            int nodes = 3;
            int rounds = 20;
            ExecutorService pool = Executors.newFixedThreadPool(nodes);
            List<KeyManager> managers = new ArrayList<>();
            try {
                List<Future<?>> running = new ArrayList<>();
                for (int n = 0; n < nodes; n++) {
                    // each node its own store and connections, as separate processes would have
                    JdbiKeyStore store = JdbiKeyStore.builder(((TestDatabase.PostgresSchema) db).unpooled()).build();
                    KeyManager m = KeyManager.builder().store(store).clock(clock).hasher(KeyHashers.hmacSha256())
                            .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build();
                    managers.add(m);
                    int node = n;
                    running.add(pool.submit(() -> {
                        for (int r = 0; r < rounds; r++) {
                            for (int i = 0; i < 500; i++) {
                                // reverse order on odd nodes, so their rows would lock in opposite orders unsorted
                                String id = ids.get(node % 2 == 0 ? i % 50 : 49 - i % 50);
                                m.recordUsage(id, UsageEvent.of(clock.instant(), "GET", "/e" + (i % 5), "10.0.0.1", 200));
                            }
                            m.flush();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : running) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
                managers.forEach(KeyManager::close);
            }
            long total = 0;
            for (String id : ids) {
                total += setup.usage(id, Instant.EPOCH, clock.instant().plusSeconds(60)).stream().mapToLong(UsageRollup::count).sum();
                assertThat(setup.find(id).orElseThrow().key().lastUsedAt()).contains(clock.instant());
            }
            assertThat(total).isEqualTo((long) nodes * rounds * 500);
        }
    }
}
