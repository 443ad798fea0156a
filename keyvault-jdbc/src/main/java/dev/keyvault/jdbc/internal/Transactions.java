package dev.keyvault.jdbc.internal;

import static java.util.Objects.requireNonNull;

import dev.keyvault.DuplicateKeyException.Conflict;
import dev.keyvault.DuplicateKeyException;
import dev.keyvault.KeyStoreException;
import dev.keyvault.spi.StoredKey;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.Update;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the store's operations on the host's {@code Jdbi} and decides what their failures mean: a
 * transaction the database rolled back for a deadlock or serialization failure is run again (up to
 * {@value #MAX_ATTEMPTS} times), a unique violation of a key insert is a {@link DuplicateKeyException}
 * naming the constraint, a missing feed counter row means the schema was not migrated, and any other
 * driver failure is a {@link KeyStoreException} naming the operation (see {@link Failures}).
 * Immutable and thread-safe.
 */
public final class Transactions {
    private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);
    private static final int MAX_ATTEMPTS = 3;

    private final Jdbi jdbi;
    private final Sql sql;

    public Transactions(Jdbi jdbi, Sql sql) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.sql = requireNonNull(sql, "sql");
    }

    /** Runs {@code body} on a handle, outside a transaction of ours (one the host has open on this thread is joined). */
    public <T> T read(String operation, Function<Handle, T> body) {
        try {
            return jdbi.withHandle(h -> Handles.with(h, body));
        } catch (JdbiException e) {
            throw Failures.storeFailure(operation, e);
        } catch (Schemaless e) {
            throw feedStateMissing(operation);
        }
    }

    /**
     * Runs {@code body} in a transaction, again if the database rolled it back for a deadlock or
     * serialization failure or, with {@code retryUniqueViolation}, for a unique violation (a
     * non-atomic upsert that met a concurrent insert finds the row on the next run).
     */
    public <T> T write(String operation, boolean retryUniqueViolation, Function<Handle, T> body) {
        for (int attempt = 1; ; attempt++) {
            try {
                return jdbi.inTransaction(h -> Handles.with(h, body));
            } catch (JdbiException e) {
                boolean retry = Failures.isRetryable(e) || (retryUniqueViolation && Failures.isUniqueViolation(e));
                if (retry && attempt < MAX_ATTEMPTS) {
                    LOG.debug("{} was rolled back by the database (SQLState {}); attempt {} of {}", operation,
                            Failures.sqlState(e), attempt + 1, MAX_ATTEMPTS);
                    continue;
                }
                throw Failures.storeFailure(operation, e);
            } catch (Schemaless e) {
                throw feedStateMissing(operation);
            }
        }
    }

    /**
     * {@link #write} for a body that inserts {@code key} with {@link #insertKey}: its unique
     * violation becomes a {@link DuplicateKeyException} that says which constraint it was.
     */
    public <T> T writeKey(String operation, StoredKey key, Function<Handle, T> body) {
        try {
            return write(operation, false, body);
        } catch (Duplicate d) {
            throw duplicate(operation, key, d);
        }
    }

    /**
     * {@link #write} for an in-place change whose body runs its update with {@link #insertKey}: a unique
     * violation there can only be the new name (the id, tags and metadata rows are the key's own), so it
     * is a {@link DuplicateKeyException} {@code ACTIVE_NAME}.
     */
    public <T> T writeUpdate(String operation, Function<Handle, T> body) {
        try {
            return write(operation, false, body);
        } catch (Duplicate d) {
            return Failures.throwing(new DuplicateKeyException(Conflict.ACTIVE_NAME, "owner already has an active key with this name",
                    Failures.sqlException(d.getCause())));
        }
    }

    /** Executes a key insert inside {@link #writeKey}; a unique violation rolls the transaction back as a duplicate. */
    public static void insertKey(Update insert) {
        insertKeyCount(insert);
    }

    /** {@link #insertKey} for an update inside {@link #writeUpdate}: returns the rows changed. */
    public static int insertKeyCount(Update insert) {
        try {
            return insert.execute();
        } catch (JdbiException e) {
            if (Failures.isUniqueViolation(e)) {
                throw new Duplicate(e);
            }
            throw e;
        }
    }

    /**
     * The feed counter read from its row; without the row (the schema was never migrated) the
     * operation fails as {@link #feedStateMissing} says.
     */
    public static long feedCounter(Optional<Long> row) {
        return row.orElseThrow(Schemaless::new);
    }

    /** The failure of an operation that found no feed counter row. */
    public KeyStoreException feedStateMissing(String operation) {
        return new KeyStoreException(operation, "the " + sql.t("feed_state") + " row is missing; run migrate()");
    }

    /**
     * Which constraint an insert violated, asked of the table after the rollback: the id if a key
     * with it exists now; else the import reference or legacy lookup of an imported key if another key
     * has it; else the owner's active name.
     */
    private DuplicateKeyException duplicate(String operation, StoredKey key, Duplicate d) {
        SQLException cause = Failures.sqlException(d.getCause());
        String keyId = key.id();
        if (read(operation, h -> h.createQuery(sql.keyExists).bind("id", keyId).mapTo(Long.class).one() > 0)) {
            return new DuplicateKeyException(Conflict.KEY_ID, "a key with id " + keyId + " exists", cause);
        }
        if (key.importRef().isPresent() && read(operation, h -> h.createQuery(sql.importRefExists)
                .bind("ref", key.importRef().get()).mapTo(Long.class).one() > 0)) {
            return new DuplicateKeyException(Conflict.IMPORT_REF, "a key was already imported with this reference", cause);
        }
        if (key.legacyLookup().isPresent() && read(operation, h -> h.createQuery(sql.legacyLookupExists)
                .bind("lookup", key.legacyLookup().get()).mapTo(Long.class).one() > 0)) {
            return new DuplicateKeyException(Conflict.LEGACY_LOOKUP, "an imported key already has this legacy lookup value", cause);
        }
        return new DuplicateKeyException(Conflict.ACTIVE_NAME, "owner already has an active key with this name", cause);
    }

    /** A unique violation on a key insert, carried out of the transaction (which rolls back). */
    private static final class Duplicate extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Duplicate(JdbiException cause) {
            super(null, cause, false, false);
        }
    }

    /** The feed counter row is missing: the schema was not (fully) migrated. */
    private static final class Schemaless extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Schemaless() {
            super(null, null, false, false);
        }
    }
}
