package dev.keyvault.cli;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the built jar ({@code target/keyvault-cli.jar}) as a separate process, as cron and operators
 * do: a clean environment (only what the test gives, plus PATH and HOME), stdin from a string,
 * stdout and stderr captured. JVM options as the {@code bin/keyvault} launcher's.
 */
final class CliProcess {
    static final Path JAR = Path.of(System.getProperty("keyvault.cli.jar", "target/keyvault-cli.jar")).toAbsolutePath();
    static final Path LAUNCHER = Path.of(System.getProperty("keyvault.cli.launcher", "bin/keyvault")).toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_SECONDS = 120;

    private CliProcess() {}

    /** What a run printed and how it ended. */
    record Result(int exit, String out, String err, List<String> command) {
        /** stdout as the command's one JSON object. */
        JsonNode json() {
            try {
                String trimmed = out.strip();
                if (trimmed.contains("\n")) {
                    fail("expected one JSON line on stdout, got:%n%s", out);
                }
                return JSON.readTree(trimmed);
            } catch (IOException e) {
                throw new AssertionError("stdout is not JSON: " + out + "\nstderr: " + err, e);
            }
        }

        /** stderr's lines, without the testing-clock warning every run with KEYVAULT_CLI_NOW prints. */
        List<String> errLines() {
            List<String> lines = new ArrayList<>();
            for (String l : err.split("\\R")) {
                if (!l.isBlank() && !l.startsWith("warning: KEYVAULT_CLI_NOW is set")) {
                    lines.add(l);
                }
            }
            return lines;
        }

        @Override
        public String toString() {
            return "exit " + exit + " of " + command + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Result run(Map<String, String> env, String... args) {
        return runWithStdin(env, "", args);
    }

    static Result runWithStdin(Map<String, String> env, String stdin, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-jar", JAR.toString()));
        command.addAll(Arrays.asList(args));
        return exec(command, env, stdin);
    }

    /**
     * Runs {@code command} (the launcher, {@code script}) with the same environment rules; an
     * {@code LC_ALL} of {@code env} replaces the default, an empty one removes it.
     */
    static Result exec(List<String> command, Map<String, String> env, String stdin) {
        if (!Files.isRegularFile(JAR)) {
            fail("%s is missing: the jar tests run after the package phase (mvn verify)", JAR);
        }
        try {
            Path out = Files.createTempFile("kv-cli-out", ".txt");
            Path err = Files.createTempFile("kv-cli-err", ".txt");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
                Map<String, String> e = pb.environment();
                Map<String, String> keep = new HashMap<>();
                for (String name : List.of("PATH", "HOME", "JAVA_HOME")) {
                    String v = System.getenv(name);
                    if (v != null) {
                        keep.put(name, v);
                    }
                }
                e.clear();
                e.putAll(keep);
                // an operator's shell has a UTF-8 locale; without one the JVM cannot decode non-ASCII arguments
                e.put("LC_ALL", "C.UTF-8");
                e.putAll(env);
                if (e.get("LC_ALL").isEmpty()) {
                    e.remove("LC_ALL");
                }
                Process p = pb.start();
                try (OutputStream in = p.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                } catch (IOException closedEarly) {
                    // the command did not read stdin
                }
                if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    fail("%s did not finish within %d s", command, TIMEOUT_SECONDS);
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8), List.copyOf(command));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
