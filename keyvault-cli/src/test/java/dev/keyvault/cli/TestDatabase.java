package dev.keyvault.cli;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyManager;
import dev.keyvault.KeyQuery;
import dev.keyvault.Peppers;
import dev.keyvault.jdbc.JdbiKeyStore;
import dev.keyvault.jdbc.testing.PostgresServer;
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
import java.util.function.Function;
import javax.sql.ConnectionPoolDataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.jdbcx.JdbcDataSource;

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
        return PostgresServer.uniqueName(kind);
    }

    static TestDatabase h2File(Path directory) {
        return new H2(directory.resolve(uniqueName("kv")).toAbsolutePath());
    }

    static TestDatabase postgres() {
        return new PostgresSchema(PostgresServer.shared());
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

    /** A schema of its own on the JVM's shared PostgreSQL server (keyvault-jdbc's test-jar). */
    static final class PostgresSchema extends TestDatabase {
        private final PostgresServer server;
        private final String schema;

        PostgresSchema(PostgresServer server) {
            this.server = server;
            this.schema = server.createSchema("cli");
        }

        @Override
        String url() {
            String base = server.url();
            return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        }

        @Override
        Map<String, String> env() {
            Map<String, String> env = super.env();
            env.put("KEYVAULT_JDBC_USER", server.user());
            if (!server.password().isEmpty()) {
                env.put("KEYVAULT_JDBC_PASSWORD", server.password());
            }
            return env;
        }

        @Override
        ConnectionPoolDataSource source() {
            return server.poolSource(schema);
        }

        @Override
        public void close() {
            server.dropSchema(schema);
        }
    }
}
