package dev.keyvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.IssuedKey;
import dev.keyvault.KeyHashers;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.RejectionReason;
import dev.keyvault.VerificationResult;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two managers ("nodes"), each with its own store instance and connections, on one database: node A
 * revokes a key that node B has verified and cached, and we measure how long until B rejects it, 100
 * times. The figures are printed, not asserted (these machines are shared and noisy); the assertion
 * is a generous bound: every revocation is seen within ten poll intervals (at least five seconds).
 */
class RevocationAcrossNodesTest {
    private static final int REVOCATIONS = 100;

    @TempDir
    Path directory;

    @Test
    void whenRevokedOnOnePostgresNodeWithNotificationsThenTheOtherRejectsWithinTheBound() {
        try (TestDatabase.PostgresSchema db = (TestDatabase.PostgresSchema) TestDatabase.postgres()) {
            db.migratedStore();
            Duration poll = Duration.ofSeconds(1);
            measure("PostgreSQL, LISTEN/NOTIFY, poll 1 s", poll,
                    JdbiKeyStore.builder(db.newPool()).build(),
                    JdbiKeyStore.builder(db.newPool()).build());
        }
    }

    @Test
    void whenRevokedOnOnePostgresNodeWithPollingOnlyThenTheOtherRejectsWithinTheBound() {
        try (TestDatabase.PostgresSchema db = (TestDatabase.PostgresSchema) TestDatabase.postgres()) {
            db.migratedStore();
            Duration poll = Duration.ofMillis(150);
            measure("PostgreSQL, polling only, poll 150 ms", poll,
                    JdbiKeyStore.builder(db.newPool()).notifications(false).build(),
                    JdbiKeyStore.builder(db.newPool()).notifications(false).build());
        }
    }

    /**
     * H2 shared by two nodes means H2 in server mode: an H2 TCP server (here in this JVM) that both
     * nodes reach over its client protocol, as two application processes would. Two stores on one
     * in-process URL would share H2's in-memory structures and prove less.
     */
    @Test
    void whenRevokedOnOneNodeOfAnH2ServerThenTheOtherRejectsWithinTheBound() throws Exception {
        Server server = Server.createTcpServer("-tcpPort", Integer.toString(freePort()),
                "-baseDir", directory.toString(), "-ifNotExists").start();
        try {
            String url = "jdbc:h2:tcp://localhost:" + server.getPort() + "/revocation";
            JdbiKeyStore a = JdbiKeyStore.builder(pool(url)).build();
            a.migrate();
            measure("H2 server (TCP), poll 150 ms", Duration.ofMillis(150), a, JdbiKeyStore.builder(pool(url)).build());
        } finally {
            server.stop();
        }
    }

    private static void measure(String label, Duration poll, JdbiKeyStore storeA, JdbiKeyStore storeB) {
        // With notifications the poll phase hardly matters; without, a whole interval of phases is needed.
        Duration jitter = label.contains("NOTIFY") ? Duration.ofMillis(20) : poll;
        // Ten poll intervals, but never less than five seconds: on a shared machine with a load of ten
        // per core, a thread can wait longer than 1.5 s for a CPU, and that is not what is tested here.
        Duration bound = poll.multipliedBy(10).compareTo(Duration.ofSeconds(5)) > 0 ? poll.multipliedBy(10) : Duration.ofSeconds(5);
        List<Long> micros = new ArrayList<>();
        java.util.SplittableRandom random = new java.util.SplittableRandom();
        try (KeyManager a = node(storeA, poll); KeyManager b = node(storeB, poll)) {
            List<IssuedKey> issued = new ArrayList<>();
            for (int i = 0; i < REVOCATIONS; i++) {
                IssuedKey key = a.issue(KeySpec.builder("acme", "key " + i).build());
                assertThat(b.verify(key.token()).isVerified()).isTrue(); // B reads it cold and caches it
                assertThat(b.verify(key.token()).isVerified()).isTrue(); // and now serves it hot
                issued.add(key);
            }
            for (int i = 0; i < REVOCATIONS; i++) {
                IssuedKey key = issued.get(i);

                // Revoke at a random point of B's poll cycle; otherwise every revocation would come
                // just after the poll that saw the previous one, and wait a whole interval.
                LockSupport.parkNanos(random.nextLong(jitter.toNanos()));
                long start = System.nanoTime();
                a.revoke(key.id(), "propagation test", "test");
                long deadline = start + bound.toNanos();
                VerificationResult r;
                while ((r = b.verify(key.token())).isVerified()) {
                    assertThat(System.nanoTime()).as("%s: revocation %d seen by B within %s", label, i, bound)
                            .isLessThan(deadline);
                    LockSupport.parkNanos(200_000);
                }
                micros.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start));
                assertThat(r).isInstanceOfSatisfying(VerificationResult.Rejected.class,
                        rej -> assertThat(rej.reason()).isEqualTo(RejectionReason.REVOKED));
            }
        }
        Collections.sort(micros);
        System.out.printf(Locale.ROOT, "revocation A -> B, %s: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d revocations)%n", label,
                percentile(micros, 50) / 1000.0, percentile(micros, 99) / 1000.0, micros.get(micros.size() - 1) / 1000.0,
                micros.size());
    }

    private static KeyManager node(JdbiKeyStore store, Duration poll) {
        return KeyManager.builder().store(store).hasher(KeyHashers.hmacSha256())
                .changeFeedPollInterval(poll)
                .statusRefreshInterval(Duration.ofHours(1)) // only the feed may tell B
                .usageFlushInterval(Duration.ZERO)
                .build();
    }

    static long percentile(List<Long> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static DataSource pool(String url) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        return JdbcConnectionPool.create(ds);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

}
