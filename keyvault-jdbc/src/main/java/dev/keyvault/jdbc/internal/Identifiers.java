package dev.keyvault.jdbc.internal;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/** The one rule for what may be spliced into SQL: a table-name prefix of a safe, fixed shape. */
public final class Identifiers {
    /**
     * Lower-case ASCII letters, digits and underscores, starting with a letter, 1–40 characters. Lower
     * case because both dialects fold unquoted identifiers (H2 to upper, PostgreSQL to lower case),
     * so the names stay unquoted and mean the same everywhere; 40 so that the longest derived name
     * stays well inside PostgreSQL's 63-character limit.
     */
    public static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,39}");

    private Identifiers() {}

    public static String checkPrefix(String prefix) {
        requireNonNull(prefix, "tablePrefix");
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("tablePrefix must match [a-z][a-z0-9_]{0,39}");
        }
        return prefix;
    }
}
