package dev.keyvault.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyvault.ApiKey;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class VerificationCacheTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    private static CacheEntry entry(String id, byte[] digest) {
        return new CacheEntry(digest, ApiKey.builder(id, "kv", "acme", "key " + id, Instant.EPOCH).build(), 0);
    }

    private static byte[] digest() {
        byte[] d = new byte[32];
        RANDOM.nextBytes(d);
        return d;
    }

    @Test
    void whenIdsDifferInAnyCharacterThenTheirCacheKeysDifferAndEqualIdsGiveEqualKeys() {
        String id = TokenFormat.newKeyId(RANDOM);
        assertThat(CacheKey.of(id)).isEqualTo(CacheKey.of(new String(id.toCharArray()))).hasSameHashCodeAs(CacheKey.of(id));
        String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        Set<CacheKey> keys = new HashSet<>();
        for (int i = 0; i < id.length(); i++) {
            for (char c : alphabet.toCharArray()) {
                keys.add(CacheKey.of(id.substring(0, i) + c + id.substring(i + 1)));
            }
        }
        assertThat(keys).hasSize(12 * 61 + 1); // every single-character change is a different key
        for (String bad : new String[] {null, "", "short", id + "x", id.substring(1) + "-", id.substring(1) + "é",
                id.substring(1) + "\u0000", "'; DROP TABLE"}) {
            assertThat(CacheKey.of(bad)).as(String.valueOf(bad)).isNull();
        }
    }

    @Test
    void whenAnEntryIsCachedThenOnlyItsDigestMatchesAndAnEntryWithoutDigestMatchesNothing() {
        VerificationCache cache = new VerificationCache(-1, 1 << 20);
        String id = TokenFormat.newKeyId(RANDOM);
        byte[] d = digest();
        cache.put(id, entry(id, d));

        CacheEntry hit = cache.get(new String(id.toCharArray()));
        assertThat(hit.matches(d.clone())).isTrue();
        for (int bit = 0; bit < 256; bit++) {
            byte[] other = d.clone();
            other[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThat(hit.matches(other)).isFalse();
        }
        assertThat(hit.matches(new byte[31])).isFalse();
        assertThat(entry(id, new byte[0]).matches(new byte[32])).isFalse();
        assertThat(cache.get("not an id")).isNull();
        assertThatThrownBy(() -> cache.put("not an id", hit)).isInstanceOf(IllegalArgumentException.class);
        cache.invalidate("not an id"); // nothing to do, no exception
    }

    @Test
    void whenTheBoundIsCrossedThenKeysReadSinceTheLastSweepStayAndUnreadOnesGo() {
        VerificationCache cache = new VerificationCache(1_000, Long.MAX_VALUE);
        List<String> hot = new ArrayList<>();
        List<String> cold = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            String id = TokenFormat.newKeyId(RANDOM);
            cache.put(id, entry(id, digest()));
            (i % 10 == 0 ? hot : cold).add(id);
        }
        hot.forEach(cache::get);

        for (int i = 0; i < 150; i++) { // crosses the bound: one sweep frees a tenth
            String id = TokenFormat.newKeyId(RANDOM);
            cache.put(id, entry(id, digest()));
            hot.forEach(cache::get);
        }

        assertThat(cache.size()).isLessThanOrEqualTo(1_000);
        assertThat(cache.evictions()).isGreaterThanOrEqualTo(150);
        assertThat(hot).allSatisfy(id -> assertThat(cache.get(id)).as("hot key " + id).isNotNull());
        assertThat(cold.stream().filter(id -> cache.get(id) == null).count()).isGreaterThanOrEqualTo(100);
    }

    @Test
    void whenEveryEntryIsMarkedThenTheSweepStillFreesRoom() {
        VerificationCache cache = new VerificationCache(100, Long.MAX_VALUE);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String id = TokenFormat.newKeyId(RANDOM);
            ids.add(id);
            cache.put(id, entry(id, digest()));
        }
        ids.forEach(cache::get);
        String extra = TokenFormat.newKeyId(RANDOM);
        cache.put(extra, entry(extra, digest()));
        assertThat(cache.size()).isLessThanOrEqualTo(100);
    }

    @Test
    void whenBoundedByBytesThenTheEstimateIsKeptUnderTheBoundAndBackToZeroWhenEmptied() {
        long bound = 64 * 1024;
        VerificationCache cache = new VerificationCache(-1, bound);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            String id = TokenFormat.newKeyId(RANDOM);
            ids.add(id);
            cache.put(id, entry(id, digest()));
            cache.put(id, entry(id, digest())); // replacing counts once
            assertThat(cache.bytes()).isLessThanOrEqualTo(bound);
        }
        assertThat(cache.size()).isBetween(100L, 2_000L);
        ids.forEach(cache::invalidate);
        assertThat(cache.size()).isZero();
        assertThat(cache.bytes()).isZero();
    }

    @Test
    void whenThreadsPutReadAndInvalidateAtOnceThenTheByteCountMatchesTheEntries() throws Exception {
        VerificationCache cache = new VerificationCache(-1, 256 * 1024);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            ids.add(TokenFormat.newKeyId(RANDOM));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 20_000; i++) {
                        String id = ids.get((i * 7 + seed * 13) % ids.size());
                        switch (i % 4) {
                            case 0, 1 -> cache.put(id, entry(id, digest()));
                            case 2 -> cache.get(id);
                            default -> cache.compute(id, (k, old) -> old == null ? null : entry(k, digest()));
                        }
                        if (i % 97 == 0) {
                            cache.invalidate(id);
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        long expected = 0;
        for (String id : ids) {
            CacheEntry e = cache.get(id);
            expected += e == null ? 0 : e.estimatedBytes();
        }
        assertThat(cache.bytes()).isEqualTo(expected);
        assertThat(cache.bytes()).isLessThanOrEqualTo(256 * 1024 + 2_000);
    }
}
