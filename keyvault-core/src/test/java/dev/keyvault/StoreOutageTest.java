package dev.keyvault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.support.FailingKeyStore;
import dev.keyvault.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a manager does while its store is failing: keys it has verified keep verifying (fail static),
 * keys it has not fail closed, usage stays buffered within its bound, and nothing is lost silently.
 */
class StoreOutageTest {
    private final MutableClock clock = MutableClock.create();
    private final InMemoryKeyStore real = InMemoryKeyStore.create();
    private final FailingKeyStore store = new FailingKeyStore(real);
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final List<Long> dropped = new CopyOnWriteArrayList<>();
    private KeyManager keys;

    @BeforeEach
    void setUp() {
        keys = KeyManager.builder().store(store).clock(clock).hasher(KeyHashers.hmacSha256())
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO)
                .maxBufferedRollups(10)
                .listener(new KeyEventListener() {
                    @Override
                    public void onStoreFailure(String operation, KeyVaultException failure) {
                        failures.add(operation);
                    }

                    @Override
                    public void onUsageDropped(long requests, String why) {
                        dropped.add(requests);
                    }
                }).build();
    }

    @Test
    void whenStoreIsDownThenAKeyThisNodeNeverVerifiedFailsClosed() {
        KeyManager issuer = KeyManager.builder().store(real).clock(clock).hasher(KeyHashers.hmacSha256())
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build();
        IssuedKey uncached = issuer.issue(KeySpec.builder("acme", "Uncached").build());
        store.down();

        assertThatThrownBy(() -> keys.verify(uncached.token())).isInstanceOf(KeyStoreException.class)
                .extracting(e -> ((KeyStoreException) e).operation()).isEqualTo("find");
        assertThat(keys.verify("kv_garbage")).isEqualTo(VerificationResult.Rejected.of(RejectionReason.MALFORMED));
        issuer.close();
    }

    @Test
    void whenStoreIsDownThenCachedKeysKeepVerifyingPastTheRefreshIntervalAndRecoverAfter() {
        IssuedKey cached = keys.issue(KeySpec.builder("acme", "Cached").build());
        assertThat(keys.verify(cached.token()).isVerified()).isTrue();
        store.down();

        clock.advance(Duration.ofMinutes(5));
        assertThat(keys.verify(cached.token()).isVerified()).isTrue();
        assertThat(failures).contains("refresh");

        store.up();
        real.revoke(cached.id(), new Revocation(clock.instant(), "revoked while we were cut off", "ops"), false,
                List.of(new KeyEvent(cached.id(), KeyEventType.REVOKED, clock.instant(), "ops", "x")));
        clock.advance(Duration.ofSeconds(30));
        assertThat(keys.verify(cached.token())).isEqualTo(
                new VerificationResult.Rejected(RejectionReason.REVOKED, java.util.Optional.of(cached.id())));
    }

    @Test
    void whenRevokeFailsThenItThrowsAndTheKeyIsNotRevoked() {
        IssuedKey key = keys.issue(KeySpec.builder("acme", "Still active").build());
        store.down();

        assertThatThrownBy(() -> keys.revoke(key.id(), "leak", "alice")).isInstanceOf(KeyStoreException.class);

        store.up();
        assertThat(keys.get(key.id()).orElseThrow().isActive()).isTrue();
    }

    @Test
    void whenFlushFailsThenUsageStaysBufferedAndIsWrittenOnceTheStoreReturns() {
        IssuedKey key = keys.issue(KeySpec.builder("acme", "Busy").build());
        for (int i = 0; i < 5; i++) {
            keys.recordUsage(key.id(), UsageEvent.of(clock.instant(), "GET", "/a", "10.0.0." + i, 200));
        }
        store.down();

        assertThatThrownBy(keys::flush).isInstanceOf(KeyStoreException.class);
        assertThat(keys.stats().unflushedRequests()).isEqualTo(5);
        keys.recordUsage(key.id(), UsageEvent.of(clock.instant(), "GET", "/a", "10.0.0.1", 200));
        assertThatThrownBy(keys::flush).isInstanceOf(KeyStoreException.class);

        store.up();
        assertThat(keys.flush()).isEqualTo(6);
        assertThat(keys.usage(key.id(), Instant.EPOCH, clock.instant().plusSeconds(60)))
                .extracting(UsageRollup::count).containsExactlyInAnyOrder(2L, 1L, 1L, 1L, 1L);
        assertThat(keys.stats().unflushedRequests()).isZero();
        assertThat(keys.stats().droppedRequests()).isZero();
    }

    @Test
    void whenBufferedUsageExceedsItsBoundThenTheExcessIsDroppedCountedAndReported() {
        IssuedKey key = keys.issue(KeySpec.builder("acme", "Flood").build());
        store.down();
        for (int i = 0; i < 25; i++) {
            keys.recordUsage(key.id(), UsageEvent.of(clock.instant(), "GET", "/a", "10.0.1." + i, 200));
        }
        assertThatThrownBy(keys::flush).isInstanceOf(KeyStoreException.class);

        assertThat(keys.stats().droppedRequests()).isEqualTo(15);
        assertThat(dropped).containsExactly(15L);
        store.up();
        assertThat(keys.flush()).isEqualTo(10);
    }

    @Test
    void whenBackgroundFlushRunsThenUsageReachesTheStoreWithoutAnExplicitFlush() throws Exception {
        try (KeyManager background = KeyManager.builder().store(real).clock(clock).hasher(KeyHashers.hmacSha256())
                .usageFlushInterval(Duration.ofMillis(20)).changeFeedPollInterval(Duration.ZERO).build()) {
            IssuedKey key = background.issue(KeySpec.builder("acme", "Background").build());
            background.recordUsage(key.id(), UsageEvent.of(clock.instant(), "GET", "/a", "10.0.0.1", 200));

            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (real.find(key.id()).orElseThrow().key().lastUsedAt().isEmpty() && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // waiting for a real background thread, not moving time
            }
            assertThat(real.find(key.id()).orElseThrow().key().lastUsedAt()).contains(clock.instant());
        }
    }
}
