package dev.keyvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.keyvault.DuplicateKeyException;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyHashers;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.KeyStoreException;
import dev.keyvault.contract.StoreValues;
import dev.keyvault.spi.StoredKey;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The drivers put row values into their messages; ours name the operation and the SQLState only, and
 * keep the driver's exception as the cause. A failing database never verifies an uncached key.
 */
class FailureMessagesTest {

    @Test
    void whenTheFeedCounterRowIsMissingThenEveryFeedOperationSaysToMigrate() {
        try (TestDatabase db = TestDatabase.h2Memory()) {
            JdbiKeyStore store = db.migratedStore();
            SchemaTest.execute(db.dataSource(), "DELETE FROM keyvault_feed_state");
            StoredKey key = StoreValues.newKey("acme", "k");
            for (Runnable operation : List.<Runnable>of(
                    () -> store.insert(key, StoreValues.issued(key)),
                    store::latestSequence,
                    () -> store.pruneChanges(StoreValues.T0))) {
                assertThat(catchThrowable(operation::run)).isInstanceOf(KeyStoreException.class)
                        .hasMessageContaining("the keyvault_feed_state row is missing; run migrate()");
            }
        }
    }

    @Test
    void whenADriverMessageEchoesTheStoredHashThenOurMessageDoesNot() {
        try (TestDatabase db = TestDatabase.postgres()) {
            JdbiKeyStore store = db.migratedStore();
            // A constraint PostgreSQL reports with "Failing row contains (...)", every column included.
            SchemaTest.execute(db.dataSource(), "ALTER TABLE keyvault_keys ADD CONSTRAINT no_test_hashes CHECK (hash NOT LIKE '$test$%')");
            StoredKey key = StoreValues.newKey("Secret Owner", "Secret Name");

            Throwable thrown = catchThrowable(() -> store.insert(key, StoreValues.issued(key)));

            assertThat(thrown).isInstanceOf(KeyStoreException.class);
            assertThat(((KeyStoreException) thrown).operation()).isEqualTo("insert");
            assertThat(thrown.getMessage()).isEqualTo(
                    "key store operation 'insert' failed: integrity constraint violation (SQLState 23514)");
            assertThat(thrown.getCause()).isInstanceOf(SQLException.class);
            assertThat(thrown.getCause().getMessage()).as("the driver does echo the row").contains(key.hash());
            assertThat(thrown.toString()).doesNotContain(key.hash()).doesNotContain("Secret");
        }
    }

    @Test
    void whenAUniqueViolationEchoesTheRowThenTheDuplicateKeyMessageDoesNot() {
        for (TestDatabase db : List.of(TestDatabase.h2Memory(), TestDatabase.postgres())) {
            try (db) {
                JdbiKeyStore store = db.migratedStore();
                StoredKey first = StoreValues.newKey("Private Owner", "Private Name");
                store.insert(first, StoreValues.issued(first));
                StoredKey clash = StoreValues.newKey("Private Owner", "Private Name");

                Throwable thrown = catchThrowable(() -> store.insert(clash, StoreValues.issued(clash)));

                assertThat(thrown).isInstanceOf(DuplicateKeyException.class)
                        .hasMessage("owner already has an active key with this name")
                        .hasCauseInstanceOf(SQLException.class);
                assertThat(thrown.getCause().getMessage()).as("the driver echoes the values").contains("Private Name");
                assertThat(thrown.toString()).doesNotContain("Private").doesNotContain(clash.hash());
            }
        }
    }

    @Test
    void whenTheDatabaseGoesAwayThenAnUncachedKeyFailsClosedAndNothingLeaksIntoMessages() {
        TestDatabase.H2 db = (TestDatabase.H2) TestDatabase.h2Memory();
        JdbiKeyStore store = db.migratedStore();
        try (KeyManager issuer = KeyManager.builder().store(store).hasher(KeyHashers.hmacSha256())
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build();
             KeyManager verifier = KeyManager.builder().store(store).hasher(KeyHashers.hmacSha256())
                     .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build()) {
            IssuedKey issued = issuer.issue(KeySpec.builder("acme", "k").build());
            db.close(); // SHUTDOWN: every later connection opens a new, empty in-memory database without tables

            Throwable thrown = catchThrowable(() -> verifier.verify(issued.token()));

            assertThat(thrown).isInstanceOf(KeyStoreException.class);
            assertThat(((KeyStoreException) thrown).operation()).isEqualTo("find");
            StringWriter trace = new StringWriter();
            thrown.printStackTrace(new PrintWriter(trace));
            assertThat(trace.toString()).doesNotContain(issued.token());
        }
    }
}
