package dev.keyvault.benchmarks.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Runs the benchmark for a moment, so it cannot rot: each chain must answer its requests with 200. */
class ChainThroughputTest {

    @Test
    void whenTheBenchmarkRunsBrieflyThenEveryChainServesItsRequests() throws Exception {
        ChainThroughput.Result r = ChainThroughput.measure(3, 1, 100, 1);

        assertThat(r.keyvault()).isPositive();
        assertThat(r.jwt()).isPositive();
        assertThat(r.open()).isPositive();
        assertThat(r.table(1)).contains("vs JWT RS256").contains("vs permitAll");
    }
}
