package dev.keyvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.IssuedKey;
import dev.keyvault.KeyHashers;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.RejectionReason;
import dev.keyvault.VerificationResult;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;

/**
 * What the documentation promises a host that manages its schema with Flyway: add
 * {@link Dialect#schemaLocation()} and the placeholder {@code keyvault_prefix}, and the store works —
 * run here with Flyway itself, on H2 and on the real PostgreSQL.
 */
class FlywayTest {

    @Test
    void whenFlywayRunsTheScriptsFromTheDocumentedLocationThenTheStoreWorksAndMigrateHasNothingLeftToDo() {
        for (TestDatabase db : List.of(TestDatabase.h2Memory(), TestDatabase.postgres())) {
            try (db) {
                Flyway flyway = Flyway.configure()
                        .dataSource(db.dataSource())
                        .locations(db.dialect().schemaLocation())
                        .placeholders(Map.of("keyvault_prefix", "app_kv_"))
                        .load();

                MigrateResult first = flyway.migrate();
                assertThat(first.migrationsExecuted).as(db.dialect().name()).isEqualTo(JdbiKeyStore.SCHEMA_VERSION);
                assertThat(first.targetSchemaVersion).isEqualTo(Integer.toString(JdbiKeyStore.SCHEMA_VERSION));

                JdbiKeyStore store = JdbiKeyStore.builder(db.dataSource()).tablePrefix("app_kv_").build();
                assertThat(store.schemaVersion()).isEqualTo(JdbiKeyStore.SCHEMA_VERSION);
                assertThat(store.migrate()).isEqualTo(JdbiKeyStore.SCHEMA_VERSION); // nothing left to do, and no complaint
                assertThat(flyway.validateWithResult().validationSuccessful).isTrue();
                assertThat(flyway.migrate().migrationsExecuted).isZero();

                try (KeyManager keys = KeyManager.builder().store(store).hasher(KeyHashers.hmacSha256()).build()) {
                    IssuedKey issued = keys.issue(KeySpec.builder("acme", "flyway-managed").scopes("kb:read").build());
                    assertThat(keys.verify(issued.token()).isVerified()).isTrue();
                    keys.revoke(issued.id(), "test", "flyway-test");
                    assertThat(keys.verify(issued.token())).isInstanceOfSatisfying(VerificationResult.Rejected.class,
                            r -> assertThat(r.reason()).isEqualTo(RejectionReason.REVOKED));
                }
            }
        }
    }

    /** An installation Flyway put at version 1 (keyvault 0.1) with keys in it: Flyway upgrades it, the keys keep working. */
    @Test
    void whenFlywayUpgradesAVersion1DatabaseWithKeysThenTheyStillVerifyAndMoveToTheDefaultHasher() {
        for (TestDatabase db : List.of(TestDatabase.h2Memory(), TestDatabase.postgres())) {
            try (db) {
                Flyway v1 = Flyway.configure().dataSource(db.dataSource()).locations(db.dialect().schemaLocation())
                        .placeholders(Map.of("keyvault_prefix", "app_kv_")).target("1").load();
                assertThat(v1.migrate().targetSchemaVersion).isEqualTo("1");
                IssuedKey old = Version1.writeKeyAs01(db, "app_kv_");

                Flyway latest = Flyway.configure().dataSource(db.dataSource()).locations(db.dialect().schemaLocation())
                        .placeholders(Map.of("keyvault_prefix", "app_kv_")).load();
                assertThat(latest.migrate().migrationsExecuted).isEqualTo(JdbiKeyStore.SCHEMA_VERSION - 1);

                Version1.assertKeyStillWorks(JdbiKeyStore.builder(db.dataSource()).tablePrefix("app_kv_").build(), old);
            }
        }
    }
}
