package dev.keyvault.cli;

import dev.keyvault.cli.internal.Cli;

/**
 * {@code keyvault}, the operator CLI: {@code java -jar keyvault-cli.jar <command> …}, or the
 * {@code bin/keyvault} launcher. The commands, their options, exit codes and JSON shapes are
 * documented in the README ("For operators: the CLI") and by {@code keyvault <command> --help}.
 */
public final class KeyvaultCli {
    private KeyvaultCli() {}

    /** Runs one command and exits with its exit code (0 success, 1 failure, 2 bad usage or input, 3 a failing check). */
    public static void main(String[] args) {
        System.exit(Cli.main(args));
    }
}
