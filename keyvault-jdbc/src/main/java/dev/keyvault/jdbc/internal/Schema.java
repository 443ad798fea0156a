package dev.keyvault.jdbc.internal;

import static java.util.Objects.requireNonNull;

import dev.keyvault.KeyStoreException;
import dev.keyvault.jdbc.Dialect;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the versioned schema scripts ({@code V<n>__<name>.sql}, Flyway's naming) in order and
 * records each version in {@code <prefix>schema_version}; the scripts record their own version, so
 * the table is right whether this class or Flyway ran them.
 *
 * <p>Two nodes migrating at once: on PostgreSQL the whole migration is one transaction (its DDL is
 * transactional) under a transaction-scoped advisory lock. H2 commits every DDL statement, so there a
 * lease row in {@code <prefix>schema_lock} serializes migrations (a lease older than five minutes is
 * taken to belong to a crashed node), and every script statement is idempotent besides, so a
 * migration interrupted half-way is finished by the next one.
 */
public final class Schema {
    private static final Logger LOG = LoggerFactory.getLogger(Schema.class);
    /** The scripts this release knows, in order; the version is the number after {@code V}. */
    public static final List<String> SCRIPTS = List.of("V1__keyvault.sql", "V2__imports.sql", "V3__key_policies.sql");
    public static final int LATEST = SCRIPTS.size();
    public static final String PLACEHOLDER = "${keyvault_prefix}";
    private static final long LOCK_WAIT_MILLIS = 60_000;
    private static final long LOCK_STALE_MILLIS = 5 * 60_000;

    private final Jdbi jdbi;
    private final boolean postgres;
    private final String directory;
    private final String prefix;

    public Schema(Jdbi jdbi, Dialect dialect, String resourceDirectory, String prefix) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.postgres = requireNonNull(dialect, "dialect") == Dialect.POSTGRESQL;
        this.directory = requireNonNull(resourceDirectory, "resourceDirectory");
        this.prefix = Identifiers.checkPrefix(prefix);
    }

    /** The version recorded in the database, 0 if there is none. */
    public int currentVersion() {
        try {
            return jdbi.withHandle(h -> Handles.with(h, this::currentVersion));
        } catch (JdbiException e) {
            throw Failures.storeFailure("schemaVersion", e);
        }
    }

    /** Brings the schema to {@link #LATEST}; returns the version now in place. */
    public int migrate() {
        try {
            return postgres
                    ? jdbi.inTransaction(h -> Handles.with(h, this::migratePostgres))
                    : jdbi.withHandle(h -> Handles.with(h, this::migrateH2));
        } catch (JdbiException e) {
            throw Failures.storeFailure("migrate", e);
        }
    }

    private int migratePostgres(Handle h) {
        // Released at commit or rollback; the key depends on the prefix only, so migrations of
        // different prefixes do not wait for each other.
        h.createQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(:key)) AS l").bind("key", lockKey()).mapTo(Integer.class).one();
        return apply(h);
    }

    private int migrateH2(Handle h) {
        h.execute("CREATE TABLE IF NOT EXISTS " + prefix + "schema_lock (id INTEGER NOT NULL, holder VARCHAR(64) NOT NULL,"
                + " acquired_at_ms BIGINT NOT NULL, CONSTRAINT " + prefix + "schema_lock_pk PRIMARY KEY (id))");
        String holder = UUID.randomUUID().toString();
        acquireLease(h, holder);
        try {
            return apply(h);
        } finally {
            h.createUpdate("DELETE FROM " + prefix + "schema_lock WHERE id = 1 AND holder = :holder").bind("holder", holder).execute();
        }
    }

    private void acquireLease(Handle h, String holder) {
        long deadline = System.currentTimeMillis() + LOCK_WAIT_MILLIS;
        for (;;) {
            long now = System.currentTimeMillis();
            try {
                h.createUpdate("INSERT INTO " + prefix + "schema_lock (id, holder, acquired_at_ms) VALUES (1, :holder, :now)")
                        .bind("holder", holder).bind("now", now).execute();
                return;
            } catch (JdbiException e) {
                if (!Failures.isUniqueViolation(e)) {
                    throw e;
                }
            }
            h.createUpdate("DELETE FROM " + prefix + "schema_lock WHERE id = 1 AND acquired_at_ms < :stale")
                    .bind("stale", now - LOCK_STALE_MILLIS).execute();
            if (now > deadline) {
                throw new KeyStoreException("migrate", "another node has held the schema migration lock ("
                        + prefix + "schema_lock) for over " + LOCK_WAIT_MILLIS / 1000 + " seconds");
            }
            try {
                // Another process holds the lease, and nothing in this JVM will signal its release: H2
                // has no advisory locks, and its DDL commits (releasing any row lock we could wait on).
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KeyStoreException("migrate", "interrupted while waiting for the schema migration lock");
            }
        }
    }

    private int apply(Handle h) {
        int current = currentVersion(h);
        if (current > LATEST) {
            throw new IllegalStateException("the database schema of table prefix '" + prefix + "' is at version " + current
                    + ", newer than the newest this keyvault-jdbc knows (" + LATEST + "); refusing to touch it."
                    + " Upgrade keyvault-jdbc to a release that knows version " + current + ".");
        }
        for (int version = current + 1; version <= LATEST; version++) {
            String script = SCRIPTS.get(version - 1);
            for (String statement : statements(load(script))) {
                h.execute(statement);
            }
            LOG.debug("applied schema script {} for table prefix {}", script, prefix);
        }
        return currentVersion(h);
    }

    private int currentVersion(Handle h) {
        String table = prefix + "schema_version";
        long exists = postgres
                ? h.createQuery("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()"
                        + " AND table_name = :name").bind("name", table).mapTo(Long.class).one()
                : h.createQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = CURRENT_SCHEMA"
                        + " AND TABLE_NAME = :name").bind("name", table.toUpperCase(Locale.ROOT)).mapTo(Long.class).one();
        if (exists == 0) {
            return 0;
        }
        return h.createQuery("SELECT COALESCE(MAX(version), 0) FROM " + table).mapTo(Integer.class).one();
    }

    /** The script's text with the validated prefix in place of {@link #PLACEHOLDER}. */
    public String load(String script) {
        String path = directory + "/" + script;
        try (InputStream in = Schema.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("schema script " + path + " is missing from the classpath");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace(PLACEHOLDER, prefix);
            if (text.contains("${")) {
                throw new IllegalStateException("schema script " + path + " has an unknown placeholder");
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read schema script " + path, e);
        }
    }

    /**
     * Splits one of our scripts into statements. Our scripts keep every {@code ;} at the end of a
     * statement and no {@code --} inside a string literal, so this need not be a SQL lexer.
     */
    static List<String> statements(String script) {
        StringBuilder text = new StringBuilder(script.length());
        for (String line : script.split("\n", -1)) {
            int comment = line.indexOf("--");
            text.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
        }
        List<String> out = new ArrayList<>();
        for (String s : text.toString().split(";")) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }

    /** The script's version: the number between {@code V} and {@code __}. */
    public static int version(String script) {
        String name = Path.of(script).getFileName().toString();
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }

    private long lockKey() {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(("dev.keyvault.jdbc:" + prefix).getBytes(StandardCharsets.UTF_8));
            long k = 0;
            for (int i = 0; i < 8; i++) {
                k = (k << 8) | (d[i] & 0xff);
            }
            return k;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
