package dev.keyvault.benchmarks.core;

import dev.keyvault.IssuedKey;
import dev.keyvault.KeyHashers;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.spi.KeyHasher;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * What the time of a rejected verify tells a caller, measured: the median time of each kind of
 * rejection on the in-memory store (a database adds its round trip to every kind that reads it), for
 * Argon2id (OWASP defaults) and HMAC-SHA-256. Run:
 * {@code mvn -q -Pbench -pl benchmarks -am package -DskipTests -Dbench.main=dev.keyvault.benchmarks.core.TimingReveal}.
 */
public final class TimingReveal {
    private static final int SAMPLES = 200;

    private TimingReveal() {}

    public static void main(String[] args) {
        SecureRandom random = new SecureRandom();
        for (KeyHasher hasher : new KeyHasher[] {KeyHashers.argon2id(), KeyHashers.hmacSha256(new byte[32], "bench")}) {
            InMemoryKeyStore store = InMemoryKeyStore.create();
            try (KeyManager issuer = manager(store, hasher); KeyManager node = manager(store, hasher)) {
                IssuedKey known = issuer.issue(KeySpec.builder("acme", "known").build());
                IssuedKey cached = issuer.issue(KeySpec.builder("acme", "cached").build());
                node.verify(cached.token());
                String replayed = WrongSecretFlood.forged(known.token(), random);
                System.out.println(hasher + ", median of " + SAMPLES + ":");
                report("  malformed (bad checksum)", () -> known.token().substring(0, known.token().length() - 1) + "0", node);
                report("  unknown key id", () -> WrongSecretFlood.unknownId(known.token(), random), node);
                report("  known key id, new wrong secret", () -> WrongSecretFlood.forged(known.token(), random), node);
                report("  known key id, the same wrong secret again", () -> replayed, node);
                report("  cached key, wrong secret", () -> WrongSecretFlood.forged(cached.token(), random), node);
                report("  cached key, right secret", cached::token, node);
            }
        }
    }

    private static KeyManager manager(InMemoryKeyStore store, KeyHasher hasher) {
        return KeyManager.builder().store(store).hasher(hasher).usageFlushInterval(Duration.ZERO)
                .changeFeedPollInterval(Duration.ZERO).build();
    }

    private static void report(String what, Supplier<String> tokens, KeyManager node) {
        for (int i = 0; i < 20; i++) {
            node.verify(tokens.get()); // warm-up
        }
        long[] nanos = new long[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            String token = tokens.get();
            long t0 = System.nanoTime();
            node.verify(token);
            nanos[i] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "%-48s %10.3f ms%n", what, nanos[SAMPLES / 2] / 1e6);
    }
}
