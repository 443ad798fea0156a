package dev.keyvault.contract;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyEventType;
import dev.keyvault.KeyStatus;
import dev.keyvault.Syntax;
import dev.keyvault.spi.StoredKey;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * Values to put into a store directly, past {@code KeyManager}: for {@link KeyStoreContract} and for
 * a backend's own tests (its schema, its failure messages). Made from public API only, so a store
 * in another module (or another project) can use them. Thread-safe.
 */
public final class StoreValues {
    /** A time with a millisecond part, so that truncation to seconds would show. */
    public static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123Z");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private StoreValues() {}

    /** A new random key id: {@value Syntax#KEY_ID_LENGTH} base62 characters, as {@code KeyManager} makes them. */
    public static String newId() {
        char[] id = new char[Syntax.KEY_ID_LENGTH];
        for (int i = 0; i < id.length; i++) {
            id[i] = BASE62.charAt(RANDOM.nextInt(BASE62.length()));
        }
        return Syntax.keyId(new String(id));
    }

    /** An active key with every optional field empty. */
    public static ApiKey minimalKey(String id, String owner, String name) {
        return new ApiKey(id, "kv", owner, name, Set.of(), "default", "default", Set.of(), Optional.empty(), T0,
                Optional.empty(), Optional.empty(), KeyStatus.ACTIVE, Optional.empty(), Optional.empty(), Optional.empty(),
                false);
    }

    /** {@code key} with a hash of its own (a fake PHC string; stores never interpret it). */
    public static StoredKey stored(ApiKey key) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return new StoredKey(key, "$test$v=1$" + Base64.getEncoder().withoutPadding().encodeToString(salt));
    }

    /** A new minimal key of {@code owner} called {@code name}, with its hash, ready to insert. */
    public static StoredKey newKey(String owner, String name) {
        return stored(minimalKey(newId(), owner, name));
    }

    /** The event that goes with inserting {@code key}. */
    public static KeyEvent issued(ApiKey key) {
        return new KeyEvent(key.id(), KeyEventType.ISSUED, key.createdAt(), "system", "issued");
    }

    /** The event that goes with inserting {@code key}. */
    public static KeyEvent issued(StoredKey key) {
        return issued(key.key());
    }
}
