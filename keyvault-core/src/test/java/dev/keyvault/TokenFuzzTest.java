package dev.keyvault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.contract.ForgedTokens;
import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * More than 100,000 random and mutated tokens against live keys, through both the cached (hot) and
 * the uncached (cold) path: none verifies, none throws.
 */
class TokenFuzzTest {
    private static final int PER_KIND = 10_000;

    @Test
    void whenRandomAndMutatedTokensArePresentedThenNoneVerifiesAndNoneThrows() {
        MutableClock clock = MutableClock.create();
        InMemoryKeyStore store = InMemoryKeyStore.create();
        try (KeyManager hot = manager(store, clock, 10_000); KeyManager cold = manager(store, clock, 0)) {
            List<IssuedKey> live = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                live.add(hot.issue(KeySpec.builder("fuzz", "key " + i).build()));
            }
            SplittableRandom random = new SplittableRandom(20261126);
            Map<RejectionReason, Integer> reasons = new EnumMap<>(RejectionReason.class);
            int presented = 0;
            for (Mutation m : Mutation.values()) {
                for (int i = 0; i < PER_KIND; i++) {
                    IssuedKey target = live.get(random.nextInt(live.size()));
                    String token = m.apply(target, random);
                    if (token != null && token.equals(target.token())) {
                        continue; // a mutation that happened to restore the original is not a forgery
                    }
                    KeyManager manager = (i & 1) == 0 ? hot : cold;
                    VerificationResult result = manager.verify(token);
                    presented++;
                    assertThat(result.isVerified()).as("%s verified a forged token", m).isFalse();
                    reasons.merge(((VerificationResult.Rejected) result).reason(), 1, Integer::sum);
                }
            }
            assertThat(presented).isGreaterThanOrEqualTo(100_000);
            // every kind of rejection was exercised, so the fuzzing reached past the format checks
            assertThat(reasons.keySet()).contains(RejectionReason.MALFORMED, RejectionReason.UNKNOWN, RejectionReason.INVALID);
            for (IssuedKey k : live) {
                assertThat(hot.verify(k.token()).isVerified()).isTrue();
                assertThat(cold.verify(k.token()).isVerified()).isTrue();
            }
        }
    }

    private static KeyManager manager(InMemoryKeyStore store, MutableClock clock, long cacheSize) {
        return KeyManager.builder().store(store).clock(clock).hasher(KeyHashers.hmacSha256())
                .cacheMaximumSize(cacheSize).usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build();
    }

    private enum Mutation {
        BIT_FLIP {
            String apply(IssuedKey k, SplittableRandom r) {
                char[] c = k.token().toCharArray();
                int i = r.nextInt(c.length);
                c[i] = (char) (c[i] ^ (1 << r.nextInt(16)));
                return new String(c);
            }
        },
        TRUNCATION {
            String apply(IssuedKey k, SplittableRandom r) {
                return k.token().substring(0, r.nextInt(k.token().length()));
            }
        },
        EXTENSION {
            String apply(IssuedKey k, SplittableRandom r) {
                return k.token() + ForgedTokens.random(1 + r.nextInt(8));
            }
        },
        SWAPPED_PREFIX {
            String apply(IssuedKey k, SplittableRandom r) {
                String[] prefixes = {"kb", "sk", "kv_live", "ghp", "kw", "KV"};
                String rest = k.token().substring(2);
                return prefixes[r.nextInt(prefixes.length)] + rest;
            }
        },
        SWAPPED_CHARACTERS {
            String apply(IssuedKey k, SplittableRandom r) {
                char[] c = k.token().toCharArray();
                int i = r.nextInt(c.length);
                int j = r.nextInt(c.length);
                char t = c[i];
                c[i] = c[j];
                c[j] = t;
                return new String(c);
            }
        },
        RANDOM_BYTES {
            String apply(IssuedKey k, SplittableRandom r) {
                int n = r.nextInt(10_241);
                StringBuilder sb = new StringBuilder(n);
                for (int i = 0; i < n; i++) {
                    sb.append((char) r.nextInt(Character.MAX_VALUE + 1));
                }
                return sb.toString();
            }
        },
        RIGHT_LENGTH_RANDOM_ASCII {
            String apply(IssuedKey k, SplittableRandom r) {
                char[] c = new char[k.token().length()];
                for (int i = 0; i < c.length; i++) {
                    c[i] = (char) (32 + r.nextInt(95));
                }
                return new String(c);
            }
        },
        VALID_CHECKSUM_RANDOM_ID {
            String apply(IssuedKey k, SplittableRandom r) {
                return ForgedTokens.random("kv");
            }
        },
        VALID_ID_RANDOM_SECRET {
            String apply(IssuedKey k, SplittableRandom r) {
                return ForgedTokens.withRandomSecret(k.token(), k.id());
            }
        },
        SECRET_OF_ANOTHER_KEY {
            String apply(IssuedKey k, SplittableRandom r) {
                String t = k.token();
                int secretStart = t.length() - 38;
                String otherSecret = ForgedTokens.random(32);
                return ForgedTokens.checksummed(t.substring(0, secretStart) + otherSecret);
            }
        },
        NULL_OR_BLANK {
            String apply(IssuedKey k, SplittableRandom r) {
                String[] values = {null, "", " ", "\r\n", "Bearer " + k.token(), "\u0000".repeat(56), k.token().trim() + "\n"};
                return values[r.nextInt(values.length)];
            }
        };

        abstract String apply(IssuedKey key, SplittableRandom random);
    }
}
