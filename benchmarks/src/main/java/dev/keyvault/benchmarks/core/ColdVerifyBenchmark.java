package dev.keyvault.benchmarks.core;

import de.mkammerer.argon2.Argon2;
import de.mkammerer.argon2.Argon2Factory;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.VerificationResult;
import dev.keyvault.memory.InMemoryKeyStore;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A cold verify (cache bypassed: store lookup, format checks, bulkhead, Argon2id at the default
 * m=19 MiB, t=2, p=1) against its floor: one argon2-jvm verify of the same hash alone.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ColdVerifyBenchmark {
    private KeyManager keys;
    private String token;
    private Argon2 argon2;
    private String hash;
    private byte[] secret;

    @Setup
    public void setUp() {
        InMemoryKeyStore store = InMemoryKeyStore.create();
        keys = KeyManager.builder().store(store).cacheMaximumSize(0).build();
        IssuedKey issued = keys.issue(KeySpec.builder("bench", "cold").build());
        token = issued.token();
        hash = store.find(issued.id()).orElseThrow().hash();
        secret = token.substring(token.length() - 38, token.length() - 6).getBytes(StandardCharsets.US_ASCII);
        argon2 = Argon2Factory.create(Argon2Factory.Argon2Types.ARGON2id, 16, 32);
        if (!keys.verify(token).isVerified() || !argon2.verify(hash, secret)) {
            throw new IllegalStateException("setup: key does not verify");
        }
    }

    @TearDown
    public void tearDown() {
        keys.close();
    }

    @Benchmark
    public VerificationResult coldVerify() {
        return keys.verify(token);
    }

    @Benchmark
    public boolean coldVerifyFloor() {
        return argon2.verify(hash, secret);
    }
}
