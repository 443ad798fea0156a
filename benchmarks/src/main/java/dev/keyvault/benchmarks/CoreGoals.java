package dev.keyvault.benchmarks;

import dev.keyvault.benchmarks.Goal.Kind;
import java.util.List;

/** The core module's benchmark goals (see {@link Goals}). */
final class CoreGoals {
    private CoreGoals() {}

    static final List<Goal> GOALS = List.of(
            new Goal("hot verify, cached valid key vs SHA-256 + map get + isEqual",
                    "HotVerifyBenchmark.hotVerify", "HotVerifyBenchmark.hotVerifyFloor", Kind.TIME_RATIO_AT_MOST, 2.0),
            new Goal("malformed token rejected (right length, bad checksum)",
                    "HotVerifyBenchmark.malformedRejection", null, Kind.NANOS_AT_MOST, 150),
            new Goal("cold verify (cache bypassed) vs one Argon2id verify",
                    "ColdVerifyBenchmark.coldVerify", "ColdVerifyBenchmark.coldVerifyFloor", Kind.TIME_RATIO_AT_MOST, 1.15),
            new Goal("recordUsage vs computeIfAbsent + LongAdder.increment",
                    "RecordUsageBenchmark.recordUsage", "RecordUsageBenchmark.recordUsageFloor", Kind.TIME_RATIO_AT_MOST, 3.0),
            new Goal("recordUsage, one key and minute: 20,000 distinct user agents vs 20,000 distinct client addresses",
                    "UsageCardinalityBenchmark.distinctAgents", "UsageCardinalityBenchmark.distinctAddresses",
                    Kind.TIME_RATIO_AT_MOST, 2.0),
            new Goal("TokenScanner, 1 MiB of text (String) vs a plain Pattern scan for the same shape",
                    "TokenScanBenchmark.scanText", "TokenScanBenchmark.patternFloor", Kind.THROUGHPUT_RATIO_AT_LEAST, 0.8),
            new Goal("TokenScanner, 1 MiB through a Reader (64 KiB window) vs a plain Pattern scan of the String",
                    "TokenScanBenchmark.scanReader", "TokenScanBenchmark.patternFloor", Kind.THROUGHPUT_RATIO_AT_LEAST, 0.8),
            new Goal("hot verify, cached key with usage credits vs the same without credits",
                    "CreditsHotVerifyBenchmark.hotVerifyWithCredits", "CreditsHotVerifyBenchmark.hotVerifyWithoutCredits",
                    Kind.TIME_RATIO_AT_MOST, 1.5));

    static final List<Measurement> MEASUREMENTS = List.of(
            // the same figures with both sides interleaved in one JVM, immune to load drift between JMH forks
            new dev.keyvault.benchmarks.core.InterleavedHotPaths.HotVerify(),
            new dev.keyvault.benchmarks.core.InterleavedHotPaths.Malformed(),
            new dev.keyvault.benchmarks.core.InterleavedHotPaths.ColdVerify(),
            new dev.keyvault.benchmarks.core.InterleavedHotPaths.RecordUsage(),
            new dev.keyvault.benchmarks.core.InterleavedHotPaths.CreditsHotVerify(),
            new dev.keyvault.benchmarks.core.InterleavedTokenScan.Text(),
            new dev.keyvault.benchmarks.core.InterleavedTokenScan.ReaderWindow(),
            new dev.keyvault.benchmarks.core.InterleavedTokenScan.PrintedRegex(),
            new dev.keyvault.benchmarks.core.WrongSecretFlood.ColdVerify(),
            new dev.keyvault.benchmarks.core.WrongSecretFlood.Issue(),
            new dev.keyvault.benchmarks.core.RestartWarmup.Default1k(),
            new dev.keyvault.benchmarks.core.RestartWarmup.Default10k(),
            new dev.keyvault.benchmarks.core.CacheRoundRobin.VsOneKey(),
            new dev.keyvault.benchmarks.core.CacheRoundRobin.VsFloorRoundRobin());
}
