package dev.keyvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyvault.KeyQuery;
import dev.keyvault.KeyStoreException;
import dev.keyvault.contract.StoreValues;
import java.util.List;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

class JdbiKeyStoreBuilderTest {

    @Test
    void whenTablePrefixIsNotASafeIdentifierThenIllegalArgumentWithoutEchoingIt() {
        List<String> bad = List.of("", "Keyvault_", "kv;drop table x;", "kv-", "1kv", "kv ", " kv", "kv\"", "kv.x", "kv'",
                "kv\u0000", "kvé", "_kv", "k".repeat(41), "kv/*", "kv--");
        try (TestDatabase db = TestDatabase.h2Memory()) {
            for (String prefix : bad) {
                assertThatThrownBy(() -> JdbiKeyStore.builder(db.dataSource()).tablePrefix(prefix))
                        .as("prefix %s", prefix)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("tablePrefix must match [a-z][a-z0-9_]{0,39}");
            }
            assertThat(JdbiKeyStore.builder(db.dataSource()).tablePrefix("k").dialect(Dialect.H2).build().tablePrefix()).isEqualTo("k");
            assertThat(JdbiKeyStore.builder(db.dataSource()).tablePrefix("k".repeat(40)).dialect(Dialect.H2).build().tablePrefix())
                    .hasSize(40);
        }
    }

    @Test
    void whenAnOptionIsSetTwiceThenIllegalState() {
        try (TestDatabase db = TestDatabase.h2Memory()) {
            assertThatThrownBy(() -> JdbiKeyStore.builder(db.dataSource()).tablePrefix("a_").tablePrefix("b_"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("tablePrefix");
            assertThatThrownBy(() -> JdbiKeyStore.builder(db.dataSource()).dialect(Dialect.H2).dialect(Dialect.H2))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("dialect");
            assertThatThrownBy(() -> JdbiKeyStore.builder(db.dataSource()).notifications(true).notifications(false))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("notifications");
        }
    }

    @Test
    void whenArgumentsAreNullThenNullPointerNamingThem() {
        assertThatThrownBy(() -> JdbiKeyStore.builder((DataSource) null)).isInstanceOf(NullPointerException.class).hasMessage("dataSource");
        assertThatThrownBy(() -> JdbiKeyStore.builder((Jdbi) null)).isInstanceOf(NullPointerException.class).hasMessage("jdbi");
        try (TestDatabase db = TestDatabase.h2Memory()) {
            assertThatThrownBy(() -> JdbiKeyStore.builder(db.dataSource()).dialect(null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("dialect");
            assertThatThrownBy(() -> JdbiKeyStore.builder(db.dataSource()).tablePrefix(null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("tablePrefix");
        }
    }

    @Test
    void whenNoDialectIsGivenThenItIsDetectedFromTheConnection() {
        try (TestDatabase h2 = TestDatabase.h2Memory(); TestDatabase pg = TestDatabase.postgres()) {
            assertThat(JdbiKeyStore.builder(h2.dataSource()).build().dialect()).isEqualTo(Dialect.H2);
            assertThat(JdbiKeyStore.builder(pg.dataSource()).build().dialect()).isEqualTo(Dialect.POSTGRESQL);
            assertThat(JdbiKeyStore.builder(Jdbi.create(pg.dataSource())).build().toString())
                    .isEqualTo("JdbiKeyStore[POSTGRESQL, tablePrefix=keyvault_]");
        }
    }

    @Test
    void whenTheDialectMustBeDetectedButTheDatabaseIsUnreachableThenKeyStoreException() {
        JdbcDataSource missing = new JdbcDataSource();
        missing.setURL("jdbc:h2:mem:absent_" + System.nanoTime() + ";IFEXISTS=TRUE");
        assertThatThrownBy(() -> JdbiKeyStore.builder(missing).build())
                .isInstanceOf(KeyStoreException.class)
                .satisfies(e -> assertThat(((KeyStoreException) e).operation()).isEqualTo("detectDialect"));
        assertThat(JdbiKeyStore.builder(missing).dialect(Dialect.H2).build().dialect()).isEqualTo(Dialect.H2);
    }

    @Test
    void whenTwoPrefixesShareADatabaseThenTheirStoresAreIndependent() {
        try (TestDatabase db = TestDatabase.postgres()) {
            JdbiKeyStore a = JdbiKeyStore.builder(db.dataSource()).tablePrefix("tenant_a_").build();
            JdbiKeyStore b = JdbiKeyStore.builder(db.dataSource()).tablePrefix("tenant_b_").build();
            assertThat(a.migrate()).isEqualTo(JdbiKeyStore.SCHEMA_VERSION);
            assertThat(b.schemaVersion()).isZero();
            assertThat(b.migrate()).isEqualTo(JdbiKeyStore.SCHEMA_VERSION);
            var key = StoreValues.newKey("acme", "Deploy");
            a.insert(key, StoreValues.issued(key));
            b.insert(key, StoreValues.issued(key));
            assertThat(a.list(KeyQuery.all())).hasSize(1);
            assertThat(b.list(KeyQuery.all())).hasSize(1);
            assertThat(a.latestSequence()).isEqualTo(1);
            assertThat(b.latestSequence()).isEqualTo(1);
        }
    }
}
