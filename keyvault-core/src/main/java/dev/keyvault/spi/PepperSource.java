package dev.keyvault.spi;

import java.util.List;

/**
 * Where a {@link dev.keyvault.KeyManager} gets its peppers, read once when it is built: from the
 * environment, a file, a secrets manager or a KMS (implement this one method to fetch them from
 * yours). The built-in sources are in {@link dev.keyvault.Peppers}.
 *
 * <p>The first pepper is the current one: new keys are hashed with it, and a key hashed under one
 * of the others is re-hashed with it on its next successful verify. So replacing a pepper is: put
 * the new one first and keep the old one listed until no key uses it any more
 * ({@code KeyManager.hashingReport()} counts them), then drop it.
 */
@FunctionalInterface
public interface PepperSource {

    /**
     * The peppers, current first, with distinct ids; at least one.
     *
     * @throws RuntimeException if they cannot be read; the manager then fails to build, naming this source
     */
    List<Pepper> peppers();
}
