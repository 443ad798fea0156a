package dev.keyvault.cli.internal;

import dev.keyvault.CapacityExceededException;
import dev.keyvault.DuplicateKeyException;
import dev.keyvault.HashingException;
import dev.keyvault.KeyStateException;
import dev.keyvault.KeyStoreException;
import dev.keyvault.Peppers;
import dev.keyvault.UnknownKeyException;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * One run of the CLI: guards the arguments, sets up the context (streams in UTF-8, terminal flags,
 * the clock, the redactor), lets picocli parse and run the command, and turns every failure into one
 * redacted line on stderr and an exit code.
 */
public final class Cli {
    /** Testing only: the clock starts at this instant ({@code 2026-06-01T12:00:00Z}) instead of now. */
    static final String NOW_VARIABLE = "KEYVAULT_CLI_NOW";

    private Cli() {}

    /** The process entry: the real environment and streams. */
    public static int main(String[] args) {
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), false,
                StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        try {
            return run(args, System.getenv(), System.in, out, err, Terminal.isTerminal(Terminal.STDIN),
                    Terminal.isTerminal(Terminal.STDOUT), Terminal.isTerminal(Terminal.STDERR));
        } finally {
            out.flush();
            err.flush();
        }
    }

    static int run(String[] args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err,
            boolean stdinTerminal, boolean stdoutTerminal, boolean stderrTerminal) {
        Redactor redactor = new Redactor();
        for (String secret : List.of("KEYVAULT_JDBC_PASSWORD", Peppers.ENVIRONMENT_VARIABLE)) {
            String value = env.get(secret);
            if (value != null) {
                redactor.add(value);
                for (String part : value.split(",")) {
                    redactor.add(part);
                }
            }
        }
        boolean json = List.of(args).contains("--json");
        Clock clock;
        try {
            ArgumentGuard.check(args);
            clock = clock(env, err);
        } catch (CliException e) {
            return report(out, err, redactor, json, "keyvault", e.exitCode(), e.getMessage());
        }
        Context ctx = new Context(env, in, out, err, stdinTerminal, stdoutTerminal, stderrTerminal, clock, redactor);
        RootCommand root = new RootCommand();
        root.bind(ctx);
        CommandLine cl = new CommandLine(root);
        cl.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(ctx.style().ansi() ? Ansi.ON : Ansi.OFF));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        HelpLayout.apply(cl);
        cl.setParameterExceptionHandler((ex, arguments) -> {
            String command = BaseCommand.commandName(ex.getCommandLine().getCommandSpec());
            String message = parameterMessage(ex) + "; see 'keyvault " + (command.equals("keyvault") ? "" : command + " ")
                    + "--help'";
            return report(out, err, redactor, ctx.json() || json, command, ExitCode.USAGE, message);
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            String command = BaseCommand.commandName(commandLine.getCommandSpec());
            if (ctx.verbose()) {
                StringWriter trace = new StringWriter();
                ex.printStackTrace(new PrintWriter(trace));
                err.print(redactor.redact(trace.toString()));
            }
            return reportFailure(out, err, redactor, ctx.json(), command, ex);
        });
        cl.setExecutionStrategy(parseResult -> {
            Logging.configure(root.verbose);
            return new CommandLine.RunLast().execute(parseResult);
        });
        int exit = cl.execute(args);
        out.flush();
        return exit;
    }

    private static Clock clock(Map<String, String> env, PrintStream err) {
        String now = env.get(NOW_VARIABLE);
        // milliseconds, as the store keeps them
        Clock system = Clock.tickMillis(ZoneOffset.UTC);
        if (now == null || now.isBlank()) {
            return system;
        }
        Instant start;
        try {
            start = Instants.parse(now);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(NOW_VARIABLE + ": " + e.getMessage() + " (it is for tests only; unset it)");
        }
        err.println("warning: " + NOW_VARIABLE + " is set: the clock starts at " + start + " (testing only; never set it in"
                + " production)");
        return Clock.offset(system, Duration.between(system.instant(), start).truncatedTo(ChronoUnit.MILLIS));
    }

    /** picocli's message, without quoting values that could be secrets. */
    private static String parameterMessage(ParameterException ex) {
        if (ex instanceof UnmatchedArgumentException u) {
            List<String> unmatched = u.getUnmatched();
            String first = unmatched.isEmpty() ? "" : unmatched.get(0);
            String what;
            if (first.startsWith("-")) {
                String name = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
                what = "unknown option " + (name.length() <= 40 ? name : name.substring(0, 40) + "…");
            } else {
                what = first.length() <= 40 && first.chars().allMatch(c -> c >= 0x20 && c < 0x7f)
                        ? "unexpected argument '" + first + "'" : "unexpected argument";
            }
            List<String> suggestions = u.getSuggestions();
            return suggestions.isEmpty() ? what : what + " (did you mean " + String.join(" or ", suggestions) + "?)";
        }
        String m = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        return m.length() > 300 ? m.substring(0, 300) + "…" : m;
    }

    private static int reportFailure(PrintStream out, PrintStream err, Redactor redactor, boolean json, String command,
            Exception ex) {
        int code;
        String message;
        if (ex instanceof CliException c) {
            code = c.exitCode();
            message = c.getMessage();
        } else if (ex instanceof RootCommand.CommandRequired) {
            code = ExitCode.USAGE;
            message = "a command is required; see 'keyvault " + (command.equals("keyvault") ? "" : command + " ") + "--help'";
        } else if (ex instanceof UnknownKeyException u) {
            code = ExitCode.USAGE;
            message = BaseCommand.unknownKey(u.keyId()).getMessage();
        } else if (ex instanceof KeyStateException) {
            code = ExitCode.USAGE;
            message = ex.getMessage() + " ('keyvault keys show <id>' shows the key's state)";
        } else if (ex instanceof DuplicateKeyException) {
            code = ExitCode.USAGE;
            message = ex.getMessage() + "; choose another --name";
        } else if (ex instanceof IllegalArgumentException) {
            code = ExitCode.USAGE;
            message = String.valueOf(ex.getMessage());
        } else if (ex instanceof KeyStoreException) {
            // the driver's own text can hold row values (a stored hash): only --verbose shows the cause
            code = ExitCode.FAILURE;
            message = ex.getMessage() + "; the change may not have been made: check the database and run the command again"
                    + " (--verbose for the cause)";
        } else if (ex instanceof HashingException || ex instanceof CapacityExceededException) {
            code = ExitCode.FAILURE;
            message = ex.getMessage() + "; run again (--verbose for the cause)";
        } else if (ex instanceof UncheckedIOException) {
            code = ExitCode.FAILURE;
            message = "I/O failure: " + ex.getMessage();
        } else {
            code = ExitCode.FAILURE;
            message = "unexpected " + ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage())
                    + " (run with --verbose for the stack trace)";
        }
        return report(out, err, redactor, json, command, code, message);
    }

    /** The one line on stderr and, with {@code --json}, the error object on stdout. */
    private static int report(PrintStream out, PrintStream err, Redactor redactor, boolean json, String command, int code,
            String message) {
        String line = redactor.redact(message.replace('\n', ' ').replace('\r', ' '));
        err.println("keyvault" + (command.equals("keyvault") ? "" : " " + command) + ": " + line);
        err.flush();
        if (json) {
            out.println(Json.write(Json.obj().put("command", command)
                    .put("error", Json.obj().put("exitCode", code).put("message", line))));
            out.flush();
        }
        return code;
    }
}
