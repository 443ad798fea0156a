package dev.keyvault.jdbc;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyEventType;
import dev.keyvault.KeyStatus;
import dev.keyvault.internal.TokenFormat;
import dev.keyvault.spi.StoredKey;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** Small values for the jdbc module's own tests (the contract has its own). */
final class StoreFixtures {
    static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123Z");
    private static final SecureRandom RANDOM = new SecureRandom();

    private StoreFixtures() {}

    static String newId() {
        return TokenFormat.newKeyId(RANDOM);
    }

    static StoredKey key(String owner, String name) {
        ApiKey k = new ApiKey(newId(), "kv", owner, name, Set.of("kb:read"), "default", "default", Set.of(), Optional.empty(),
                T0, Optional.empty(), Optional.empty(), KeyStatus.ACTIVE, Optional.empty(), Optional.empty(), Optional.empty(),
                false);
        return new StoredKey(k, "$test$v=1$" + newId() + newId());
    }

    static KeyEvent issued(StoredKey key) {
        return new KeyEvent(key.id(), KeyEventType.ISSUED, T0, "system", "issued");
    }
}
