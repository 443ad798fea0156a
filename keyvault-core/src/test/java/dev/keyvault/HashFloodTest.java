package dev.keyvault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.contract.ForgedTokens;
import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.spi.KeyHasher;
import dev.keyvault.support.GatedHasher;
import dev.keyvault.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Wrong-secret floods against a slow hasher. Key ids are public, so anyone can send well-formed
 * tokens with wrong secrets for keys a node has not cached, and each costs one slow hash. These
 * tests pin down the defence with a hasher the test holds at a gate (so which hash runs next is
 * observable, and nothing depends on timing), and once with real Argon2id.
 */
class HashFloodTest {
    private final MutableClock clock = MutableClock.create();
    private final InMemoryKeyStore store = InMemoryKeyStore.create();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<KeyManager> managers = new ArrayList<>();
    private GatedHasher hasher;
    private KeyManager issuer;

    @BeforeEach
    void setUp() {
        hasher = new GatedHasher();
        issuer = manager(hasher, 4);
    }

    @AfterEach
    void tearDown() {
        hasher.open();
        pool.shutdownNow();
        managers.forEach(KeyManager::close);
    }

    private KeyManager manager(KeyHasher h, int slots) {
        KeyManager m = KeyManager.builder().store(store).clock(clock).hasher(h).maxConcurrentHashes(slots)
                .hashingTimeout(Duration.ofSeconds(60)).usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO)
                .build();
        managers.add(m);
        return m;
    }

    private IssuedKey issue(String name) {
        return issuer.issue(KeySpec.builder("acme", name).build());
    }

    private String storedHash(IssuedKey k) {
        return store.find(k.id()).orElseThrow().hash();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached");
            }
            Thread.sleep(1); // waiting for other threads to queue up, not moving time
        }
    }

    @Test
    void whenTheSameWrongSecretIsReplayedThenItCostsOneSlowHashPerWindow() throws Exception {
        IssuedKey key = issue("Target");
        KeyManager node = manager(hasher, 2); // has not cached the key
        String wrong = ForgedTokens.withRandomSecret(key.token(), key.id());
        long before = hasher.verifications();

        for (int i = 0; i < 100; i++) {
            assertThat(node.verify(wrong)).isEqualTo(VerificationResult.Rejected.of(RejectionReason.INVALID));
        }
        assertThat(hasher.verifications() - before).as("slow hashes for 100 sequential replays").isEqualTo(1);

        String other = ForgedTokens.withRandomSecret(key.token(), key.id());
        List<Future<VerificationResult>> concurrent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            concurrent.add(pool.submit(() -> node.verify(other)));
        }
        for (Future<VerificationResult> f : concurrent) {
            assertThat(f.get().isVerified()).isFalse();
        }
        assertThat(hasher.verifications() - before).as("and 20 concurrent replays of another wrong secret").isEqualTo(2);

        clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        node.verify(wrong);
        assertThat(hasher.verifications() - before).as("a new window").isEqualTo(3);

        for (int i = 0; i < 5; i++) {
            node.verify(ForgedTokens.withRandomSecret(key.token(), key.id()));
        }
        assertThat(hasher.verifications() - before).as("distinct wrong secrets cost one each").isEqualTo(8);
        assertThat(node.verify(key.token()).isVerified()).isTrue();
    }

    @Test
    void whenWrongSecretsFloodSomeKeysThenAColdVerifyOfAnotherKeyIsCheckedNext() throws Exception {
        List<IssuedKey> flooded = List.of(issue("F1"), issue("F2"), issue("F3"));
        IssuedKey legitimate = issue("Legitimate");
        KeyManager node = manager(hasher, 1);
        for (IssuedKey f : flooded) { // earlier failures: these keys are under attack
            for (int i = 0; i < 2; i++) {
                node.verify(ForgedTokens.withRandomSecret(f.token(), f.id()));
            }
        }
        hasher.close();
        int startedBefore = hasher.started().size();
        List<Future<VerificationResult>> flood = new ArrayList<>();
        for (IssuedKey f : flooded) {
            for (int i = 0; i < 3; i++) {
                String wrong = ForgedTokens.withRandomSecret(f.token(), f.id());
                flood.add(pool.submit(() -> node.verify(wrong)));
            }
        }
        // one flood hash runs, the other two flooded keys' lines wait for the slot
        await(() -> hasher.started().size() == startedBefore + 1 && node.stats().hashesWaiting() == 2);

        Future<VerificationResult> cold = pool.submit(() -> node.verify(legitimate.token()));
        await(() -> node.stats().hashesWaiting() == 3);
        hasher.release(1);
        await(() -> hasher.started().size() == startedBefore + 2);

        assertThat(hasher.started().get(startedBefore + 1)).as("the hash that ran next").isEqualTo(storedHash(legitimate));
        hasher.open();
        assertThat(cold.get().isVerified()).isTrue();
        for (Future<VerificationResult> f : flood) {
            assertThat(f.get().isVerified()).isFalse();
        }
    }

    @Test
    void whenWrongSecretsFloodTheHashingSlotsThenIssuingAKeyIsHashedNext() throws Exception {
        List<IssuedKey> flooded = List.of(issue("F1"), issue("F2"), issue("F3"));
        KeyManager node = manager(hasher, 1);
        hasher.close();
        int startedBefore = hasher.started().size();
        for (IssuedKey f : flooded) {
            for (int i = 0; i < 2; i++) {
                String wrong = ForgedTokens.withRandomSecret(f.token(), f.id());
                pool.submit(() -> node.verify(wrong));
            }
        }
        await(() -> hasher.started().size() == startedBefore + 1 && node.stats().hashesWaiting() == 2);

        Future<IssuedKey> replacement = pool.submit(() -> node.issue(KeySpec.builder("acme", "Replacement").build()));
        await(() -> node.stats().hashesWaiting() == 3);
        hasher.release(1);
        await(() -> hasher.started().size() == startedBefore + 2);

        assertThat(hasher.started().get(startedBefore + 1)).as("the hash that ran next").isEqualTo("hash");
        hasher.open();
        assertThat(node.verify(replacement.get().token()).isVerified()).isTrue();
    }

    /**
     * The same with real Argon2id (OWASP parameters) on two slots: a flood of distinct wrong secrets
     * from 16 threads against three keys, while other keys are verified cold. Nothing is timed here
     * (the benchmark measures the latency ratio); what must hold is that every legitimate verify
     * succeeds — no {@link CapacityExceededException}, no false rejection — and that the flood is
     * shed (refused or hashed at most once per distinct secret), not queued without bound.
     */
    @Test
    void whenAWrongSecretFloodRunsUnderArgon2idThenOtherKeysStillVerify() throws Exception {
        KeyManager argon = manager(KeyHashers.argon2id(), 2);
        List<IssuedKey> flooded = new ArrayList<>();
        List<IssuedKey> legitimate = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            flooded.add(argon.issue(KeySpec.builder("acme", "Flooded " + i).build()));
        }
        for (int i = 0; i < 8; i++) {
            legitimate.add(argon.issue(KeySpec.builder("acme", "Legitimate " + i).build()));
        }
        KeyManager node = manager(KeyHashers.argon2id(), 2);
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger rejected = new AtomicInteger();
        List<Future<?>> flood = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            int thread = t;
            flood.add(pool.submit(() -> {
                for (int i = 0; i < 6; i++) {
                    IssuedKey target = flooded.get((thread + i) % flooded.size());
                    try {
                        if (!node.verify(ForgedTokens.withRandomSecret(target.token(), target.id())).isVerified()) {
                            rejected.incrementAndGet();
                        }
                    } catch (CapacityExceededException e) {
                        refused.incrementAndGet();
                    }
                }
            }));
        }
        List<VerificationResult> results = new ArrayList<>();
        for (IssuedKey k : legitimate) {
            results.add(node.verify(k.token()));
        }
        for (Future<?> f : flood) {
            f.get();
        }
        assertThat(results).allMatch(VerificationResult::isVerified);
        assertThat(rejected.get() + refused.get()).isEqualTo(16 * 6);
    }
}
