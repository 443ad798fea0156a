package dev.keyvault.cli.internal;

import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code keyvault}: the global options (inherited by every command, so they may come before or after
 * the command's name) and the commands.
 */
@Command(name = "keyvault",
        versionProvider = Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Operate keyvault's API keys without writing Java: the rotation playbook, audits, compliance and automated"
                    + " rotation over the application's own H2 or PostgreSQL store.",
            "",
            "Give the CLI the application's settings: the database (--jdbc-url or KEYVAULT_JDBC_URL, user and password"
                    + " from KEYVAULT_JDBC_USER and KEYVAULT_JDBC_PASSWORD or --password-file), the pepper (KEYVAULT_PEPPER"
                    + " or --pepper-file) and the token prefix (--key-prefix or KEYVAULT_KEY_PREFIX)."
        },
        subcommands = {
            KeysCommand.class,
            DueCommand.class,
            ComplianceCommand.class,
            RevokeAllCommand.class,
            AutoRotateCommand.class,
            VerifyCommand.class,
            ScanCommand.class,
            HashesCommand.class,
            MigrateCommand.class,
            CompletionCommand.class
        },
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  success",
            "  1  failure: the database failed mid-operation, an automated rotation's probe",
            "     or sink failed, an unexpected error",
            "  2  bad usage or input (unknown option or key id, bad value, unreadable file,",
            "     unreachable database): nothing was changed",
            "  3  a refused or failing check: 'compliance' not compliant, 'keys complete'",
            "     refused, 'due --fail-on-overdue' with overdue keys, 'verify' rejecting",
            "     the token, 'scan' finding a token of an active key",
            "",
            "Environment:",
            "  KEYVAULT_JDBC_URL, KEYVAULT_JDBC_USER, KEYVAULT_JDBC_PASSWORD  the database",
            "  KEYVAULT_PEPPER      the pepper(s), id:base64[,id:base64…], current first",
            "  KEYVAULT_KEY_PREFIX  the token prefix (default kv)",
            "  KEYVAULT_TABLE_PREFIX, KEYVAULT_HASHER, KEYVAULT_QUIET_PERIOD, KEYVAULT_ACTOR",
            "                       as the options of the same name",
            "  NO_COLOR             no colour, even on a terminal",
            "  KEYVAULT_CLI_NOW     testing only, never needed in production: the clock",
            "                       starts at this instant (a warning says so)",
            "",
            "Example (the rotation playbook):",
            "  export KEYVAULT_JDBC_URL=jdbc:postgresql://db:5432/app",
            "  export KEYVAULT_KEY_PREFIX=kb_live KEYVAULT_PEPPER=\"$(cat /run/secrets/pepper)\"",
            "  keyvault keys rotate 3kP9xYb2QmZ7 --output-file ./kb-sync-v2.token",
            "  keyvault keys status 3kP9xYb2QmZ7      # who is still on the old key",
            "  keyvault keys complete 3kP9xYb2QmZ7    # exit 3 while a client is on it"
        })
final class RootCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--version", versionHelp = true, description = "Print the version and exit.")
    boolean version;

    @Option(names = "--jdbc-url", paramLabel = "<url>", scope = ScopeType.INHERIT, order = 1,
            description = "The application's database: jdbc:h2:file:… or jdbc:postgresql://…; never with a password in it."
                    + " Default: $KEYVAULT_JDBC_URL.")
    String jdbcUrl;

    @Option(names = "--password-file", paramLabel = "<file>", scope = ScopeType.INHERIT, order = 2,
            description = "Read the database password from this file (one line). Default: $KEYVAULT_JDBC_PASSWORD."
                    + " The user is $KEYVAULT_JDBC_USER.")
    Path passwordFile;

    @Option(names = "--pepper-file", paramLabel = "<file>", scope = ScopeType.INHERIT, order = 3,
            description = "Read the pepper specification from this owner-only file. Default: $KEYVAULT_PEPPER.")
    Path pepperFile;

    @Option(names = "--key-prefix", paramLabel = "<prefix>", scope = ScopeType.INHERIT, order = 4,
            description = "The token prefix, such as kb_live (issue and verify need it). Default: $KEYVAULT_KEY_PREFIX, else kv.")
    String keyPrefix;

    @Option(names = "--table-prefix", paramLabel = "<prefix>", scope = ScopeType.INHERIT, order = 5,
            description = "The prefix of keyvault's tables. Default: $KEYVAULT_TABLE_PREFIX, else keyvault_.")
    String tablePrefix;

    @Option(names = "--hasher", paramLabel = "<hasher>", scope = ScopeType.INHERIT, order = 6,
            description = "hmac-sha256 (the default, with the pepper) or argon2id, as the application's KeyManager."
                    + " Default: $KEYVAULT_HASHER, else hmac-sha256.")
    String hasher;

    @Option(names = "--quiet-period", paramLabel = "<duration>", scope = ScopeType.INHERIT, order = 7, converter = Durations.class,
            description = "How long an old key must go unused before its rotation may complete, as the application's."
                    + " Default: $KEYVAULT_QUIET_PERIOD, else 24h.")
    Duration quietPeriod;

    @Option(names = "--actor", paramLabel = "<name>", scope = ScopeType.INHERIT, order = 8,
            description = "Who the keys' history names for changes. Default: $KEYVAULT_ACTOR, else the OS user.")
    String actor;

    @Option(names = "--json", scope = ScopeType.INHERIT, order = 9,
            description = "Print one JSON object on stdout instead of tables (shapes in the README).")
    boolean json;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, order = 10,
            description = "Log what the library does, and print stack traces of errors.")
    boolean verbose;

    private Context context;

    void bind(Context context) {
        this.context = context;
        context.bind(this);
    }

    Context context() {
        return context;
    }

    @Override
    public void run() {
        // `keyvault` alone: the help, and exit 2 (a command is required)
        spec.commandLine().usage(context.err());
        throw new CommandRequired();
    }

    /** No command was given. */
    static final class CommandRequired extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CommandRequired() {
            super("a command is required", null, false, false);
        }
    }
}
