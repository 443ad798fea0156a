package dev.keyvault.cli.internal;

/**
 * The CLI's exit codes, which cron and monitoring act on. Documented in the root command's help and
 * the README; never renumber them.
 */
final class ExitCode {
    /** The command did what was asked. */
    public static final int OK = 0;
    /** The command failed: the database failed mid-operation, a rotation's probe or sink failed, an unexpected error. */
    public static final int FAILURE = 1;
    /** Bad usage or input: an unknown option or key id, a bad value, an unreadable file, a database that cannot be reached. Nothing was changed. */
    public static final int USAGE = 2;
    /** A check refused or failed: not compliant, a completion refused, overdue keys with {@code --fail-on-overdue}, a token that does not verify. */
    public static final int CHECK_FAILED = 3;

    private ExitCode() {}
}
