package dev.keyvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.ApiKey;
import dev.keyvault.Credits;
import dev.keyvault.IpAllowlist;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyHashers;
import dev.keyvault.KeyManager;
import dev.keyvault.KeyQuery;
import dev.keyvault.KeyUpdate;
import dev.keyvault.Peppers;
import dev.keyvault.RejectionReason;
import dev.keyvault.UsageEvent;
import dev.keyvault.UsageRollup;
import dev.keyvault.VerificationRequest;
import dev.keyvault.VerificationResult;
import dev.keyvault.jdbc.internal.Schema;
import dev.keyvault.rotation.RotationDue;
import dev.keyvault.rotation.RotationPolicy;
import dev.keyvault.spi.RotationStamp;
import dev.keyvault.spi.StoredKey;
import dev.keyvault.testing.MutableClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * Databases written by earlier releases — schema version 1 (keyvault 0.1) and version 2 (imports),
 * with keys and usage in them — upgraded to version 3 by {@code migrate()} and by Flyway, on H2 and on
 * the real PostgreSQL: the keys keep verifying, their usage keeps its counts under the new primary
 * key, the new fields start empty, and the keys get their rotation due date before the first listing.
 */
class SchemaUpgradeTest {
    private static final String PREFIX = "keyvault_";

    @Test
    void whenMigrateUpgradesAVersion1DatabaseWithKeysAndUsageThenEverythingStillWorksOnVersion3() throws Exception {
        for (TestDatabase db : List.of(TestDatabase.h2Memory(), TestDatabase.postgres())) {
            try (db) {
                runScripts(db, 1);
                Old old = writeOldData(db, false);
                JdbiKeyStore store = JdbiKeyStore.builder(db.dataSource()).build();
                assertThat(store.schemaVersion()).isEqualTo(1);
                assertThat(store.migrate()).isEqualTo(3);
                assertUpgraded(store, old);
            }
        }
    }

    @Test
    void whenMigrateUpgradesAVersion2DatabaseWithImportedKeysAndUsageThenEverythingStillWorksOnVersion3() throws Exception {
        for (TestDatabase db : List.of(TestDatabase.h2Memory(), TestDatabase.postgres())) {
            try (db) {
                runScripts(db, 2);
                Old old = writeOldData(db, true);
                JdbiKeyStore store = JdbiKeyStore.builder(db.dataSource()).build();
                assertThat(store.schemaVersion()).isEqualTo(2);
                assertThat(store.migrate()).isEqualTo(3);
                assertThat(store.migrate()).as("idempotent").isEqualTo(3);
                assertUpgraded(store, old);
            }
        }
    }

    @Test
    void whenFlywayUpgradesVersion1And2DatabasesWithDataThenEverythingStillWorksOnVersion3() throws Exception {
        for (int from : List.of(1, 2)) {
            for (TestDatabase db : List.of(TestDatabase.h2Memory(), TestDatabase.postgres())) {
                try (db) {
                    Flyway old = Flyway.configure().dataSource(db.dataSource()).locations(db.dialect().schemaLocation())
                            .placeholders(Map.of("keyvault_prefix", PREFIX)).target(Integer.toString(from)).load();
                    assertThat(old.migrate().targetSchemaVersion).isEqualTo(Integer.toString(from));
                    Old data = writeOldData(db, from == 2);
                    Flyway latest = Flyway.configure().dataSource(db.dataSource()).locations(db.dialect().schemaLocation())
                            .placeholders(Map.of("keyvault_prefix", PREFIX)).load();
                    assertThat(latest.migrate().migrationsExecuted).as("from %d on %s", from, db.dialect()).isEqualTo(3 - from);
                    assertThat(latest.validateWithResult().validationSuccessful).isTrue();
                    JdbiKeyStore store = JdbiKeyStore.builder(db.dataSource()).build();
                    assertThat(store.migrate()).as("nothing left to do").isEqualTo(3);
                    assertUpgraded(store, data);
                }
            }
        }
    }

    /** What an older release left in the database. */
    private record Old(IssuedKey key, Instant minute, boolean imported) {}

    private static void runScripts(TestDatabase db, int through) throws Exception {
        Schema schema = new Schema(org.jdbi.v3.core.Jdbi.create(db.dataSource()), db.dialect(),
                db.dialect().schemaLocation().substring("classpath:".length()), PREFIX);
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            for (String script : Schema.SCRIPTS.subList(0, through)) {
                for (String statement : schema.load(script).split(";\\s*\n")) {
                    if (!statement.isBlank()) {
                        s.execute(statement);
                    }
                }
            }
        }
    }

    /** A key as 0.1 wrote it (imported columns too, on version 2) and two usage rows in the old primary key. */
    private static Old writeOldData(TestDatabase db, boolean version2) throws Exception {
        IssuedKey key = Version1.writeKeyAs01(db, PREFIX);
        Instant minute = UsageRollup.minuteOf(key.key().createdAt());
        try (Connection c = db.dataSource().getConnection()) {
            if (version2) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + PREFIX + "keys SET import_ref = 'old-1' WHERE id = ?")) {
                    ps.setString(1, key.id());
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + PREFIX + "usage (key_id, minute_ms, method, endpoint,"
                    + " client_ip, user_agent, consumer, http_status, request_count, first_seen_ms, last_seen_ms)"
                    + " VALUES (?, ?, 'GET', '/kb/**', ?, 'curl/8', '', 200, ?, ?, ?)")) {
                for (String ip : List.of("203.0.113.7", "203.0.113.8")) {
                    ps.setString(1, key.id());
                    ps.setLong(2, minute.toEpochMilli());
                    ps.setString(3, ip);
                    ps.setLong(4, 5);
                    ps.setLong(5, minute.toEpochMilli());
                    ps.setLong(6, minute.toEpochMilli() + 1_000);
                    ps.executeUpdate();
                }
            }
        }
        return new Old(key, minute, version2);
    }

    private static void assertUpgraded(JdbiKeyStore store, Old old) {
        StoredKey stored = store.find(old.key().id()).orElseThrow();
        ApiKey k = stored.key();
        assertThat(k.ipAllowlist()).isEqualTo(IpAllowlist.none());
        assertThat(k.metadata()).isEmpty();
        assertThat(k.creditAccount()).isEmpty();
        assertThat(stored.revision()).isZero();
        assertThat(stored.rotation()).as("not stamped by the script: the policy lives in the application").isEmpty();
        assertThat(stored.importRef().isPresent()).isEqualTo(old.imported());
        assertThat(store.usage(k.id(), old.minute(), old.minute().plusSeconds(60))).extracting(UsageRollup::clientIp,
                UsageRollup::count, UsageRollup::refusal).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("203.0.113.7", 5L, ""), org.assertj.core.groups.Tuple.tuple("203.0.113.8", 5L, ""));

        MutableClock clock = MutableClock.at(k.createdAt().plus(Duration.ofDays(400)));
        try (KeyManager today = KeyManager.builder().store(store).clock(clock).pepper(Peppers.of("v1", new byte[32]))
                .additionalHashers(KeyHashers.argon2id())
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build()) {
            assertThat(today.verify(old.key().token())).isInstanceOf(VerificationResult.Verified.class);

            List<RotationDue> due = today.rotationDue(clock.instant()).overdue();
            assertThat(due).extracting(d -> d.key().id()).containsExactly(k.id());
            assertThat(store.find(k.id()).orElseThrow().rotation()).contains(
                    new RotationStamp(k.createdAt().plus(Duration.ofDays(365)), RotationPolicy.defaults().fingerprint()));

            // the new primary key: a refused request of the same shape is a rollup of its own, the old one adds up
            today.recordUsage(k.id(), UsageEvent.of(old.minute(), "GET", "/kb/**", "203.0.113.7", 200, "curl/8"));
            today.recordUsage(k.id(), UsageEvent.of(old.minute(), "GET", "/kb/**", "203.0.113.7", 200, "curl/8")
                    .withRefusal(RejectionReason.IP_NOT_ALLOWED));
            today.flush();
            assertThat(store.usage(k.id(), old.minute(), old.minute().plusSeconds(60))).extracting(UsageRollup::clientIp,
                    UsageRollup::count, UsageRollup::refusal).containsExactlyInAnyOrder(
                    org.assertj.core.groups.Tuple.tuple("203.0.113.7", 6L, ""),
                    org.assertj.core.groups.Tuple.tuple("203.0.113.8", 5L, ""),
                    org.assertj.core.groups.Tuple.tuple("203.0.113.7", 1L, "IP_NOT_ALLOWED"));

            ApiKey changed = today.update(k.id(), KeyUpdate.builder().ipAllowlist(IpAllowlist.of("10.0.0.0/8"))
                    .metadata(Map.of("plan", "legacy")).credits(Credits.of(1)).build());
            assertThat(store.find(k.id()).orElseThrow().revision()).isEqualTo(1);
            assertThat(today.list(KeyQuery.all().withMetadata("plan", "legacy"))).containsExactly(changed);
            assertThat(today.verify(VerificationRequest.of(old.key().token()).withClientAddress("10.0.0.1")).isVerified()).isTrue();
            assertThat(today.verify(VerificationRequest.of(old.key().token()).withClientAddress("10.0.0.1")))
                    .isEqualTo(new VerificationResult.Rejected(RejectionReason.CREDITS_EXHAUSTED, java.util.Optional.of(k.id())));
        }
    }
}
