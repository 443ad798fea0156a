package dev.keyvault.cli.internal;

import static java.util.Objects.requireNonNull;

/**
 * A failure the CLI reports as one line and an exit code. The message says what went wrong, which
 * input, and what to do; it never holds a token, a password or a pepper.
 */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    private CliException(int exitCode, String message, Throwable cause) {
        super(requireNonNull(message, "message"), cause);
        this.exitCode = exitCode;
    }

    /** Bad usage or input, exit 2: nothing was changed. */
    public static CliException usage(String message) {
        return new CliException(ExitCode.USAGE, message, null);
    }

    /** Bad usage or input, exit 2, keeping the cause for {@code --verbose}. */
    public static CliException usage(String message, Throwable cause) {
        return new CliException(ExitCode.USAGE, message, cause);
    }

    /** A failure, exit 1. */
    public static CliException failure(String message, Throwable cause) {
        return new CliException(ExitCode.FAILURE, message, cause);
    }

    /** The exit code this failure ends the process with. */
    public int exitCode() {
        return exitCode;
    }
}
