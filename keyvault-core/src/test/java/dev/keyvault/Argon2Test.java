package dev.keyvault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.spi.KeyHasher;
import dev.keyvault.spi.StoredKey;
import dev.keyvault.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Argon2id through argon2-jvm: correct under threads, real defaults, rehash on parameter change. */
class Argon2Test {

    @Test
    void whenTwoThousandVerifiesRunOnEightThreadsThroughArgon2ThenNoneIsFalselyRejected() throws Exception {
        // cheap parameters: this test is about the native binding under concurrency, not the cost
        KeyHasher cheap = KeyHashers.argon2id(1024, 1, 1);
        MutableClock clock = MutableClock.create();
        InMemoryKeyStore store = InMemoryKeyStore.create();
        try (KeyManager keys = KeyManager.builder().store(store).clock(clock).hasher(cheap).cacheMaximumSize(0)
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build()) {
            List<IssuedKey> issued = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                issued.add(keys.issue(KeySpec.builder("acme", "key " + i).build()));
            }
            AtomicInteger verified = new AtomicInteger();
            AtomicInteger rejected = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int thread = t;
                    futures.add(pool.submit(() -> {
                        for (int i = 0; i < 250; i++) {
                            IssuedKey k = issued.get((thread + i) % issued.size());
                            if (keys.verify(k.token()).isVerified()) {
                                verified.incrementAndGet();
                            } else {
                                rejected.incrementAndGet();
                            }
                        }
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(rejected.get()).isZero();
            assertThat(verified.get()).isEqualTo(2_000);
        }
    }

    @Test
    void whenUsingDefaultParametersThenHashIsOwaspArgon2idAndVerifies() {
        KeyHasher hasher = KeyHashers.argon2id();
        byte[] secret = "0123456789abcdefghijABCDEFGHIJ01".getBytes(StandardCharsets.US_ASCII);

        String hash = hasher.hash(secret);

        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(hasher.verify(hash, secret)).isTrue();
        secret[0] ^= 1;
        assertThat(hasher.verify(hash, secret)).isFalse();
        assertThat(hasher.needsRehash(hash)).isFalse();
        assertThat(hasher.verify("$hmac-sha256$k=none$abc", secret)).isFalse();
    }

    /**
     * argon2-jvm's own verify answers {@code false} for every native error, so under memory pressure a
     * valid key looked like a wrong secret (401). A hash that cannot be computed must be a failure.
     * 2^31-1 KiB (2 TiB) is valid Argon2 but no machine here can allocate it.
     */
    @Test
    void whenArgon2CannotAllocateItsMemoryThenVerifyFailsInsteadOfCallingTheSecretWrong() {
        KeyHasher cheap = KeyHashers.argon2id(1024, 1, 1);
        byte[] secret = "0123456789abcdefghijABCDEFGHIJ01".getBytes(StandardCharsets.US_ASCII);
        String hash = cheap.hash(secret);
        String unallocatable = hash.replace("m=1024,", "m=" + Integer.MAX_VALUE + ",");

        assertThatThrownBy(() -> cheap.verify(unallocatable, secret))
                .isInstanceOf(HashingException.class)
                .hasMessageContaining("argon2id")
                .hasMessageNotContaining(new String(secret, StandardCharsets.US_ASCII));

        MutableClock clock = MutableClock.create();
        InMemoryKeyStore store = InMemoryKeyStore.create();
        try (KeyManager keys = KeyManager.builder().store(store).clock(clock).hasher(cheap)
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build();
             KeyManager node = KeyManager.builder().store(store).clock(clock).hasher(cheap)
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build()) {
            IssuedKey issued = keys.issue(KeySpec.builder("acme", "Huge").build());
            String stored = store.find(issued.id()).orElseThrow().hash();
            store.replaceHash(issued.id(), stored, stored.replace("m=1024,", "m=" + Integer.MAX_VALUE + ","),
                    new KeyEvent(issued.id(), KeyEventType.NOTE, clock.instant(), "test", "parameters nobody can allocate"));

            assertThatThrownBy(() -> node.verify(issued.token())).isInstanceOf(HashingException.class);
            assertThat(node.stats().cachedKeys()).isZero();
        }
    }

    @Test
    void whenStoredArgon2HashIsUnreadableThenVerifyFailsInsteadOfCallingTheSecretWrong() {
        KeyHasher hasher = KeyHashers.argon2id(1024, 1, 1);
        byte[] secret = "0123456789abcdefghijABCDEFGHIJ01".getBytes(StandardCharsets.US_ASCII);
        String good = hasher.hash(secret);
        List<String> corrupt = List.of(
                "$argon2id$garbage",
                "$argon2id$v=19$m=1024,t=1,p=1$",
                "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$",
                "$argon2id$v=19$m=1024,t=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
                "$argon2id$v=18$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
                "$argon2id$v=19$m=-1,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
                "$argon2id$v=19$m=1024,t=0,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
                "$argon2id$v=19$m=1024,t=1,p=1$c2Fs*HNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
                "$argon2id$v=19$m=99999999999,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
                good.substring(0, good.length() - 30),
                good + "$extra");
        for (String c : corrupt) {
            assertThatThrownBy(() -> hasher.verify(c, secret)).as(c).isInstanceOf(HashingException.class);
        }
        assertThat(hasher.verify(good, secret)).isTrue();
    }

    @Test
    void whenArgon2idIsChosenThenColdVerifyUsesItAndLaterVerifiesAreCached() {
        MutableClock clock = MutableClock.create();
        InMemoryKeyStore store = InMemoryKeyStore.create();
        try (KeyManager a = KeyManager.builder().store(store).clock(clock).hasher(KeyHashers.argon2id())
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build();
             KeyManager b = KeyManager.builder().store(store).clock(clock).hasher(KeyHashers.argon2id())
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build()) {
            IssuedKey issued = a.issue(KeySpec.builder("acme", "Default").build());
            assertThat(store.find(issued.id()).map(StoredKey::hash).orElseThrow()).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");

            assertThat(b.verify(issued.token()).isVerified()).isTrue();
            assertThat(b.stats().cachedKeys()).isEqualTo(1);
            assertThat(b.verify(issued.token()).isVerified()).isTrue();
            assertThat(b.verify(issued.token().substring(0, 20)).isVerified()).isFalse();
        }
    }

    @Test
    void whenArgon2ParametersAreRaisedThenKeysAreRehashedAfterTheirNextVerify() {
        MutableClock clock = MutableClock.create();
        InMemoryKeyStore store = InMemoryKeyStore.create();
        KeyHasher weak = KeyHashers.argon2id(1024, 1, 1);
        try (KeyManager old = KeyManager.builder().store(store).clock(clock).hasher(weak).usageFlushInterval(Duration.ZERO)
                .changeFeedPollInterval(Duration.ZERO).build();
             KeyManager upgraded = KeyManager.builder().store(store).clock(clock).hasher(KeyHashers.argon2id())
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build()) {
            IssuedKey issued = old.issue(KeySpec.builder("acme", "Weak").build());

            assertThat(upgraded.verify(issued.token()).isVerified()).isTrue();

            assertThat(store.find(issued.id()).orElseThrow().hash()).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
            assertThat(upgraded.history(issued.id())).extracting(KeyEvent::type).containsExactly(KeyEventType.ISSUED, KeyEventType.REHASHED);
        }
    }
}
