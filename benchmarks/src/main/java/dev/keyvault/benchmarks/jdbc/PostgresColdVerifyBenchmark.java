package dev.keyvault.benchmarks.jdbc;

import dev.keyvault.KeyHashers;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.VerificationResult;
import dev.keyvault.IssuedKey;
import dev.keyvault.jdbc.JdbiKeyStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A cold verify on PostgreSQL (verification cache off, HMAC-SHA-256 hasher: token checks, one lookup
 * by id through {@link JdbiKeyStore}, mapping, HMAC, status and expiry) against its floor: a bare JDBI
 * query of one column by primary key on the same pool, same table, same keys.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PostgresColdVerifyBenchmark {
    private static final int KEYS = 1024;

    private BenchPostgres pg;
    private Jdbi jdbi;
    private KeyManager keys;
    private final String[] tokens = new String[KEYS];
    private final String[] ids = new String[KEYS];
    private int next;

    @Setup
    public void setUp() {
        pg = BenchPostgres.start();
        jdbi = Jdbi.create(pg.dataSource());
        JdbiKeyStore store = JdbiKeyStore.builder(jdbi).build();
        store.migrate();
        keys = KeyManager.builder().store(store)
                .hasher(KeyHashers.hmacSha256("benchmark-pepper-0123456789abcdef".getBytes(StandardCharsets.US_ASCII), "bench"))
                .cacheMaximumSize(0)
                .usageFlushInterval(Duration.ZERO)
                .changeFeedPollInterval(Duration.ZERO)
                .build();
        for (int i = 0; i < KEYS; i++) {
            IssuedKey k = keys.issue(KeySpec.builder("bench", "key " + i).scopes("kb:read").build());
            tokens[i] = k.token();
            ids[i] = k.id();
        }
        if (!keys.verify(tokens[0]).isVerified() || bareSelect() == null) {
            throw new IllegalStateException("setup: key does not verify");
        }
    }

    @TearDown
    public void tearDown() {
        keys.close();
        pg.close();
    }

    @Benchmark
    public VerificationResult coldVerify() {
        return keys.verify(tokens[next++ & (KEYS - 1)]);
    }

    @Benchmark
    public String bareSelect() {
        String id = ids[next++ & (KEYS - 1)];
        return jdbi.withHandle(h -> h.createQuery("SELECT hash FROM keyvault_keys WHERE id = :id").bind("id", id)
                .mapTo(String.class).one());
    }
}
