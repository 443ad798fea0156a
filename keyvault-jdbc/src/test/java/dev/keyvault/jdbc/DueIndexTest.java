package dev.keyvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.KeyQuery;
import dev.keyvault.jdbc.internal.Sql;
import dev.keyvault.spi.DueQuery;
import dev.keyvault.spi.StoredKey;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * "Rotations due" over 100,000 keys on the real PostgreSQL is a range scan of the due-date index, not
 * a scan of the keys: the plan is asserted, the time of a page printed (not asserted). The keys are
 * written by SQL, the way a large installation's table looks after years: stamped, some revoked.
 */
class DueIndexTest {
    private static final int KEYS = 100_000;

    @Test
    void whenAHundredThousandKeysAreStoredThenAPageOfDueKeysIsAnIndexRangeScan() {
        try (TestDatabase.PostgresSchema db = (TestDatabase.PostgresSchema) TestDatabase.postgres()) {
            JdbiKeyStore store = db.migratedStore();
            long base = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
            Jdbi jdbi = Jdbi.create(db.dataSource());
            jdbi.useHandle(h -> {
                h.execute("INSERT INTO keyvault_keys (id, prefix, owner, name, scopes, tier, environment, tags, created_at_ms,"
                        + " status, revoked_at_ms, revoked_reason, revoked_by, compromised, hash, rotation_due_at_ms, rotation_policy)"
                        + " SELECT lpad(g::text, 12, '0'), 'kv', 'owner ' || (g % 1000), 'key ' || g, 'kb:read', 'default',"
                        + " CASE WHEN g % 3 = 0 THEN 'production' ELSE 'staging' END, '', " + base + " + g * 60000,"
                        + " CASE WHEN g % 10 = 0 THEN 'REVOKED' ELSE 'ACTIVE' END,"
                        + " CASE WHEN g % 10 = 0 THEN " + base + " ELSE NULL END, CASE WHEN g % 10 = 0 THEN 'r' ELSE NULL END,"
                        + " CASE WHEN g % 10 = 0 THEN 'ops' ELSE NULL END, FALSE, '$test$v=1$x',"
                        + " CASE WHEN g % 10 = 0 THEN NULL ELSE " + base + " + g * 60000 + 31536000000 END,"
                        + " CASE WHEN g % 10 = 0 THEN NULL ELSE 'p' END"
                        + " FROM generate_series(1::bigint, " + KEYS + "::bigint) AS g");
                h.execute("ANALYZE keyvault_keys");
            });
            long dueBy = base + 31_536_000_000L + 20_000L * 60_000;
            Sql sql = new Sql(Dialect.POSTGRESQL, "keyvault_");
            for (boolean after : List.of(false, true)) {
                String plan = jdbi.withHandle(h -> {
                    var q = h.createQuery("EXPLAIN " + sql.listDue(false, false, false, after, 0))
                            .bind("dueBy", dueBy).bind("activeAt", base).bind("limit", 100);
                    if (after) {
                        q.bind("afterDue", dueBy - 5_000L * 60_000).bind("afterId", "000000015000");
                    }
                    return String.join("\n", q.mapTo(String.class).list());
                });
                assertThat(plan).as(plan).contains("Index Scan using keyvault_keys_rotation_due").doesNotContain("Seq Scan");
            }

            DueQuery first = new DueQuery(Instant.ofEpochMilli(dueBy), Instant.ofEpochMilli(base), KeyQuery.all(), Optional.empty(),
                    Optional.empty(), 100);
            DueQuery deep = new DueQuery(Instant.ofEpochMilli(dueBy), Instant.ofEpochMilli(base), KeyQuery.all(),
                    Optional.of(Instant.ofEpochMilli(dueBy - 2_000L * 60_000)), Optional.of("000000018000"), 100);
            List<StoredKey> page = store.listRotationDue(first);
            List<StoredKey> later = store.listRotationDue(deep);
            long[] firstTimes = new long[31];
            long[] deepTimes = new long[31];
            for (int i = 0; i < firstTimes.length; i++) { // the median of 31, after the JIT has seen the mapping
                long start = System.nanoTime();
                store.listRotationDue(first);
                firstTimes[i] = System.nanoTime() - start;
                start = System.nanoTime();
                store.listRotationDue(deep);
                deepTimes[i] = System.nanoTime() - start;
            }
            java.util.Arrays.sort(firstTimes);
            java.util.Arrays.sort(deepTimes);
            long firstPage = firstTimes[15];
            long deepPage = deepTimes[15];
            StoredKey last = page.get(page.size() - 1);
            assertThat(page).hasSize(100);
            assertThat(page.get(0).id()).isEqualTo("000000000001");
            assertThat(last.id()).isEqualTo("000000000111"); // every tenth key is revoked
            assertThat(later.get(0).id()).isEqualTo("000000018001");
            System.out.printf(Locale.ROOT, "rotations due over %,d keys on PostgreSQL: first page of 100 in %.2f ms, a page"
                    + " 18,000 keys in %.2f ms (medians of 31, index range scans)%n", KEYS, firstPage / 1e6, deepPage / 1e6);
        }
    }
}
