package dev.keyvault.jdbc.internal;

import dev.keyvault.KeyStoreException;
import java.sql.SQLException;

/**
 * Turns driver failures into {@link KeyStoreException}s. The message names the operation and the
 * SQLState only: H2 and PostgreSQL put row values into their messages (a unique violation echoes the
 * key, a failed batch echoes its parameters, among them a stored hash), so the driver's text stays
 * in the cause, never in ours.
 */
public final class Failures {
    private Failures() {}

    public static KeyStoreException storeFailure(String operation, Throwable failure) {
        SQLException sql = sqlException(failure);
        KeyStoreException e = new KeyStoreException(operation,
                sql != null ? describe(sql) : "JDBI failure (" + failure.getClass().getSimpleName() + ")");
        e.initCause(sql != null ? sql : failure);
        return e;
    }

    /** Throws {@code e}; typed so a caller can {@code return} it. */
    static <T> T throwing(RuntimeException e) {
        throw e;
    }

    /** The first {@link SQLException} in {@code t}'s cause chain, or {@code null}. */
    public static SQLException sqlException(Throwable t) {
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

    public static String sqlState(Throwable t) {
        SQLException s = sqlException(t);
        return s == null ? null : s.getSQLState();
    }

    /** A unique constraint or index was violated (SQLState 23505 in both dialects). */
    public static boolean isUniqueViolation(Throwable t) {
        return "23505".equals(sqlState(t));
    }

    /** The transaction was rolled back by the database and may simply be run again. */
    public static boolean isRetryable(Throwable t) {
        String state = sqlState(t);
        return "40001".equals(state) || "40P01".equals(state);
    }

    private static String describe(SQLException sql) {
        String state = sql.getSQLState();
        if (state == null || state.length() < 2) {
            return "driver error " + sql.getErrorCode();
        }
        String kind = switch (state.substring(0, 2)) {
            case "08" -> "connection failure";
            case "22" -> "data exception";
            case "23" -> "integrity constraint violation";
            case "25", "40" -> "transaction rolled back";
            case "42" -> "syntax error or missing table (has the schema been migrated?)";
            case "53" -> "insufficient resources";
            case "57" -> "the server is shutting down or cancelled the statement";
            case "HY" -> "timeout";
            default -> "database error";
        };
        return kind + " (SQLState " + state + ")";
    }
}
