package dev.keyvault.cli;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyManager;
import dev.keyvault.KeyQuery;
import dev.keyvault.Peppers;
import dev.keyvault.jdbc.JdbiKeyStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.sql.ConnectionPoolDataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGConnectionPoolDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The database a test class shares with the CLI processes it runs: an H2 file, or a schema of its own
 * on the PostgreSQL server the tests share (embedded, started once per JVM, as keyvault-jdbc's tests
 * do; or {@code -Dkeyvault.test.postgres.url}). The test reaches the same database in-process through
 * the library ({@link #withKeys}) to record usage between CLI calls; an H2 file is opened by one
 * process at a time, so each in-process use closes it again before the next CLI call.
 */
abstract class TestDatabase implements AutoCloseable {
    static final String PREFIX = "kb_live";
    /** The application's pepper, given to the CLI as KEYVAULT_PEPPER and to the in-process manager. */
    static final String PEPPER = "v1:" + java.util.Base64.getEncoder().encodeToString(
            "cli-tests-pepper-32-bytes-long!!".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    private static final AtomicInteger COUNTER = new AtomicInteger();

    /** The URL the CLI is given. */
    abstract String url();

    /** The environment of a CLI run: the database, its credentials, the pepper and the prefix. */
    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("KEYVAULT_JDBC_URL", url());
        env.put("KEYVAULT_PEPPER", PEPPER);
        env.put("KEYVAULT_KEY_PREFIX", PREFIX);
        return env;
    }

    abstract ConnectionPoolDataSource source();

    @Override
    public abstract void close();

    /** Creates keyvault's tables, as {@code keyvault migrate} would. */
    void migrate() {
        JdbcConnectionPool pool = JdbcConnectionPool.create(source());
        try {
            JdbiKeyStore.builder(pool).build().migrate();
        } finally {
            pool.dispose();
        }
    }

    /** Runs {@code body} with a manager on this database at {@code clock}, then closes it (flushing usage). */
    <T> T withKeys(Clock clock, Function<KeyManager, T> body) {
        JdbcConnectionPool pool = JdbcConnectionPool.create(source());
        try {
            JdbiKeyStore store = JdbiKeyStore.builder(pool).build();
            try (KeyManager keys = KeyManager.builder().store(store).clock(clock).keyPrefix(PREFIX)
                    .pepper(Peppers.parse(PEPPER)).usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO)
                    .build()) {
                T result = body.apply(keys);
                keys.flush();
                return result;
            }
        } finally {
            pool.dispose();
        }
    }

    /**
     * Everything a command could change, as text: every key's state and links, and the length of every
     * history. Equal fingerprints before and after a command mean it changed nothing.
     */
    String fingerprint() {
        return withKeys(Clock.systemUTC(), keys -> {
            StringBuilder sb = new StringBuilder();
            List<ApiKey> all = keys.list(KeyQuery.all().withLimit(KeyQuery.MAX_LIMIT));
            for (ApiKey k : all) {
                List<KeyEvent> history = keys.history(k.id());
                sb.append(k.id()).append(' ').append(k.status()).append(' ').append(k.successorId().orElse("-")).append(' ')
                        .append(k.expiresAt().map(Object::toString).orElse("-")).append(' ')
                        .append(k.lastUsedAt().map(Object::toString).orElse("-")).append(' ').append(k.compromised())
                        .append(" history=").append(history.size()).append('\n');
            }
            return sb.toString();
        });
    }

    /** Removes a test's temporary directory and everything in it (best effort: a leftover is only litter). */
    static void deleteDirectory(Path directory) {
        if (directory == null) {
            return;
        }
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // litter in the temporary directory, nothing worse
        }
    }

    static String uniqueName(String kind) {
        return kind + "_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    }

    static TestDatabase h2File(Path directory) {
        return new H2(directory.resolve(uniqueName("kv")).toAbsolutePath());
    }

    static TestDatabase postgres() {
        return Postgres.server().newSchema();
    }

    static final class H2 extends TestDatabase {
        private final Path file;

        H2(Path file) {
            this.file = file;
        }

        @Override
        String url() {
            return "jdbc:h2:file:" + file;
        }

        @Override
        ConnectionPoolDataSource source() {
            JdbcDataSource ds = new JdbcDataSource();
            ds.setURL(url());
            return ds;
        }

        @Override
        public void close() {
            // the file is removed with the test's temporary directory
        }
    }

    static final class PostgresSchema extends TestDatabase {
        private final Postgres server;
        private final String schema;

        PostgresSchema(Postgres server, String schema) {
            this.server = server;
            this.schema = schema;
        }

        @Override
        String url() {
            String base = server.url;
            return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        }

        @Override
        Map<String, String> env() {
            Map<String, String> env = super.env();
            env.put("KEYVAULT_JDBC_USER", server.user);
            if (!server.password.isEmpty()) {
                env.put("KEYVAULT_JDBC_PASSWORD", server.password);
            }
            return env;
        }

        @Override
        ConnectionPoolDataSource source() {
            PGConnectionPoolDataSource ds = new PGConnectionPoolDataSource();
            ds.setURL(url());
            ds.setUser(server.user);
            ds.setPassword(server.password);
            return ds;
        }

        @Override
        public void close() {
            server.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    /** The PostgreSQL server the tests share: embedded and started once per JVM, or external. */
    static final class Postgres {
        private static Postgres instance;
        private final String url;
        private final String user;
        private final String password;

        private Postgres(String url, String user, String password) {
            this.url = url;
            this.user = user;
            this.password = password;
        }

        static synchronized Postgres server() {
            if (instance == null) {
                String external = System.getProperty("keyvault.test.postgres.url", "");
                if (!external.isBlank()) {
                    instance = new Postgres(external, System.getProperty("keyvault.test.postgres.user", "postgres"),
                            System.getProperty("keyvault.test.postgres.password", ""));
                } else {
                    try {
                        // stopped by zonky's shutdown hook when the JVM exits; its data is thrown away
                        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                                .setServerConfig("fsync", "off")
                                .setServerConfig("synchronous_commit", "off")
                                .setServerConfig("full_page_writes", "off")
                                .start();
                        instance = new Postgres("jdbc:postgresql://localhost:" + pg.getPort() + "/postgres", "postgres", "");
                    } catch (IOException e) {
                        throw new UncheckedIOException("could not start the embedded PostgreSQL", e);
                    }
                }
            }
            return instance;
        }

        PostgresSchema newSchema() {
            String schema = uniqueName("cli");
            execute("CREATE SCHEMA " + schema);
            return new PostgresSchema(this, schema);
        }

        void execute(String sql) {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setURL(url);
            ds.setUser(user);
            ds.setPassword(password);
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException("setup statement failed: " + sql, e);
            }
        }
    }
}
