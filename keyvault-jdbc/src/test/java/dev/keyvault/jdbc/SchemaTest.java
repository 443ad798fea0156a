package dev.keyvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyvault.IssuedKey;
import dev.keyvault.KeyQuery;
import dev.keyvault.KeyStoreException;
import dev.keyvault.contract.StoreValues;
import dev.keyvault.jdbc.internal.Schema;
import dev.keyvault.spi.StoredKey;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaTest {
    /** Flyway's default naming of versioned migrations. */
    private static final Pattern FLYWAY_NAME = Pattern.compile("V(\\d+)__([A-Za-z0-9_]+)\\.sql");

    @TempDir
    Path directory;

    @Test
    void whenTheScriptsAreListedThenEveryDialectHasEachVersionNamedAsFlywayExpects() throws Exception {
        for (int i = 0; i < Schema.SCRIPTS.size(); i++) {
            String script = Schema.SCRIPTS.get(i);
            Matcher m = FLYWAY_NAME.matcher(script);
            assertThat(m.matches()).as(script).isTrue();
            assertThat(Integer.parseInt(m.group(1))).isEqualTo(i + 1).isEqualTo(Schema.version(script));
            for (Dialect d : Dialect.values()) {
                String path = d.schemaLocation().substring("classpath:".length()) + "/" + script;
                try (InputStream in = getClass().getClassLoader().getResourceAsStream(path)) {
                    assertThat(in).as(path).isNotNull();
                    String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    // The prefix is the only placeholder: a Flyway user sets exactly this one.
                    assertThat(Pattern.compile("\\$\\{([^}]*)}").matcher(text).results().map(r -> r.group(1)).distinct())
                            .containsExactly("keyvault_prefix");
                    assertThat(text).contains("INSERT INTO ${keyvault_prefix}schema_version");
                }
            }
        }
        assertThat(JdbiKeyStore.SCHEMA_VERSION).isEqualTo(Schema.SCRIPTS.size());
        assertThat(Dialect.POSTGRESQL.schemaLocation()).isEqualTo("classpath:dev/keyvault/jdbc/schema/postgresql");
        assertThat(Dialect.H2.schemaLocation()).isEqualTo("classpath:dev/keyvault/jdbc/schema/h2");
    }

    @Test
    void whenMigratedTwiceThenTheSecondRunChangesNothing() {
        for (TestDatabase db : List.of(TestDatabase.h2Memory(), TestDatabase.postgres())) {
            try (db) {
                JdbiKeyStore store = JdbiKeyStore.builder(db.dataSource()).build();
                assertThat(store.schemaVersion()).isZero();
                assertThat(store.migrate()).isEqualTo(JdbiKeyStore.SCHEMA_VERSION);
                StoredKey key = StoreValues.newKey("acme", "k");
                store.insert(key, StoreValues.issued(key));

                assertThat(store.migrate()).isEqualTo(JdbiKeyStore.SCHEMA_VERSION);
                assertThat(store.schemaVersion()).isEqualTo(JdbiKeyStore.SCHEMA_VERSION);
                assertThat(store.find(key.id())).contains(key);
                assertThat(store.latestSequence()).isEqualTo(1);
                assertThat(count(db.dataSource(), "SELECT COUNT(*) FROM keyvault_schema_version")).isEqualTo(JdbiKeyStore.SCHEMA_VERSION);
            }
        }
    }

    @Test
    void whenManyNodesMigrateAtOnceThenTheSchemaIsCreatedOnceAndWorks() throws Exception {
        // H2: a file database that several stores (each its own Jdbi and connections) open at once.
        String h2url = "jdbc:h2:file:" + directory.resolve("race") + ";DB_CLOSE_DELAY=-1";
        try (TestDatabase pg = TestDatabase.postgres()) {
            for (DataSourceFactory nodes : List.<DataSourceFactory>of(() -> h2(h2url), ((TestDatabase.PostgresSchema) pg)::unpooled)) {
                int n = 6;
                List<JdbiKeyStore> stores = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    stores.add(JdbiKeyStore.builder(nodes.create()).build());
                }
                ExecutorService pool = Executors.newFixedThreadPool(n);
                try {
                    CyclicBarrier start = new CyclicBarrier(n);
                    List<Future<Integer>> versions = new ArrayList<>();
                    for (JdbiKeyStore s : stores) {
                        versions.add(pool.submit(() -> {
                            start.await(30, TimeUnit.SECONDS);
                            return s.migrate();
                        }));
                    }
                    for (Future<Integer> v : versions) {
                        assertThat(v.get(120, TimeUnit.SECONDS)).isEqualTo(JdbiKeyStore.SCHEMA_VERSION);
                    }
                } finally {
                    pool.shutdownNow();
                }
                DataSource ds = nodes.create();
                assertThat(count(ds, "SELECT COUNT(*) FROM keyvault_schema_version")).isEqualTo(JdbiKeyStore.SCHEMA_VERSION);
                assertThat(count(ds, "SELECT COUNT(*) FROM keyvault_feed_state")).isEqualTo(1);
                StoredKey key = StoreValues.newKey("acme", "k");
                stores.get(0).insert(key, StoreValues.issued(key));
                assertThat(stores.get(n - 1).find(key.id())).contains(key);
                assertThat(stores.get(n - 1).latestSequence()).isEqualTo(1);
            }
        }
    }

    @Test
    void whenTheDatabaseHoldsANewerSchemaThenMigrateRefusesWithAClearMessageAndTouchesNothing() {
        for (TestDatabase db : List.of(TestDatabase.h2Memory(), TestDatabase.postgres())) {
            try (db) {
                JdbiKeyStore store = db.migratedStore();
                execute(db.dataSource(), "INSERT INTO keyvault_schema_version (version, description, installed_at)"
                        + " VALUES (" + (JdbiKeyStore.SCHEMA_VERSION + 1) + ", 'from the future', CURRENT_TIMESTAMP)");

                assertThat(store.schemaVersion()).isEqualTo(JdbiKeyStore.SCHEMA_VERSION + 1);
                assertThatThrownBy(store::migrate)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("version " + (JdbiKeyStore.SCHEMA_VERSION + 1))
                        .hasMessageContaining("newer than the newest this keyvault-jdbc knows (" + JdbiKeyStore.SCHEMA_VERSION + ")")
                        .hasMessageContaining("Upgrade keyvault-jdbc");
                assertThat(count(db.dataSource(), "SELECT COUNT(*) FROM keyvault_schema_version"))
                        .isEqualTo(JdbiKeyStore.SCHEMA_VERSION + 1);
            }
        }
    }

    @Test
    void whenTheScriptsAreRunByAnotherToolThenTheyRecordTheirVersionAndMigrateHasNothingLeftToDo() throws Exception {
        // What Flyway does: substitute the placeholder, run the statements in order.
        for (TestDatabase db : List.of(TestDatabase.h2Memory(), TestDatabase.postgres())) {
            try (db) {
                Schema schema = new Schema(org.jdbi.v3.core.Jdbi.create(db.dataSource()), db.dialect(),
                        db.dialect().schemaLocation().substring("classpath:".length()), "app_kv_");
                try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                    for (String script : Schema.SCRIPTS) {
                        for (String statement : schema.load(script).split(";\\s*\n")) {
                            if (!statement.isBlank()) {
                                s.execute(statement);
                            }
                        }
                    }
                }
                JdbiKeyStore store = JdbiKeyStore.builder(db.dataSource()).tablePrefix("app_kv_").build();
                assertThat(store.schemaVersion()).isEqualTo(JdbiKeyStore.SCHEMA_VERSION);
                assertThat(store.migrate()).isEqualTo(JdbiKeyStore.SCHEMA_VERSION);
                StoredKey key = StoreValues.newKey("acme", "k");
                store.insert(key, StoreValues.issued(key));
                assertThat(store.list(KeyQuery.all())).containsExactly(key);
            }
        }
    }

    @Test
    void whenAnH2MigrationWasInterruptedHalfWayThenTheNextMigrateFinishesIt() throws Exception {
        try (TestDatabase db = TestDatabase.h2Memory()) {
            Schema schema = new Schema(org.jdbi.v3.core.Jdbi.create(db.dataSource()), Dialect.H2, "dev/keyvault/jdbc/schema/h2",
                    "keyvault_");
            String[] statements = schema.load("V1__keyvault.sql").split(";\\s*\n");
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                for (int i = 0; i < statements.length / 2; i++) {
                    s.execute(statements[i]);
                }
            }
            // and a crashed node's lease, older than five minutes
            execute(db.dataSource(), "CREATE TABLE keyvault_schema_lock (id INTEGER NOT NULL, holder VARCHAR(64) NOT NULL,"
                    + " acquired_at_ms BIGINT NOT NULL, CONSTRAINT keyvault_schema_lock_pk PRIMARY KEY (id))");
            execute(db.dataSource(), "INSERT INTO keyvault_schema_lock VALUES (1, 'crashed', "
                    + (System.currentTimeMillis() - 6 * 60_000) + ")");

            JdbiKeyStore store = JdbiKeyStore.builder(db.dataSource()).build();
            assertThat(store.migrate()).isEqualTo(JdbiKeyStore.SCHEMA_VERSION);
            StoredKey key = StoreValues.newKey("acme", "k");
            store.insert(key, StoreValues.issued(key));
            assertThat(store.find(key.id())).contains(key);
            assertThat(count(db.dataSource(), "SELECT COUNT(*) FROM keyvault_schema_lock")).isZero();
        }
    }

    @Test
    void whenTheSchemaIsMissingThenOperationsFailWithKeyStoreExceptionNamingThemAndPointingAtMigrate() {
        for (TestDatabase db : List.of(TestDatabase.h2Memory(), TestDatabase.postgres())) {
            try (db) {
                JdbiKeyStore store = JdbiKeyStore.builder(db.dataSource()).build();
                StoredKey key = StoreValues.newKey("acme", "k");
                assertThatThrownBy(() -> store.find(key.id()))
                        .isInstanceOf(KeyStoreException.class)
                        .hasMessageContaining("'find'")
                        .hasMessageContaining("has the schema been migrated?")
                        .hasCauseInstanceOf(SQLException.class);
                assertThatThrownBy(() -> store.insert(key, StoreValues.issued(key)))
                        .isInstanceOf(KeyStoreException.class).hasMessageContaining("'insert'");
                assertThatThrownBy(store::latestSequence).isInstanceOf(KeyStoreException.class).hasMessageContaining("'latestSequence'");
            }
        }
    }

    interface DataSourceFactory {
        DataSource create();
    }

    private static DataSource h2(String url) {
        org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
        ds.setURL(url);
        return ds;
    }

    static long count(DataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void execute(DataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A database keyvault 0.1 wrote (schema version 1, Argon2id hashes): migrate() upgrades it, the keys keep working. */
    @Test
    void whenMigrateUpgradesAVersion1DatabaseWithKeysThenTheyStillVerifyAndMoveToTheDefaultHasher() throws Exception {
        for (TestDatabase db : List.of(TestDatabase.h2Memory(), TestDatabase.postgres())) {
            try (db) {
                Schema schema = new Schema(org.jdbi.v3.core.Jdbi.create(db.dataSource()), db.dialect(),
                        db.dialect().schemaLocation().substring("classpath:".length()), "keyvault_");
                try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                    for (String statement : schema.load("V1__keyvault.sql").split(";\\s*\n")) {
                        if (!statement.isBlank()) {
                            s.execute(statement);
                        }
                    }
                }
                IssuedKey old = Version1.writeKeyAs01(db, "keyvault_");
                JdbiKeyStore store = JdbiKeyStore.builder(db.dataSource()).build();
                assertThat(store.schemaVersion()).isEqualTo(1);

                assertThat(store.migrate()).isEqualTo(JdbiKeyStore.SCHEMA_VERSION);

                Version1.assertKeyStillWorks(store, old);
            }
        }
    }
}
