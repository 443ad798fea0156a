package dev.keyvault.benchmarks.core;

import dev.keyvault.CreditRefill;
import dev.keyvault.Credits;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.VerificationResult;
import dev.keyvault.memory.InMemoryKeyStore;
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
 * Verifying a cached key that has usage credits (each verify spends one from this node's lease; a
 * lease of 100 is taken from the store by compare-and-set every 100 verifies) against verifying a
 * cached key without credits, on one default manager: what the credits cost per request.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CreditsHotVerifyBenchmark {
    private KeyManager keys;
    private String metered;
    private String unmetered;

    @Setup
    public void setUp() {
        keys = KeyManager.builder().store(InMemoryKeyStore.create()).build();
        IssuedKey m = keys.issue(KeySpec.builder("bench", "metered").scopes("kb:read")
                .credits(Credits.of(CreditRefill.MAX_CREDITS)).build());
        IssuedKey u = keys.issue(KeySpec.builder("bench", "unmetered").scopes("kb:read").build());
        metered = m.token();
        unmetered = u.token();
        if (!keys.verify(metered).isVerified() || !keys.verify(unmetered).isVerified()) {
            throw new IllegalStateException("setup: keys do not verify");
        }
    }

    @TearDown
    public void tearDown() {
        keys.close();
    }

    @Benchmark
    public VerificationResult hotVerifyWithCredits() {
        return keys.verify(metered);
    }

    @Benchmark
    public VerificationResult hotVerifyWithoutCredits() {
        return keys.verify(unmetered);
    }
}
