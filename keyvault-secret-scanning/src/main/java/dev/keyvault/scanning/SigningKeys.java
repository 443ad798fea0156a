package dev.keyvault.scanning;

import dev.keyvault.scanning.internal.EcKeys;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The public keys GitHub signs its secret-scanning alerts with, by the identifier GitHub sends in
 * {@code Github-Public-Key-Identifier}. The host provides them: configured as PEM
 * ({@link #fromPem(Map)}), or fetched by the host from {@value #GITHUB_KEYS_URL} and cached
 * ({@link GitHubSigningKeys}). Implementations are thread-safe; every key is an EC key on P-256.
 */
@FunctionalInterface
public interface SigningKeys {
    /** Where GitHub publishes its secret-scanning signing keys (JSON: {@code {"public_keys":[{"key_identifier","key","is_current"}]}}). */
    String GITHUB_KEYS_URL = "https://api.github.com/meta/public_keys/secret_scanning";

    /**
     * The key with this identifier, or empty if there is none (the endpoint then answers 401).
     * {@code identifier} is whatever the request sent (already checked to be 1–256 visible ASCII
     * characters).
     *
     * @throws SigningKeysUnavailableException if the keys cannot be obtained at all (answered 503)
     */
    Optional<PublicKey> find(String identifier);

    /**
     * Keys configured as PEM ({@code -----BEGIN PUBLIC KEY-----}, X.509 SubjectPublicKeyInfo), by
     * identifier: copy them from {@value #GITHUB_KEYS_URL}, and add GitHub's new key when it
     * rotates its keys.
     *
     * @throws IllegalArgumentException if a PEM is not an EC public key on P-256, or an identifier is
     *                                  not 1–256 visible ASCII characters
     */
    static SigningKeys fromPem(Map<String, String> pemByIdentifier) {
        java.util.Objects.requireNonNull(pemByIdentifier, "pemByIdentifier");
        if (pemByIdentifier.isEmpty()) {
            throw new IllegalArgumentException("at least one key");
        }
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        pemByIdentifier.forEach((id, pem) -> keys.put(EcKeys.identifier(id), EcKeys.parsePem(pem)));
        return of(keys);
    }

    /**
     * Keys given as objects, by identifier (a test's own key pair, or keys the host parsed itself).
     *
     * @throws IllegalArgumentException if a key is not an EC key on P-256
     */
    static SigningKeys of(Map<String, PublicKey> keysByIdentifier) {
        java.util.Objects.requireNonNull(keysByIdentifier, "keysByIdentifier");
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        keysByIdentifier.forEach((id, key) -> keys.put(EcKeys.identifier(id), EcKeys.requireP256(key)));
        Map<String, PublicKey> frozen = Map.copyOf(keys);
        return new SigningKeys() {
            @Override
            public Optional<PublicKey> find(String identifier) {
                return Optional.ofNullable(frozen.get(identifier));
            }

            @Override
            public String toString() {
                return "SigningKeys" + new java.util.TreeSet<>(frozen.keySet());
            }
        };
    }
}
