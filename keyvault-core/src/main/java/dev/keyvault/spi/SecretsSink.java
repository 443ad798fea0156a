package dev.keyvault.spi;

import dev.keyvault.ApiKey;
import dev.keyvault.IssuedKey;

/**
 * Where the {@link dev.keyvault.rotation.AutoRotator} puts a new secret so that the key's consumers pick it
 * up: a secrets manager, a vault, a file that a deployment mounts. keyvault ships
 * {@link dev.keyvault.sink.PropertiesFileSecretsSink}; an adapter for another system is a few
 * lines, see below.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Atomic.</b> {@link #deliver} returns normally only once the new token is durably stored
 *       where consumers read it. It throws if it is not; if it cannot tell (a timeout after the
 *       write was sent), it should restore the previous value before throwing, or throw anyway: the
 *       rotator then revokes the new key, and a consumer that already read it gets a 401 until the
 *       next delivery replaces it. The old key is never revoked before {@code deliver} returned.</li>
 *   <li><b>Latest wins.</b> The rotator may deliver several successors of the same key over time
 *       (after a failed probe, or when an interrupted run is resumed, the undelivered successor is
 *       revoked and a fresh one delivered). Each delivery replaces the previous value.</li>
 *   <li><b>No leaks.</b> Never log the token or put it in an exception message;
 *       {@link IssuedKey#toString()} is masked, {@link IssuedKey#token()} is not.</li>
 *   <li>Called from the thread that runs the rotator, one delivery at a time per rotator.</li>
 * </ul>
 *
 * <h2>An AWS Secrets Manager adapter</h2>
 * <pre>{@code
 * SecretsSink aws = (replaced, successor) -> client.putSecretValue(b -> b
 *         .secretId("keyvault/" + replaced.owner() + "/" + baseName(replaced))  // one secret per key lineage
 *         .secretString(successor.token())
 *         .clientRequestToken(UUID.nameUUIDFromBytes(successor.id().getBytes(UTF_8)).toString())); // idempotent retry
 * }</pre>
 * {@code PutSecretValue} moves the {@code AWSCURRENT} stage to the new version (the previous one
 * becomes {@code AWSPREVIOUS}) in one call, which is the atomicity asked for above; consumers that
 * cache the secret should refresh within the rotator's overlap window.
 *
 * <h2>A HashiCorp Vault (KV v2) adapter</h2>
 * <pre>{@code
 * SecretsSink vault = (replaced, successor) -> {
 *     // POST /v1/secret/data/keyvault/<owner>/<name> {"data":{"token":...}}; a 2xx response means
 *     // the new version is current; anything else throws.
 *     vaultClient.logical().write("secret/data/keyvault/" + replaced.owner() + "/" + baseName(replaced),
 *             Map.of("data", Map.of("token", successor.token(), "keyId", successor.id())));
 * };
 * }</pre>
 * Use the {@code cas} option with the version read before the write when several writers share the
 * path. In both adapters {@code baseName} strips the rotation suffix ({@code "Sync v3"} →
 * {@code "Sync"}) so the location stays the same across rotations, as
 * {@link dev.keyvault.sink.PropertiesFileSecretsSink#defaultPropertyName(ApiKey)} does.
 */
@FunctionalInterface
public interface SecretsSink {

    /**
     * Stores {@code successor}'s token where the consumers of {@code replaced} read their secret.
     *
     * @param replaced  the key being replaced (still active while this runs)
     * @param successor the new key and its token
     * @throws Exception if the token is not stored; the rotator then revokes {@code successor} and
     *                   leaves {@code replaced} untouched
     */
    void deliver(ApiKey replaced, IssuedKey successor) throws Exception;

    /** A short name for the key's history ("delivered to …"); default the class's simple name. */
    default String name() {
        String simple = getClass().getSimpleName();
        return simple.isEmpty() || simple.contains("$$Lambda") ? "secrets sink" : simple;
    }
}
