package dev.keyvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.KeyStatus;
import dev.keyvault.spi.StoredKey;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM works against an H2 file database and is killed with SIGKILL mid-load. After reopening,
 * everything it had acknowledged is there, and the usage lost is at most what was recorded since its
 * last completed flush began (the figure, in requests and in milliseconds of load, is printed).
 */
class CrashRecoveryTest {
    private static final long FLUSH_MILLIS = 100;
    private static final Pattern LINE = Pattern.compile("(ISSUED|REVOKED) ([0-9A-Za-z]{12})|RECORDED (\\d+)|FLUSHED (\\d+) (\\d+)");

    @TempDir
    Path directory;

    private record Seen(long nanos, String line) {}

    @Test
    void whenTheProcessIsKilledMidLoadThenAcknowledgedChangesSurviveAndUsageLossIsBounded() throws Exception {
        // A plain URL on purpose: the store itself makes H2 write each commit at once (WRITE_DELAY 0).
        String url = "jdbc:h2:file:" + directory.resolve("crash").toAbsolutePath();
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(), url,
                Long.toString(FLUSH_MILLIS))
                .redirectError(directory.resolve("child-stderr.txt").toFile())
                .start();
        List<Seen> seen = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (seen) {
                        seen.add(new Seen(System.nanoTime(), line));
                        seen.notifyAll();
                    }
                }
            } catch (java.io.IOException e) {
                // the pipe breaks when the child dies
            }
        }, "crash-child-reader");
        reader.start();

        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            long loadStarted = 0;
            while (true) {
                assertThat(System.nanoTime()).as("child made progress (see child-stderr.txt)").isLessThan(deadline);
                assertThat(child.isAlive()).as("child is alive").isTrue();
                synchronized (seen) {
                    int issued = (int) seen.stream().filter(s -> s.line.startsWith("ISSUED")).count();
                    int flushes = (int) seen.stream().filter(s -> s.line.startsWith("FLUSHED")).count();
                    if (loadStarted == 0 && seen.stream().anyMatch(s -> s.line.equals("READY"))) {
                        loadStarted = System.nanoTime();
                    }
                    // Mid-load: a few seconds in (or 300 keys), with some flushes behind us.
                    boolean enough = issued >= 300 || loadStarted != 0 && System.nanoTime() - loadStarted > TimeUnit.SECONDS.toNanos(3);
                    if (enough && issued >= 30 && flushes >= 3) {
                        break;
                    }
                    // woken by every line the child prints; the timeout only re-checks its liveness and the deadline
                    seen.wait(100);
                }
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no final flush
            child.waitFor(30, TimeUnit.SECONDS);
            reader.join(TimeUnit.SECONDS.toMillis(30));
        }

        List<String> issued = new ArrayList<>();
        List<String> revoked = new ArrayList<>();
        List<long[]> recorded = new ArrayList<>(); // {nanos, total}
        List<Long> flushMillis = new ArrayList<>();
        List<Long> flushedBefore = new ArrayList<>();
        for (Seen s : seen) {
            Matcher m = LINE.matcher(s.line);
            if (!m.matches()) {
                continue; // READY, or a line cut off by the kill
            }
            if (m.group(4) != null) {
                flushedBefore.add(Long.parseLong(m.group(4)));
                flushMillis.add(Long.parseLong(m.group(5)));
            } else if (m.group(3) != null) {
                recorded.add(new long[] {s.nanos, Long.parseLong(m.group(3))});
            } else if (m.group(1).equals("ISSUED")) {
                issued.add(m.group(2));
            } else {
                revoked.add(m.group(2));
            }
        }
        assertThat(issued).hasSizeGreaterThan(10);
        assertThat(recorded).isNotEmpty();

        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        JdbiKeyStore store = JdbiKeyStore.builder(ds).build();
        for (String id : issued) {
            assertThat(store.find(id)).as("acknowledged issue of %s", id).isPresent();
        }
        for (String id : revoked) {
            assertThat(store.find(id).map(StoredKey::key).map(k -> k.status())).as("acknowledged revocation of %s", id)
                    .contains(KeyStatus.REVOKED);
        }
        long stored = SchemaTest.count(ds, "SELECT COALESCE(SUM(request_count), 0) FROM keyvault_usage");
        long acknowledged = recorded.get(recorded.size() - 1)[1];
        long lost = acknowledged - stored;

        // Load rate over the last second before the kill, to express the loss as time.
        long[] last = recorded.get(recorded.size() - 1);
        long[] earlier = recorded.stream().filter(r -> last[0] - r[0] >= TimeUnit.SECONDS.toNanos(1)).reduce((a, b) -> b)
                .orElse(recorded.get(0));
        double perMilli = (last[1] - earlier[1]) / Math.max(1.0, (last[0] - earlier[0]) / 1e6);
        System.out.printf(Locale.ROOT, "crash: %d issues and %d revocations acknowledged, all present after SIGKILL;"
                        + " usage acknowledged %,d, stored %,d, lost %,d requests = %.0f ms of load at %.0f requests/ms"
                        + " (flush interval %d ms; %d flushes took p50 %d ms, max %d ms)%n",
                issued.size(), revoked.size(), acknowledged, stored, lost, lost / Math.max(perMilli, 1e-9), perMilli, FLUSH_MILLIS,
                flushMillis.size(), flushMillis.stream().sorted().skip(flushMillis.size() / 2).findFirst().orElse(0L),
                flushMillis.stream().mapToLong(Long::longValue).max().orElse(0));

        // Never counted twice: at most the requests recorded after the last acknowledgement.
        long counted = Math.max(acknowledged, flushedBefore.stream().mapToLong(Long::longValue).max().orElse(0));
        assertThat(stored).isLessThanOrEqualTo(counted + 200);
        // At most one flush cycle lost: every request counted before the last completed flush began was
        // drained by it, so it is stored. (Counted per flush, not per batch: a flush of more than 5,000
        // rollups writes several batches, and requests counted while it writes belong to the next one.)
        assertThat(flushedBefore).hasSizeGreaterThanOrEqualTo(2);
        assertThat(stored).as("requests counted before the last completed flush began")
                .isGreaterThanOrEqualTo(flushedBefore.get(flushedBefore.size() - 1));
    }
}
