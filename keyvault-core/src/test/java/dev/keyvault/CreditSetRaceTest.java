package dev.keyvault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.spi.CreditAccount;
import dev.keyvault.spi.StoredKey;
import dev.keyvault.support.DelegatingKeyStore;
import dev.keyvault.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Setting a key's credit balance on a node while that node's requests take a lease: a lease taken
 * from the NEW balance between the store's write and the end of {@code update} is this node's to
 * spend, not void — voiding it lost those credits for good (found on two PostgreSQL nodes under
 * load: 447 of a new balance of 500 served). The request is made from inside the store's update,
 * right after the write, so the interleaving is certain.
 */
class CreditSetRaceTest {
    private final MutableClock clock = MutableClock.at(Instant.parse("2026-06-01T09:00:00Z"));

    @Test
    void whenARequestLeasesFromTheNewBalanceWhileItIsSetThenNoneOfTheNewBalanceIsLost() {
        AtomicReference<Runnable> afterUpdate = new AtomicReference<>();
        DelegatingKeyStore store = new DelegatingKeyStore(InMemoryKeyStore.create()) {
            @Override
            public boolean update(StoredKey next, long expectedRevision, Optional<CreditAccount> credits, List<KeyEvent> events) {
                boolean done = super.update(next, expectedRevision, credits, events);
                Runnable r = afterUpdate.getAndSet(null);
                if (r != null) {
                    r.run();
                }
                return done;
            }
        };
        try (KeyManager keys = KeyManager.builder().store(store).clock(clock)
                .hasher(KeyHashers.hmacSha256("credit-race-pepper-0123456789abcdef".getBytes(StandardCharsets.US_ASCII), "t"))
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build()) {
            IssuedKey key = keys.issue(KeySpec.builder("acme", "metered").credits(Credits.of(1)).build());
            assertThat(keys.verify(key.token()).isVerified()).as("the one old credit").isTrue();
            assertThat(keys.verify(key.token()).isVerified()).isFalse();
            clock.advance(Duration.ofSeconds(2)); // past the node's memory of an empty balance: the next request reads the store

            int[] servedDuringSet = new int[1];
            afterUpdate.set(() -> servedDuringSet[0] += keys.verify(key.token()).isVerified() ? 1 : 0);
            keys.update(key.id(), KeyUpdate.builder().credits(Credits.of(500)).actor("billing").build());
            assertThat(servedDuringSet[0]).as("a request between the write and the end of the update").isEqualTo(1);

            int served = servedDuringSet[0];
            while (keys.verify(key.token()).isVerified()) {
                served++;
            }
            assertThat(served).as("every credit of the new balance spent, none lost").isEqualTo(500);
            assertThat(store.findCredits(key.id()).orElseThrow().balance()).isZero();
        }
    }
}
