package dev.keyvault.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command's help, the completion script and the argument guard, in-process (no database needed). */
class CliHelpTest {
    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Cli.run(args, Map.of(), new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false, false, false);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static List<List<String>> commands() {
        List<List<String>> all = new ArrayList<>();
        collect(new CommandLine(new RootCommand()), new ArrayList<>(), all);
        return all;
    }

    private static void collect(CommandLine cl, List<String> path, List<List<String>> all) {
        for (var e : cl.getSubcommands().entrySet()) {
            List<String> p = new ArrayList<>(path);
            p.add(e.getKey());
            all.add(p);
            collect(e.getValue(), p, all);
        }
    }

    @Test
    void whenAnyCommandIsAskedForHelpThenItShowsAnExampleAndItsJsonShape() {
        List<List<String>> commands = commands();
        assertThat(commands).extracting(c -> String.join(" ", c)).containsExactlyInAnyOrder(
                "keys", "keys list", "keys show", "keys issue", "keys update", "keys rotate", "keys status", "keys complete",
                "keys revoke", "keys history", "keys usage", "keys audit", "due", "compliance", "revoke-all", "auto-rotate", "verify",
                "scan",
                "hashes", "migrate", "completion");
        for (List<String> command : commands) {
            List<String> args = new ArrayList<>(command);
            args.add("--help");
            Run r = run(args.toArray(String[]::new));
            assertThat(r.exit()).as(command.toString()).isZero();
            assertThat(r.out()).as(command.toString()).startsWith("");
            if (!command.equals(List.of("keys"))) {
                assertThat(r.out()).as(command.toString()).contains("Example").contains("JSON: {command");
                assertThat(r.out()).as(command.toString()).contains("Global options, before or after the command");
            }
        }
    }

    @Test
    void whenTheRootHelpIsShownThenItDocumentsTheExitCodesAndTheTestingClock() {
        Run r = run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Exit codes:", "  0  success", "  1  failure", "  2  bad usage or input", "  3  a refused or failing check")
                .contains("KEYVAULT_CLI_NOW     testing only, never needed in production");
    }

    @Test
    void whenNoCommandIsGivenThenTheHelpGoesToStderrWithExitTwo() {
        Run r = run();
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("Usage: keyvault").endsWith("keyvault: a command is required; see 'keyvault --help'\n");
    }

    @Test
    void whenCompletionIsAskedThenPicocliBashScriptCoversTheCommands() {
        Run r = run("completion");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("complete -F").contains("revoke-all").contains("auto-rotate").contains("--fail-on-overdue");
    }

    @Test
    void whenAnOptionIsMistypedThenPicocliSuggestsWithoutQuotingItsValue() {
        Run r = run("keys", "list", "--ownr=s3cret-value");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("keyvault keys list: unknown option --ownr (did you mean --owner?); see 'keyvault keys list"
                + " --help'\n");
    }

    @Test
    void whenTheTestingClockIsMalformedThenExitTwo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Cli.run(new String[] {"due"}, Map.of("KEYVAULT_CLI_NOW", "yesterday"), new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false, false, false);
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("keyvault: KEYVAULT_CLI_NOW: 'yesterday' is not a time;"
                + " write it like 2026-06-01T12:00:00Z or 2026-06-01 (it is for tests only; unset it)\n");
    }

    @Test
    void whenVerboseThenAFailureAlsoPrintsItsStackTrace() {
        Run quiet = run("--jdbc-url", "jdbc:h2:file:/nonexistent-dir/keys", "keys", "list");
        assertThat(quiet.exit()).isEqualTo(2);
        assertThat(quiet.err()).doesNotContain("\tat ");
        Run verbose = run("--verbose", "--jdbc-url", "jdbc:h2:file:/nonexistent-dir/keys", "keys", "list");
        assertThat(verbose.exit()).isEqualTo(2);
        assertThat(verbose.err()).contains("\tat ").endsWith("keyvault keys list: there is no H2 database at"
                + " jdbc:h2:file:/nonexistent-dir/keys; check the path, or create it with 'keyvault migrate'\n");
    }

    @Test
    void whenTheDatabaseHasNoKeyvaultTablesThenExitTwoPointingAtMigrate() {
        Run r = run("--jdbc-url", "jdbc:h2:mem:no-tables-yet", "keys", "list");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("keyvault keys list: the database jdbc:h2:mem:no-tables-yet has no keyvault tables (table"
                + " prefix 'keyvault_'); create them with 'keyvault migrate', or check --jdbc-url and --table-prefix\n");
    }
}
