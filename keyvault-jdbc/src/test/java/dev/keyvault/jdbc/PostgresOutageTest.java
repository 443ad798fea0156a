package dev.keyvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyvault.IssuedKey;
import dev.keyvault.KeyEventListener;
import dev.keyvault.KeyHashers;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.KeyStoreException;
import dev.keyvault.KeyVaultException;
import dev.keyvault.RejectionReason;
import dev.keyvault.UsageEvent;
import dev.keyvault.UsageRollup;
import dev.keyvault.VerificationResult;
import dev.keyvault.testing.MutableClock;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGConnectionPoolDataSource;

/**
 * PostgreSQL stops under a running manager and comes back on the same port and data directory. While
 * it is down: keys this node has verified keep verifying (fail static: no node can revoke without the
 * database either, and the snapshot is re-checked once it is back), keys it has not seen fail closed
 * with {@link KeyStoreException}, and usage stays buffered. Once it is back the same manager, with
 * the same pool, recovers by itself: usage is flushed and the change feed is followed again.
 *
 * <p>This test runs its own server (it stops it), even when the other tests use an external one.
 */
class PostgresOutageTest {
    @TempDir
    Path directory;

    @Test
    void whenPostgresStopsAndRestartsThenCachedKeysVerifyUncachedFailClosedAndTheManagerRecoversAndFlushes() throws Exception {
        int port = freePort();
        Path data = directory.resolve("pgdata");
        EmbeddedPostgres pg = start(data, port);
        MutableClock clock = MutableClock.create();
        List<String> failures = new CopyOnWriteArrayList<>();
        CountDownLatch backgroundFlushFailed = new CountDownLatch(1);
        KeyEventListener listener = new KeyEventListener() {
            @Override
            public void onStoreFailure(String operation, KeyVaultException failure) {
                failures.add(operation);
                if (operation.equals("applyUsage")) {
                    backgroundFlushFailed.countDown();
                }
            }
        };
        PGConnectionPoolDataSource pgds = new PGConnectionPoolDataSource();
        pgds.setURL("jdbc:postgresql://localhost:" + port + "/postgres");
        pgds.setUser("postgres");
        pgds.setConnectTimeout(2);
        JdbcConnectionPool pool = JdbcConnectionPool.create(pgds);
        pool.setLoginTimeout(5);
        JdbiKeyStore store = JdbiKeyStore.builder(pool).build();
        store.migrate();
        try (KeyManager node = KeyManager.builder().store(store).clock(clock).hasher(KeyHashers.hmacSha256()).listener(listener)
                .usageFlushInterval(Duration.ofMillis(100)).changeFeedPollInterval(Duration.ofMillis(100)).build();
             KeyManager other = KeyManager.builder().store(JdbiKeyStore.builder(pool).build()).clock(clock)
                     .hasher(KeyHashers.hmacSha256()).usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build()) {
            IssuedKey cached = node.issue(KeySpec.builder("acme", "cached").build());
            IssuedKey unseen = other.issue(KeySpec.builder("acme", "unseen").build());
            assertThat(node.verify(cached.token()).isVerified()).isTrue();

            pg.close(); // pg_ctl stop -m fast: every connection is cut

            assertThat(node.verify(cached.token()).isVerified()).as("cached key, store down").isTrue();
            clock.advance(Duration.ofMinutes(1)); // past the status refresh interval: the re-read fails, the snapshot serves
            assertThat(node.verify(cached.token()).isVerified()).as("cached key, refresh failed").isTrue();
            assertThat(failures).contains("refresh");
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> node.verify(unseen.token())).as("unseen key fails closed")
                        .isInstanceOf(KeyStoreException.class);
            }
            for (int i = 0; i < 1_000; i++) {
                node.recordUsage(cached.id(), UsageEvent.of(clock.instant(), "GET", "/e" + i % 4, "10.0.0.1", 200));
            }
            assertThatThrownBy(node::flush).isInstanceOf(KeyStoreException.class);
            assertThat(node.stats().unflushedRequests()).isEqualTo(1_000);
            assertThat(backgroundFlushFailed.await(60, TimeUnit.SECONDS)).as("the background flush reports its failures").isTrue();
            assertThat(node.stats().droppedRequests()).isZero();

            pg = start(data, port);

            awaitTrue("buffered usage flushed by the background thread", () -> node.stats().unflushedRequests() == 0);
            List<UsageRollup> usage = node.usage(cached.id(), clock.instant().minusSeconds(120), clock.instant().plusSeconds(60));
            assertThat(usage.stream().mapToLong(UsageRollup::count).sum()).isEqualTo(1_000);
            assertThat(node.verify(unseen.token()).isVerified()).as("unseen key, store back").isTrue();

            other.revoke(cached.id(), "after the outage", "ops");
            awaitTrue("the change feed is followed again", () -> {
                VerificationResult r = node.verify(cached.token());
                return r instanceof VerificationResult.Rejected rej && rej.reason() == RejectionReason.REVOKED;
            });
        } finally {
            pg.close();
            pool.dispose();
        }
    }

    private static EmbeddedPostgres start(Path data, int port) throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
    }

    /** Waits for something another thread or process does, up to a deadline (no assumption on timing). */
    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
