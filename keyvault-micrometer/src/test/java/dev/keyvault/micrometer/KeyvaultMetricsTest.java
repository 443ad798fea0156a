package dev.keyvault.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyvault.IssuedKey;
import dev.keyvault.KeyHashers;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.UsageEvent;
import dev.keyvault.VerificationRequest;
import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.spi.KeyStore;
import dev.keyvault.testing.MutableClock;
import dev.keyvault.testing.Tokens;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeyvaultMetricsTest {
    private final MutableClock clock = MutableClock.at(Instant.parse("2026-06-01T12:00:00Z"));
    private final KeyStore store = MeteredKeyStore.wrap(InMemoryKeyStore.create());
    private final List<KeyManager> managers = new ArrayList<>();
    private final KeyManager keys = manager();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final KeyvaultMetrics metrics = KeyvaultMetrics.builder(keys).store(store).feedRefresh(Duration.ZERO).build();

    private KeyManager manager() {
        KeyManager m = KeyManager.builder().store(store).clock(clock).keyPrefix("kb_test")
                .hasher(KeyHashers.hmacSha256(new byte[32], "t"))
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build();
        managers.add(m);
        return m;
    }

    @AfterEach
    void close() {
        managers.forEach(KeyManager::close);
    }

    private long count(String result, String reason, String cache) {
        Timer t = registry.find("keyvault.verify").tags("result", result, "reason", reason, "cache", cache).timer();
        return t == null ? 0 : t.count();
    }

    private double gauge(String name, String... tags) {
        return registry.get(name).tags(tags).gauge().value();
    }

    @Test
    void whenAKeyIsVerifiedTwiceThenTheFirstIsColdAndTheSecondHot() {
        metrics.bindTo(registry);
        // issued on another node: the issuing node caches the key at once
        IssuedKey key = manager().issue(KeySpec.builder("acme", "ci").scopes("kb:read").build());

        assertThat(metrics.verify(VerificationRequest.of(key.token())).isVerified()).isTrue();
        assertThat(metrics.verify(VerificationRequest.of(key.token())).isVerified()).isTrue();

        assertThat(count("verified", "none", "cold")).isEqualTo(1);
        assertThat(count("verified", "none", "hot")).isEqualTo(1);
        assertThat(registry.get("keyvault.verify").tag("prefix", "kb_test").timers()).isNotEmpty();
    }

    @Test
    void whenTokensAreRejectedThenEachReasonIsCountedAndMalformedOnesReadNothing() {
        metrics.bindTo(registry);
        IssuedKey key = keys.issue(KeySpec.builder("acme", "ci").build());
        metrics.verify(VerificationRequest.of(key.token()));

        metrics.verify(VerificationRequest.of("kb_test_nonsense"));
        metrics.verify(VerificationRequest.of(Tokens.withUnknownId(key.token())));
        metrics.verify(VerificationRequest.of(Tokens.withWrongSecret(key.token())));
        keys.revoke(key.id(), "leaked", "test");
        metrics.verify(VerificationRequest.of(key.token()));

        assertThat(count("rejected", "malformed", "hot")).isEqualTo(1);
        assertThat(count("rejected", "unknown", "cold")).isEqualTo(1);
        assertThat(count("rejected", "invalid", "hot")).isEqualTo(1);
        assertThat(count("rejected", "revoked", "hot") + count("rejected", "revoked", "cold")).isEqualTo(1);
    }

    @Test
    void whenVerifyThrowsThenItIsCountedAsUnavailableAndRethrown() {
        metrics.bindTo(registry);
        IssuedKey key = keys.issue(KeySpec.builder("acme", "ci").build());
        keys.close();

        assertThatThrownBy(() -> metrics.verify(VerificationRequest.of(key.token()))).isInstanceOf(IllegalStateException.class);
        assertThat(count("unavailable", "other", "hot")).isEqualTo(1);
    }

    @Test
    void whenTheStoreIsNotMeteredThenTheCacheTagIsUnknown() {
        KeyvaultMetrics plain = KeyvaultMetrics.of(keys);
        plain.bindTo(registry);
        IssuedKey key = keys.issue(KeySpec.builder("acme", "ci").build());

        plain.verify(VerificationRequest.of(key.token()));

        assertThat(count("verified", "none", "unknown")).isEqualTo(1);
        assertThat(registry.find("keyvault.feed.lag").gauge()).isNull();
    }

    @Test
    void whenUsageIsRecordedThenTheBufferGaugesShowItUntilFlushed() {
        metrics.bindTo(registry);
        IssuedKey key = keys.issue(KeySpec.builder("acme", "ci").build());
        keys.verify(key.token());
        keys.recordUsage(key.id(), UsageEvent.of(clock.instant(), "GET", "/articles/**", "203.0.113.9", 200));

        assertThat(gauge("keyvault.cache.keys")).isEqualTo(1);
        assertThat(gauge("keyvault.usage.unflushed")).isEqualTo(1);
        assertThat(gauge("keyvault.usage.buffered.rollups")).isEqualTo(1);
        assertThat(gauge("keyvault.usage.buffered.size")).isPositive();
        assertThat(registry.get("keyvault.usage.dropped").functionCounter().count()).isZero();
        assertThat(gauge("keyvault.hashing.waiting")).isZero();

        keys.flush();

        assertThat(gauge("keyvault.usage.unflushed")).isZero();
    }

    @Test
    void whenAnotherNodeRevokesThenTheFeedLagsUntilThisNodePolls() {
        metrics.bindTo(registry);
        IssuedKey key = keys.issue(KeySpec.builder("acme", "ci").build());
        keys.pollChangeFeed();
        assertThat(gauge("keyvault.feed.lag")).isZero();

        manager().revoke(key.id(), "leaked", "other node");

        assertThat(gauge("keyvault.feed.lag")).isEqualTo(1);
        keys.pollChangeFeed();
        assertThat(gauge("keyvault.feed.lag")).isZero();
        assertThat(gauge("keyvault.feed.sequence")).isEqualTo(store.latestSequence());
    }

    @Test
    void whenKeysAgePastTheirCadenceThenRotationDueCountsThemOncePerRefresh() {
        metrics.bindTo(registry);
        IssuedKey first = keys.issue(KeySpec.builder("acme", "reader").scopes("kb:read").build());
        assertThat(gauge("keyvault.rotation.due", "urgency", "overdue")).isZero();

        clock.advance(Duration.ofDays(400));
        assertThat(gauge("keyvault.rotation.due", "urgency", "overdue")).isEqualTo(1);

        keys.issue(KeySpec.builder("acme", "reader 2").scopes("kb:read").build());
        clock.advance(Duration.ofDays(400));
        assertThat(gauge("keyvault.rotation.due", "urgency", "overdue")).isEqualTo(2);

        keys.revoke(first.id(), "replaced", "test");
        clock.advance(Duration.ofSeconds(30));
        assertThat(gauge("keyvault.rotation.due", "urgency", "overdue")).as("read less than a minute ago").isEqualTo(2);
        clock.advance(Duration.ofSeconds(30));
        assertThat(gauge("keyvault.rotation.due", "urgency", "overdue")).isEqualTo(1);
    }

    @Test
    void whenTheRotationGaugesAreReadThenNoListenerIsToldOfDueKeys() {
        java.util.concurrent.atomic.AtomicInteger told = new java.util.concurrent.atomic.AtomicInteger();
        KeyManager listened = KeyManager.builder().store(store).clock(clock).keyPrefix("kb_test")
                .hasher(KeyHashers.hmacSha256(new byte[32], "t")).usageFlushInterval(Duration.ZERO)
                .changeFeedPollInterval(Duration.ZERO).listener(new dev.keyvault.KeyEventListener() {
                    @Override
                    public void onRotationDue(dev.keyvault.rotation.RotationDue due) {
                        told.incrementAndGet();
                    }
                }).build();
        managers.add(listened);
        KeyvaultMetrics.builder(listened).build().bindTo(registry);
        listened.issue(KeySpec.builder("acme", "reader").scopes("kb:read").build());
        clock.advance(Duration.ofDays(400));
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofMinutes(2)); // past the refresh interval: each read counts again
            assertThat(gauge("keyvault.rotation.due", "urgency", "overdue")).isEqualTo(1);
        }
        assertThat(told).as("a gauge read is not a rotation reminder").hasValue(0);
        assertThat(listened.rotationDue(clock.instant()).overdue()).hasSize(1);
        assertThat(told).as("rotationDue(at) still tells the listener").hasValue(1);
    }

    @Test
    void whenMetricsAreReadThenNoTagHoldsAKeyId() {
        metrics.bindTo(registry);
        IssuedKey key = keys.issue(KeySpec.builder("acme", "ci").build());
        metrics.verify(VerificationRequest.of(key.token()));
        metrics.verify(VerificationRequest.of(Tokens.withWrongSecret(key.token())));

        for (Meter meter : registry.getMeters()) {
            for (Tag tag : meter.getId().getTags()) {
                assertThat(tag.getValue()).doesNotContain(key.id()).isNotEqualTo("acme");
            }
        }
    }

    @Test
    void whenABuilderSettingIsRepeatedOrOutOfRangeThenItFailsAtOnce() {
        assertThatThrownBy(() -> KeyvaultMetrics.builder(keys).feedRefresh(Duration.ZERO).feedRefresh(Duration.ZERO))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> KeyvaultMetrics.builder(keys).rotationDueRefresh(Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
