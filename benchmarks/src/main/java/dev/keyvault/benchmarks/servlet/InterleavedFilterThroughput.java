package dev.keyvault.benchmarks.servlet;

import dev.keyvault.benchmarks.Measurement;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The figure of {@link FilterThroughputBenchmark}, measured so that load from outside the run
 * cannot tilt it: JMH measures the two servers one after the other, minutes apart, and on a shared
 * machine the other processes' load changes in between. Here both servers run in one JVM, warmed
 * alike, and the four client threads alternate between them in half-second slices for a minute,
 * so whatever the rest of the machine does falls on both sides equally. Same servers, same
 * request bytes, same client as the JMH benchmark.
 */
public class InterleavedFilterThroughput implements Measurement {
    private static final int THREADS = 4;
    private static final int SLICES = 60;
    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final double GOAL = 0.90;

    @Override
    public String name() {
        return "servlet filter throughput, cached key (Jetty, loopback, 4 threads, A/B slices interleaved)";
    }

    /** The server measured. */
    org.eclipse.jetty.server.Server subject(FilterThroughputBenchmark servers) {
        return servers.filtered;
    }

    /** The server it is compared with. */
    org.eclipse.jetty.server.Server floor(FilterThroughputBenchmark servers) {
        return servers.bare;
    }

    /**
     * Not a goal but the reading of the one above: a filter that only calls the chain against no
     * filter at all, on the same servlet — the share of the gap that is Jetty's filter chain rather
     * than keyvault's work.
     */
    public static final class PassThroughFilter extends InterleavedFilterThroughput {
        @Override
        public String name() {
            return "for reference: a do-nothing filter vs none (Jetty, loopback, 4 threads, A/B slices interleaved)";
        }

        @Override
        org.eclipse.jetty.server.Server subject(FilterThroughputBenchmark servers) {
            return servers.passThrough;
        }

        @Override
        Result result(String subject, String floor, double ratio) {
            return Result.reference(subject, floor, String.format(Locale.ROOT, "%.1f %%", ratio * 100));
        }
    }

    @Override
    public Result measure() throws Exception {
        FilterThroughputBenchmark servers = new FilterThroughputBenchmark();
        servers.start(); // includes the warm-up of both servers
        long subjectCount = 0;
        long floorCount = 0;
        try {
            for (int i = 0; i < SLICES; i++) {
                // alternate which goes first, so neither always follows the other's garbage
                boolean subjectFirst = i % 2 == 0;
                long a = load(subjectFirst ? subject(servers) : floor(servers), servers);
                long b = load(subjectFirst ? floor(servers) : subject(servers), servers);
                subjectCount += subjectFirst ? a : b;
                floorCount += subjectFirst ? b : a;
            }
        } finally {
            servers.stop();
        }
        double seconds = SLICES * (double) SLICE_NANOS / 1e9;
        double ratio = (double) subjectCount / floorCount;
        return result(String.format(Locale.ROOT, "%,.0f ops/s", subjectCount / seconds),
                String.format(Locale.ROOT, "%,.0f ops/s", floorCount / seconds), ratio);
    }

    Result result(String subject, String floor, double ratio) {
        return new Result(subject, floor, String.format(Locale.ROOT, "%.1f %%", ratio * 100),
                "≥ " + Math.round(GOAL * 100) + " %", ratio >= GOAL);
    }

    private static long load(org.eclipse.jetty.server.Server server, FilterThroughputBenchmark servers) throws Exception {
        return FilterThroughputBenchmark.load(server, servers.request, THREADS, SLICE_NANOS);
    }
}
