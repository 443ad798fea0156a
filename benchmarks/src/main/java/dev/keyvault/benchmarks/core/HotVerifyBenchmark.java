package dev.keyvault.benchmarks.core;

import dev.keyvault.IssuedKey;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.VerificationResult;
import dev.keyvault.memory.InMemoryKeyStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.ConcurrentHashMap;
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
 * Verifying a cached valid key (the per-request cost) against its floor: SHA-256 of the token, a
 * {@link ConcurrentHashMap} lookup and a constant-time compare — what any cache-backed check must do.
 * Also the rejection of a malformed token (right length, wrong checksum: the worst case).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HotVerifyBenchmark {
    private KeyManager keys;
    private String token;
    private String malformed;
    private String keyId;
    private final ConcurrentHashMap<String, byte[]> floorMap = new ConcurrentHashMap<>();
    private MessageDigest sha256;

    @Setup
    public void setUp() throws Exception {
        // default manager: Argon2id at rest, cache on, background flush and feed polling on
        keys = KeyManager.builder().store(InMemoryKeyStore.create()).build();
        IssuedKey issued = keys.issue(KeySpec.builder("bench", "hot").scopes("kb:read").build());
        token = issued.token();
        keyId = issued.id();
        if (!keys.verify(token).isVerified()) {
            throw new IllegalStateException("setup: key does not verify");
        }
        char last = token.charAt(token.length() - 1);
        malformed = token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
        sha256 = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < 1_000; i++) {
            floorMap.put(String.format("%012d", i), new byte[32]);
        }
        floorMap.put(keyId, sha256.digest(token.getBytes(StandardCharsets.US_ASCII)));
    }

    @TearDown
    public void tearDown() {
        keys.close();
    }

    @Benchmark
    public VerificationResult hotVerify() {
        return keys.verify(token);
    }

    @Benchmark
    public boolean hotVerifyFloor() {
        byte[] digest = sha256.digest(token.getBytes(StandardCharsets.US_ASCII));
        return MessageDigest.isEqual(digest, floorMap.get(keyId));
    }

    @Benchmark
    public VerificationResult malformedRejection() {
        return keys.verify(malformed);
    }
}
