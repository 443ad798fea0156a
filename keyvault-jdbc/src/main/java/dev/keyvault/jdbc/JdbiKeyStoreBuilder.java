package dev.keyvault.jdbc;

import static java.util.Objects.requireNonNull;

import dev.keyvault.KeyStoreException;
import dev.keyvault.jdbc.internal.Failures;
import dev.keyvault.jdbc.internal.Identifiers;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configures a {@link JdbiKeyStore}; made by {@link JdbiKeyStore#builder(javax.sql.DataSource)} or
 * {@link JdbiKeyStore#builder(Jdbi)}:
 *
 * <pre>{@code
 * JdbiKeyStore store = JdbiKeyStore.builder(dataSource).tablePrefix("billing_keys_").build();
 * }</pre>
 *
 * Every setter checks its argument at once ({@link NullPointerException},
 * {@link IllegalArgumentException}); setting an option twice is an {@link IllegalStateException}.
 * Not thread-safe; the built store is.
 */
public final class JdbiKeyStoreBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(JdbiKeyStoreBuilder.class);

    private final Jdbi jdbi;
    private final Set<String> set = new HashSet<>();
    private Dialect dialect;
    private String tablePrefix = JdbiKeyStore.DEFAULT_TABLE_PREFIX;
    private boolean notifications = true;

    JdbiKeyStoreBuilder(Jdbi jdbi) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
    }

    private void once(String option) {
        if (!set.add(option)) {
            throw new IllegalStateException(option + " was already set");
        }
    }

    /**
     * The SQL dialect. Default: detected when {@link #build()} runs, from the product name in the
     * connection's metadata (which takes one connection).
     */
    public JdbiKeyStoreBuilder dialect(Dialect dialect) {
        requireNonNull(dialect, "dialect");
        once("dialect");
        this.dialect = dialect;
        return this;
    }

    /**
     * The prefix of every table name, so several stores (or a host table called {@code keys}) can
     * share a schema: lower-case ASCII letters, digits and {@code _}, starting with a letter, at
     * most 40 characters ({@code [a-z][a-z0-9_]{0,39}}). It is the only text the store puts into
     * SQL, and only after this check. Default: {@value JdbiKeyStore#DEFAULT_TABLE_PREFIX}.
     */
    public JdbiKeyStoreBuilder tablePrefix(String prefix) {
        Identifiers.checkPrefix(prefix);
        once("tablePrefix");
        this.tablePrefix = prefix;
        return this;
    }

    /**
     * Whether, on PostgreSQL, writes send NOTIFY and {@link JdbiKeyStore#subscribe} listens for it
     * (holding one connection and one daemon thread while anyone is subscribed) so that other nodes
     * learn of revocations at once instead of at their next poll. Ignored on H2. Default: {@code true}.
     */
    public JdbiKeyStoreBuilder notifications(boolean enabled) {
        once("notifications");
        this.notifications = enabled;
        return this;
    }

    /**
     * Builds the store. Touches the database to detect the dialect if none was set and, on H2, to
     * make commits durable: H2 writes a commit to its file up to 500 ms later by default, so a killed
     * process would lose what it acknowledged last, and an acknowledged issue or revocation must
     * survive a kill. This sets {@code WRITE_DELAY 0}; if the connecting user lacks the admin right
     * that needs, add {@code ;WRITE_DELAY=0} to the H2 URL instead.
     *
     * @throws KeyStoreException     if the dialect must be detected and the database cannot be reached
     * @throws IllegalStateException if the database is neither H2 nor PostgreSQL
     */
    public JdbiKeyStore build() {
        Dialect d = dialect != null ? dialect : detect();
        if (d == Dialect.H2) {
            durableCommits();
        }
        return new JdbiKeyStore(jdbi, d, tablePrefix, notifications && d == Dialect.POSTGRESQL);
    }

    private void durableCommits() {
        try {
            jdbi.useHandle(h -> h.execute("SET WRITE_DELAY 0"));
        } catch (JdbiException e) {
            LOG.debug("SET WRITE_DELAY 0 failed ({}); add ;WRITE_DELAY=0 to the H2 URL so commits are durable",
                    e.getClass().getSimpleName());
        }
    }

    private Dialect detect() {
        String product;
        try {
            product = jdbi.withHandle(h -> h.getConnection().getMetaData().getDatabaseProductName());
        } catch (SQLException | JdbiException e) {
            throw Failures.storeFailure("detectDialect", e);
        }
        Dialect d = Dialect.fromProductName(product);
        if (d == null) {
            throw new IllegalStateException("unsupported database '" + product
                    + "': JdbiKeyStore speaks H2 and PostgreSQL; set dialect(...) only if it is one of them");
        }
        return d;
    }
}
