package dev.keyvault.benchmarks.servlet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.eclipse.jetty.server.Server;

/**
 * The filter-throughput comparison of {@link FilterThroughputBenchmark} in long alternating phases,
 * to see the steady state and where the time goes: after the servers' warm-up, the same four client
 * threads load the filtered and the bare server in turn ({@code phaseMillis} each, {@code rounds}
 * rounds, the order alternating), and the first {@code skipRounds} rounds are left out of the ratio.
 * With {@code perf} as fourth argument, and Linux {@code perf} installed, the last round of each
 * server is recorded with {@code perf record -F 999 -g} into {@code target/filtered.data} and
 * {@code target/bare.data}, and {@code jcmd <pid> Compiler.perfmap} then writes
 * {@code /tmp/perf-<pid>.map} so that {@code perf report} names the JIT-compiled methods.
 *
 * <pre>{@code mvn -q -Pbench -pl benchmarks -am package -DskipTests \
 *     -Dbench.main=dev.keyvault.benchmarks.servlet.FilterPhases -Dbench.args="4000 20 6"}</pre>
 */
public final class FilterPhases {
    private FilterPhases() {}

    public static void main(String[] args) throws Exception {
        String[] a = args.length == 1 ? args[0].trim().split("\\s+") : args;
        long phaseMillis = a.length > 0 && !a[0].isEmpty() ? Long.parseLong(a[0]) : 4_000;
        int rounds = a.length > 1 ? Integer.parseInt(a[1]) : 20;
        int skipRounds = a.length > 2 ? Integer.parseInt(a[2]) : 6;
        boolean perf = a.length > 3 && a[3].equals("perf");
        FilterThroughputBenchmark servers = new FilterThroughputBenchmark();
        servers.start();
        long filtered = 0;
        long bare = 0;
        try {
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < 2; k++) {
                    boolean isFiltered = (round + k) % 2 == 0;
                    Server server = isFiltered ? servers.filtered : servers.bare;
                    Process recorder = perf && round == rounds - 1 ? record(isFiltered ? "filtered" : "bare", phaseMillis) : null;
                    long n = FilterThroughputBenchmark.load(server, servers.request, 4, phaseMillis * 1_000_000L);
                    if (recorder != null) {
                        recorder.waitFor();
                    }
                    System.out.printf(Locale.ROOT, "round %2d  %-8s %,10d requests%n", round, isFiltered ? "filtered" : "bare", n);
                    if (round >= skipRounds) {
                        if (isFiltered) {
                            filtered += n;
                        } else {
                            bare += n;
                        }
                    }
                }
            }
            if (perf) {
                String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
                new ProcessBuilder(jcmd, Long.toString(ProcessHandle.current().pid()), "Compiler.perfmap").inheritIO().start().waitFor();
            }
        } finally {
            servers.stop();
        }
        System.out.printf(Locale.ROOT, "rounds %d-%d of %d ms phases: filtered %,d, bare %,d requests: %.1f %%%n",
                skipRounds, rounds - 1, phaseMillis, filtered, bare, 100.0 * filtered / bare);
    }

    private static Process record(String name, long phaseMillis) throws IOException {
        return new ProcessBuilder("perf", "record", "-q", "-o", "target/" + name + ".data", "-F", "999", "-g",
                "-p", Long.toString(ProcessHandle.current().pid()), "--", "sleep", Long.toString(Math.max(1, phaseMillis / 1000)))
                .inheritIO().start();
    }
}
