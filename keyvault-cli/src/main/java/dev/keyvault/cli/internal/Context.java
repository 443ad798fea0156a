package dev.keyvault.cli.internal;

import static java.util.Objects.requireNonNull;

import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * What one run of the CLI works with: its environment, streams, terminal flags, clock, the
 * redactor that every stderr line goes through, and the parsed global options.
 */
final class Context {
    private final Map<String, String> env;
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean stdinTerminal;
    private final boolean stdoutTerminal;
    private final boolean stderrTerminal;
    private final Clock clock;
    private final Redactor redactor;
    private RootCommand options;

    Context(Map<String, String> env, InputStream in, PrintStream out, PrintStream err, boolean stdinTerminal,
            boolean stdoutTerminal, boolean stderrTerminal, Clock clock, Redactor redactor) {
        this.env = Map.copyOf(requireNonNull(env, "env"));
        this.in = requireNonNull(in, "in");
        this.out = requireNonNull(out, "out");
        this.err = requireNonNull(err, "err");
        this.stdinTerminal = stdinTerminal;
        this.stdoutTerminal = stdoutTerminal;
        this.stderrTerminal = stderrTerminal;
        this.clock = requireNonNull(clock, "clock");
        this.redactor = requireNonNull(redactor, "redactor");
    }

    void bind(RootCommand options) {
        this.options = requireNonNull(options, "options");
    }

    RootCommand options() {
        return options;
    }

    /** The environment variable {@code name}, if set and not blank. */
    Optional<String> env(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
    }

    InputStream in() {
        return in;
    }

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }

    boolean stdinTerminal() {
        return stdinTerminal;
    }

    boolean stderrTerminal() {
        return stderrTerminal;
    }

    /** Colour on stdout: a terminal, and {@code NO_COLOR} unset or empty. */
    Style style() {
        String noColor = env.get("NO_COLOR");
        return Style.of(stdoutTerminal && (noColor == null || noColor.isEmpty()));
    }

    Clock clock() {
        return clock;
    }

    Redactor redactor() {
        return redactor;
    }

    boolean json() {
        return options != null && options.json;
    }

    boolean verbose() {
        return options != null && options.verbose;
    }

    /** Prints {@code result} as the command's one JSON object on stdout. */
    void emit(Json.Obj result) {
        out.println(Json.write(result));
        out.flush();
    }

    /** A line for people on stdout. */
    void line(String text) {
        out.println(text);
    }

    /** Information beside the result, on stderr (redacted). */
    void note(String text) {
        err.println(redactor.redact(text));
        err.flush();
    }

    /** A warning on stderr (redacted). */
    void warn(String text) {
        err.println("warning: " + redactor.redact(text));
        err.flush();
    }
}
