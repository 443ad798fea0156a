package dev.keyvault.benchmarks.core;

import dev.keyvault.IssuedKey;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.UsageEvent;
import dev.keyvault.memory.InMemoryKeyStore;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Recording one request's usage (folded into an in-memory per-minute rollup, flushed by the
 * background thread every second) against its floor: {@code computeIfAbsent} + {@code LongAdder}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RecordUsageBenchmark {
    private KeyManager keys;
    private String keyId;
    private UsageEvent event;
    private final ConcurrentHashMap<String, LongAdder> floorMap = new ConcurrentHashMap<>();
    private String floorKey;

    @Setup
    public void setUp() {
        keys = KeyManager.builder().store(InMemoryKeyStore.create()).build();
        IssuedKey issued = keys.issue(KeySpec.builder("bench", "usage").build());
        keyId = issued.id();
        // a fixed minute, as within one minute of traffic: every call lands on the same rollup
        event = UsageEvent.of(Instant.now(), "GET", "/articles/**", "203.0.113.9", 200).withUserAgent("bench/1.0");
        floorKey = keyId + "|GET|/articles/**|203.0.113.9|200";
    }

    @TearDown
    public void tearDown() {
        keys.close();
    }

    @Benchmark
    public void recordUsage() {
        keys.recordUsage(keyId, event);
    }

    @Benchmark
    public void recordUsageFloor() {
        floorMap.computeIfAbsent(floorKey, k -> new LongAdder()).increment();
    }
}
