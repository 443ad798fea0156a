package dev.keyvault.cli.internal;

import java.util.List;
import java.util.Locale;

/**
 * Refuses secrets on the command line before picocli sees the arguments (its errors would quote
 * them). Arguments end up in shell history, {@code ps} output and audit logs, so a token, a password
 * or a pepper is never accepted there: a token is read by {@code verify} from stdin, the password and
 * the pepper from the environment or a file.
 */
final class ArgumentGuard {
    private static final List<String> SECRET_OPTIONS = List.of("--password", "--jdbc-password", "--db-password", "--pepper",
            "--token", "--secret", "--key-secret");

    private ArgumentGuard() {}

    /**
     * @throws CliException (exit 2) naming the argument's position, never its value
     */
    static void check(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.indexOf('\uFFFD') >= 0) {
                throw CliException.usage("argument " + (i + 1) + " could not be decoded in this locale's encoding ("
                        + System.getProperty("sun.jnu.encoding", "?") + "); run with a UTF-8 locale, such as LC_ALL=C.UTF-8"
                        + " (the bin/keyvault launcher sets one when none is set)");
            }
            if (Redactor.containsToken(arg)) {
                throw CliException.usage("argument " + (i + 1) + " looks like an API key token; tokens are never accepted on the"
                        + " command line (shell history, process lists): pipe it to 'keyvault verify' on stdin instead");
            }
            if (arg.startsWith("--")) {
                String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                String lower = name.toLowerCase(Locale.ROOT);
                for (String secret : SECRET_OPTIONS) {
                    if (lower.equals(secret)) {
                        throw CliException.usage(name + " is not an option: " + where(lower));
                    }
                }
            }
        }
    }

    private static String where(String option) {
        if (option.contains("password")) {
            return "the database password is read from KEYVAULT_JDBC_PASSWORD or --password-file, never from arguments";
        }
        if (option.contains("pepper")) {
            return "the pepper is read from KEYVAULT_PEPPER or --pepper-file, never from arguments";
        }
        return "tokens are never accepted on the command line: pipe one to 'keyvault verify' on stdin";
    }
}
