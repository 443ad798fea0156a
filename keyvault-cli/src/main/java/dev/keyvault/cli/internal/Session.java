package dev.keyvault.cli.internal;

import dev.keyvault.KeyHashers;
import dev.keyvault.KeyManager;
import dev.keyvault.KeyManagerBuilder;
import dev.keyvault.KeyStoreException;
import dev.keyvault.PepperStatus;
import dev.keyvault.Peppers;
import dev.keyvault.Syntax;
import dev.keyvault.jdbc.JdbiKeyStore;
import dev.keyvault.jdbc.JdbiKeyStoreBuilder;
import dev.keyvault.spi.PepperSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.sql.ConnectionPoolDataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGConnectionPoolDataSource;

/**
 * One command's connection to the application's store: a small connection pool, the
 * {@link JdbiKeyStore} and a {@link KeyManager} configured as the application's (prefix, pepper,
 * hasher, quiet period), with no background threads — the command writes what it changes before it
 * returns, and {@link #close()} flushes and disconnects.
 *
 * <p>Every input is checked before anything is written: the URL, the credentials and the pepper are
 * read, the database is reached and its schema checked here, so a mistake in any of them is exit 2
 * with nothing changed. Only {@code migrate} may create a database or tables.
 */
final class Session implements AutoCloseable {
    /** What the command needs of the database. */
    enum Mode {
        /** A database with keyvault's tables at a version this CLI knows; an H2 file is never created. */
        EXISTING_SCHEMA,
        /** {@code migrate}: the database may be new. */
        MIGRATE
    }

    static final String DEFAULT_PREFIX = "kv";
    private static final int POOL_SIZE = 4;

    private final Context ctx;
    private final JdbcConnectionPool pool;
    private final JdbiKeyStore store;
    private final String url;
    private KeyManager keys;

    private Session(Context ctx, JdbcConnectionPool pool, JdbiKeyStore store, String url) {
        this.ctx = ctx;
        this.pool = pool;
        this.store = store;
        this.url = url;
    }

    /**
     * Connects and checks the schema.
     *
     * @throws CliException exit 2 for a missing or unsupported URL, unreadable credentials, an
     *                      unreachable database or a schema that is missing or too new
     */
    static Session open(Context ctx, Mode mode) {
        RootCommand o = ctx.options();
        String url = url(ctx);
        String shownUrl = ctx.redactor().redact(url);
        Optional<String> user = ctx.env("KEYVAULT_JDBC_USER");
        Optional<String> password = password(ctx);
        ConnectionPoolDataSource source = dataSource(url, mode, user, password);
        JdbcConnectionPool pool = JdbcConnectionPool.create(source);
        pool.setMaxConnections(POOL_SIZE);
        boolean ok = false;
        try {
            try (Connection c = pool.getConnection()) {
                c.isValid(5);
            } catch (SQLException e) {
                throw unreachable(shownUrl, e, ctx);
            }
            JdbiKeyStoreBuilder builder = JdbiKeyStore.builder(pool);
            if (o.tablePrefix != null) {
                try {
                    builder.tablePrefix(o.tablePrefix);
                } catch (IllegalArgumentException e) {
                    throw CliException.usage("--table-prefix: " + e.getMessage());
                }
            } else {
                Optional<String> envPrefix = ctx.env("KEYVAULT_TABLE_PREFIX");
                if (envPrefix.isPresent()) {
                    try {
                        builder.tablePrefix(envPrefix.get());
                    } catch (IllegalArgumentException e) {
                        throw CliException.usage("KEYVAULT_TABLE_PREFIX: " + e.getMessage());
                    }
                }
            }
            JdbiKeyStore store;
            try {
                store = builder.build();
            } catch (KeyStoreException e) {
                throw unreachable(shownUrl, e, ctx);
            } catch (IllegalStateException e) {
                throw CliException.usage(e.getMessage() + " (" + shownUrl + ")");
            }
            if (mode == Mode.EXISTING_SCHEMA) {
                int version;
                try {
                    version = store.schemaVersion();
                } catch (KeyStoreException e) {
                    throw unreachable(shownUrl, e, ctx);
                }
                if (version == 0) {
                    throw CliException.usage("the database " + shownUrl + " has no keyvault tables (table prefix '"
                            + store.tablePrefix() + "'); create them with 'keyvault migrate', or check --jdbc-url and --table-prefix");
                }
                if (version > JdbiKeyStore.SCHEMA_VERSION) {
                    throw CliException.usage("the database " + shownUrl + " has keyvault schema version " + version
                            + ", newer than this CLI knows (" + JdbiKeyStore.SCHEMA_VERSION + "); use the CLI of the application's keyvault release");
                }
            }
            ok = true;
            return new Session(ctx, pool, store, shownUrl);
        } finally {
            if (!ok) {
                pool.dispose();
            }
        }
    }

    JdbiKeyStore store() {
        return store;
    }

    /** The database URL with any password removed, for messages. */
    String shownUrl() {
        return url;
    }

    /**
     * The manager, built on first use with the application's settings.
     *
     * @throws CliException exit 2 for a bad prefix, pepper or hasher setting
     */
    KeyManager keys() {
        if (keys == null) {
            keys = buildManager();
        }
        return keys;
    }

    /** {@link #keys()}, warning on stderr when the manager hashes without a pepper (issue, rotate, verify). */
    KeyManager keysForHashing() {
        KeyManager k = keys();
        if (k.pepperStatus() == PepperStatus.NOT_CONFIGURED) {
            ctx.warn("no pepper configured (KEYVAULT_PEPPER or --pepper-file): keys are hashed without one, and keys the"
                    + " application hashed under a pepper will not verify; give the CLI the application's pepper");
        }
        return k;
    }

    private KeyManager buildManager() {
        RootCommand o = ctx.options();
        KeyManagerBuilder b = KeyManager.builder().store(store).clock(ctx.clock())
                // one command, one process: nothing to flush in the background, no other node to follow
                .usageFlushInterval(Duration.ZERO)
                .changeFeedPollInterval(Duration.ZERO);
        b.keyPrefix(prefix(ctx));
        if (o.quietPeriod != null) {
            b.rotationQuietPeriod(o.quietPeriod);
        } else {
            Optional<String> env = ctx.env("KEYVAULT_QUIET_PERIOD");
            if (env.isPresent()) {
                try {
                    b.rotationQuietPeriod(Durations.parse(env.get()));
                } catch (IllegalArgumentException e) {
                    throw CliException.usage("KEYVAULT_QUIET_PERIOD: " + e.getMessage());
                }
            }
        }
        String hasher = o.hasher != null ? o.hasher : ctx.env("KEYVAULT_HASHER").orElse("hmac-sha256");
        Optional<PepperSource> pepper = pepper(ctx);
        switch (hasher.toLowerCase(Locale.ROOT)) {
            case "hmac-sha256" -> pepper.ifPresent(b::pepper);
            case "argon2id" -> {
                if (pepper.isPresent()) {
                    throw CliException.usage("the argon2id hasher takes no pepper; unset KEYVAULT_PEPPER / --pepper-file,"
                            + " or use --hasher hmac-sha256 as the application does");
                }
                b.hasher(KeyHashers.argon2id());
            }
            default -> throw CliException.usage("--hasher / KEYVAULT_HASHER must be hmac-sha256 (the default) or argon2id,"
                    + " as the application's KeyManager is configured");
        }
        try {
            return b.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw CliException.usage(e.getMessage());
        }
    }

    /** The token prefix: {@code --key-prefix}, else {@code KEYVAULT_KEY_PREFIX}, else {@value #DEFAULT_PREFIX}. */
    static String prefix(Context ctx) {
        String option = ctx.options().keyPrefix;
        String prefix = option != null ? option : ctx.env("KEYVAULT_KEY_PREFIX").orElse(DEFAULT_PREFIX);
        try {
            return Syntax.prefix(prefix);
        } catch (IllegalArgumentException e) {
            throw CliException.usage((option != null ? "--key-prefix: " : "KEYVAULT_KEY_PREFIX: ") + e.getMessage());
        }
    }

    private static String url(Context ctx) {
        String option = ctx.options().jdbcUrl;
        if (option != null) {
            if (option.toLowerCase(Locale.ROOT).contains("password=")) {
                throw CliException.usage("--jdbc-url holds a password; arguments are visible to every user of the machine:"
                        + " put it in KEYVAULT_JDBC_PASSWORD or --password-file");
            }
            return option.strip();
        }
        Optional<String> env = ctx.env("KEYVAULT_JDBC_URL").map(String::strip);
        env.ifPresent(u -> {
            // a password in the URL is a secret like any other: never in a message
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)password=([^&;]*)").matcher(u);
            while (m.find()) {
                ctx.redactor().add(m.group(1));
            }
        });
        return env.orElseThrow(() -> CliException.usage(
                "no database given: pass --jdbc-url or set KEYVAULT_JDBC_URL (jdbc:h2:file:/path/to/db or"
                        + " jdbc:postgresql://host:5432/db)"));
    }

    private static Optional<String> password(Context ctx) {
        Path file = ctx.options().passwordFile;
        if (file == null) {
            Optional<String> env = ctx.env("KEYVAULT_JDBC_PASSWORD");
            env.ifPresent(ctx.redactor()::add);
            return env;
        }
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            throw CliException.usage("cannot read the password file " + file + " (" + reason(e) + "); check the path and"
                    + " that this user may read it", e);
        }
        // one line; a trailing newline from `echo` or an editor is not part of the password
        String password = content.endsWith("\r\n") ? content.substring(0, content.length() - 2)
                : content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
        ctx.redactor().add(password);
        warnIfShared(ctx, file, "password file");
        return Optional.of(password);
    }

    private static Optional<PepperSource> pepper(Context ctx) {
        Path file = ctx.options().pepperFile;
        if (file != null) {
            try {
                ctx.redactor().add(Files.readString(file, StandardCharsets.US_ASCII));
            } catch (IOException | UncheckedIOException e) {
                throw CliException.usage("cannot read the pepper file " + file + " (" + reason(e) + "); check the path and"
                        + " that this user may read it", e);
            }
            try {
                return Optional.of(Peppers.fromFile(file));
            } catch (UncheckedIOException e) {
                throw CliException.usage("cannot read the pepper file " + file + " (" + reason(e) + ")", e);
            } catch (IllegalArgumentException e) {
                throw CliException.usage(e.getMessage());
            }
        }
        Optional<String> spec = ctx.env(Peppers.ENVIRONMENT_VARIABLE);
        if (spec.isEmpty()) {
            return Optional.empty();
        }
        ctx.redactor().add(spec.get());
        for (String part : spec.get().split(",")) {
            ctx.redactor().add(part);
        }
        try {
            return Optional.of(Peppers.parse(spec.get().strip()));
        } catch (IllegalArgumentException e) {
            throw CliException.usage(Peppers.ENVIRONMENT_VARIABLE + ": " + e.getMessage()
                    + "; the form is id:base64[,id:base64…], current pepper first, as the application has it");
        }
    }

    private static ConnectionPoolDataSource dataSource(String url, Mode mode, Optional<String> user, Optional<String> password) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:h2:")) {
            JdbcDataSource ds = new JdbcDataSource();
            // every command but migrate opens an existing database only: a mistyped path must not create an empty one
            String base = url.endsWith(";") ? url.substring(0, url.length() - 1) : url;
            ds.setURL(mode == Mode.MIGRATE || lower.contains("ifexists=") || lower.startsWith("jdbc:h2:mem:")
                    ? url : base + ";IFEXISTS=TRUE");
            user.ifPresent(ds::setUser);
            password.ifPresent(ds::setPassword);
            return ds;
        }
        if (lower.startsWith("jdbc:postgresql:")) {
            PGConnectionPoolDataSource ds = new PGConnectionPoolDataSource();
            try {
                ds.setURL(url);
            } catch (RuntimeException e) {
                throw CliException.usage("--jdbc-url / KEYVAULT_JDBC_URL is not a PostgreSQL JDBC URL; write it like"
                        + " jdbc:postgresql://host:5432/database");
            }
            user.ifPresent(ds::setUser);
            password.ifPresent(ds::setPassword);
            ds.setApplicationName("keyvault-cli");
            return ds;
        }
        throw CliException.usage("unsupported database URL (--jdbc-url / KEYVAULT_JDBC_URL): the CLI ships the H2 and"
                + " PostgreSQL drivers, so it starts with jdbc:h2: or jdbc:postgresql:");
    }

    private static CliException unreachable(String shownUrl, Exception e, Context ctx) {
        SQLException sql = sqlException(e);
        String detail = sql == null ? e.getMessage() : sql.getMessage();
        detail = ctx.redactor().redact(detail == null ? e.getClass().getSimpleName() : firstLine(detail));
        while (detail.endsWith(".")) {
            detail = detail.substring(0, detail.length() - 1);
        }
        if (sql != null && sql.getErrorCode() == 90146) { // H2: database not found and IFEXISTS
            return CliException.usage("there is no H2 database at " + shownUrl + "; check the path, or create it with"
                    + " 'keyvault migrate'", e);
        }
        if (sql != null && (sql.getErrorCode() == 90020 || sql.getErrorCode() == 90135)) { // H2: file in use
            return CliException.usage("the H2 database " + shownUrl + " is open in another process (H2 opens a file database"
                    + " in one process at a time); stop the application or connect through H2's server mode (jdbc:h2:tcp://…)", e);
        }
        return CliException.usage("cannot connect to " + shownUrl + ": " + detail + "; check --jdbc-url / KEYVAULT_JDBC_URL,"
                + " the credentials, and that the database is up", e);
    }

    private static SQLException sqlException(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException s) {
                return s;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    private static String reason(Exception e) {
        Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
        String name = t.getClass().getSimpleName();
        return switch (name) {
            case "NoSuchFileException" -> "no such file";
            case "AccessDeniedException" -> "permission denied";
            case "IsDirectoryException", "FileSystemException" -> t.getMessage() != null && t.getMessage().contains("directory")
                    ? "it is a directory" : "cannot be read";
            default -> t.getMessage() == null ? name : name + ": " + t.getMessage();
        };
    }

    private static void warnIfShared(Context ctx, Path file, String what) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
                ctx.warn("the " + what + " " + file + " is readable by group or others; make it owner-only (chmod 600)");
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not POSIX: the operator's responsibility
        }
    }

    @Override
    public void close() {
        try {
            if (keys != null) {
                keys.close();
            }
        } finally {
            pool.dispose();
        }
    }
}
