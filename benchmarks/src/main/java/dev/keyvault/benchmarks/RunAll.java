package dev.keyvault.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark named in {@link Goals} together with its floor, in one JMH run, then the
 * non-JMH {@link Measurement}s, and prints the table the README shows (also written to
 * {@code benchmarks/target/benchmark-results.md}).
 *
 * <p>{@code mvn -Pbench -pl benchmarks -am package} runs it; {@code -Dbench.include=<regex>}
 * limits it to goals whose name or benchmarks match.
 */
public final class RunAll {
    private RunAll() {}

    public static void main(String[] args) throws Exception {
        String include = args.length > 0 && !args[0].isBlank() ? args[0] : ".*";
        Pattern filter = Pattern.compile(include, Pattern.CASE_INSENSITIVE);
        List<Goal> goals = new ArrayList<>();
        Set<String> benchmarks = new LinkedHashSet<>();
        for (Goal g : Goals.ALL) {
            if (filter.matcher(g.name()).find() || filter.matcher(g.subject()).find()) {
                goals.add(g);
                benchmarks.add(g.subject());
                if (g.floor() != null) {
                    benchmarks.add(g.floor());
                }
            }
        }
        Map<String, Double> scores = new HashMap<>();
        Map<String, String> units = new HashMap<>();
        if (!benchmarks.isEmpty()) {
            ChainedOptionsBuilder options = new OptionsBuilder()
                    .forks(1)
                    .warmupIterations(Integer.getInteger("bench.warmups", 3))
                    .warmupTime(TimeValue.seconds(2))
                    .measurementIterations(Integer.getInteger("bench.iterations", 5))
                    .measurementTime(TimeValue.seconds(2))
                    .shouldFailOnError(true);
            for (String b : benchmarks) {
                options.include("\\." + Pattern.quote(b) + "$");
            }
            Collection<RunResult> results = new Runner(options.build()).run();
            for (RunResult r : results) {
                String label = r.getParams().getBenchmark();
                String[] parts = label.split("\\.");
                String key = parts[parts.length - 2] + "." + parts[parts.length - 1];
                scores.put(key, r.getPrimaryResult().getScore());
                units.put(key, r.getPrimaryResult().getScoreUnit());
            }
        }
        StringBuilder table = new StringBuilder();
        table.append("| benchmark | keyvault | floor | ratio | goal | met |\n");
        table.append("|---|---|---|---|---|---|\n");
        for (Goal g : goals) {
            Double s = scores.get(g.subject());
            Double f = g.floor() == null ? null : scores.get(g.floor());
            if (s == null || (g.floor() != null && f == null)) {
                table.append("| ").append(g.name()).append(" | missing result | | | ").append(g.goalText()).append(" | ✗ |\n");
                continue;
            }
            String subject = fmt(s) + " " + units.get(g.subject());
            String floor = f == null ? "—" : fmt(f) + " " + units.get(g.floor());
            double ratio = f == null ? s : s / f;
            if (g.kind() == Goal.Kind.MILLIS_AT_MOST && !"ms/op".equals(units.get(g.subject()))) {
                throw new IllegalStateException(g.subject() + " must report ms/op for a goal in milliseconds");
            }
            boolean met = switch (g.kind()) {
                case TIME_RATIO_AT_MOST -> ratio <= g.threshold();
                case THROUGHPUT_RATIO_AT_LEAST -> ratio >= g.threshold();
                case NANOS_AT_MOST, MILLIS_AT_MOST -> s <= g.threshold();
            };
            String ratioText = switch (g.kind()) {
                case TIME_RATIO_AT_MOST -> String.format(Locale.ROOT, "%.2f×", ratio);
                case THROUGHPUT_RATIO_AT_LEAST -> String.format(Locale.ROOT, "%.1f %%", ratio * 100);
                case NANOS_AT_MOST -> "—";
                case MILLIS_AT_MOST -> f == null ? "—" : String.format(Locale.ROOT, "%.2f×", ratio);
            };
            table.append("| ").append(g.name()).append(" | ").append(subject).append(" | ").append(floor).append(" | ")
                    .append(ratioText).append(" | ").append(g.goalText()).append(" | ").append(met ? "✓" : "✗").append(" |\n");
        }
        for (Measurement m : Goals.MEASUREMENTS) {
            if (!filter.matcher(m.name()).find()) {
                continue;
            }
            Measurement.Result r = m.measure();
            table.append("| ").append(m.name()).append(" | ").append(r.subject()).append(" | ").append(r.floor()).append(" | ")
                    .append(r.ratio()).append(" | ").append(r.goal()).append(" | ")
                    .append(!r.hasGoal() ? "—" : r.met() ? "✓" : "✗").append(" |\n");
        }
        System.out.println();
        System.out.println(table);
        write(table.toString());
    }

    private static String fmt(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static void write(String table) throws IOException {
        Path out = Path.of("target", "benchmark-results.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table);
        System.out.println("written to " + out.toAbsolutePath());
    }
}
