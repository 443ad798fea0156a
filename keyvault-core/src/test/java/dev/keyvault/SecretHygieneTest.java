package dev.keyvault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyvault.contract.ForgedTokens;
import dev.keyvault.memory.InMemoryKeyStore;
import dev.keyvault.spi.StoredKey;
import dev.keyvault.support.FailingKeyStore;
import dev.keyvault.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** No type prints a secret, and nothing the library logs (at any level) contains one. */
class SecretHygieneTest {
    private static final byte[] PEPPER = "hygiene-pepper-0123456789abcdef!!".getBytes(StandardCharsets.US_ASCII);

    @Test
    void whenTypesHoldingSecretsArePrintedThenNoSecretAppears() {
        MutableClock clock = MutableClock.create();
        InMemoryKeyStore store = InMemoryKeyStore.create();
        try (KeyManager keys = KeyManager.builder().store(store).clock(clock).hasher(KeyHashers.hmacSha256(PEPPER, "p1"))
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build()) {
            IssuedKey issued = keys.issue(KeySpec.builder("acme", "Printed").build());
            StoredKey stored = store.find(issued.id()).orElseThrow();
            String secret = secretOf(issued.token());
            String hashBody = stored.hash().substring(stored.hash().lastIndexOf('$') + 1);

            for (Object o : List.of(issued, stored, keys, KeyHashers.hmacSha256(PEPPER, "p1"), KeyHashers.argon2id(),
                    keys.verify(issued.token()), keys.get(issued.id()).orElseThrow())) {
                assertThat(o.toString()).as(o.getClass().getSimpleName())
                        .doesNotContain(issued.token()).doesNotContain(secret).doesNotContain(hashBody)
                        .doesNotContain(new String(PEPPER, StandardCharsets.US_ASCII));
            }
            assertThat(issued.toString()).contains(issued.id()).contains("…");
            assertThat(stored.toString()).contains("hmac-sha256");
        }
    }

    @Test
    void whenEveryCodePathLogsAtTraceThenNoTokenSecretHashOrPepperIsWritten() {
        // slf4j-simple writes to the current System.err at every call (surefire sets the level to trace)
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        List<String> forbidden = new ArrayList<>();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            exerciseEverything(forbidden);
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).as("the flow must actually log, or this test proves nothing").contains("revoked key");
        for (String f : forbidden) {
            assertThat(log).doesNotContain(f);
        }
    }

    private static void exerciseEverything(List<String> forbidden) {
        MutableClock clock = MutableClock.create();
        InMemoryKeyStore real = InMemoryKeyStore.create();
        FailingKeyStore store = new FailingKeyStore(real);
        KeyManager legacy = KeyManager.builder().store(store).clock(clock).hasher(KeyHashers.argon2id(1024, 1, 1))
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build();
        KeyManager keys = KeyManager.builder().store(store).clock(clock).hasher(KeyHashers.hmacSha256(PEPPER, "p1"))
                .additionalHashers(KeyHashers.argon2id(1024, 1, 1)).listener(KeyEventListeners.logging())
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build();
        forbidden.add(new String(PEPPER, StandardCharsets.US_ASCII));

        IssuedKey old = legacy.issue(KeySpec.builder("acme", "Legacy").build());
        IssuedKey a = keys.issue(KeySpec.builder("acme", "Logged").scopes("kb:read").build());
        keys.verify(old.token()); // cold, argon2, then rehash to HMAC (logged)
        keys.verify(a.token());
        keys.verify(ForgedTokens.withRandomSecret(a.token(), a.id()));
        keys.verify("Bearer " + a.token());
        IssuedKey b = keys.rotate(a.id());
        keys.revoke(a.id(), "rotated", "alice");
        keys.recordUsage(a.id(), UsageEvent.of(clock.instant(), "GET", "/x", "10.0.0.1", 401));
        keys.rotationDue(clock.instant().plus(Duration.ofDays(400)));
        store.down();
        try {
            keys.flush();
        } catch (KeyStoreException expected) {
            // the outage is part of the flow
        }
        clock.advance(Duration.ofMinutes(1));
        keys.verify(b.token()); // refresh fails: fail static, logged through the listener
        store.up();
        keys.flush();

        for (IssuedKey k : List.of(old, a, b)) {
            forbidden.add(k.token());
            forbidden.add(secretOf(k.token()));
            String hash = real.find(k.id()).orElseThrow().hash();
            forbidden.add(hash.substring(hash.lastIndexOf('$') + 1));
        }
        keys.close();
        legacy.close();
    }

    private static String secretOf(String token) {
        return token.substring(token.length() - 38, token.length() - 6);
    }
}
