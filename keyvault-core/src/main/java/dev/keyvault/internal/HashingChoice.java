package dev.keyvault.internal;

import dev.keyvault.KeyHashers;
import dev.keyvault.PepperStatus;
import dev.keyvault.spi.KeyHasher;
import dev.keyvault.spi.Pepper;
import dev.keyvault.spi.PepperSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which hasher a manager hashes new secrets with, and which it reads stored hashes with, from what
 * the builder was given: an explicit hasher; else HMAC-SHA-256 under the first pepper of the source
 * (or of {@code KEYVAULT_PEPPER}), reading the older peppers and, by default, Argon2id; else
 * HMAC-SHA-256 without a pepper, with a warning.
 *
 * @param current    makes new hashes
 * @param additional reads hashes of older peppers and other algorithms
 * @param status     whether the hashes are peppered
 * @param pepperId   the current pepper's id, if any
 */
public record HashingChoice(KeyHasher current, List<KeyHasher> additional, PepperStatus status, Optional<String> pepperId) {
    private static final Logger LOG = LoggerFactory.getLogger(HashingChoice.class);

    /**
     * @param explicitAdditional the builder's additional hashers, or {@code null} for the default (Argon2id)
     * @param environment        the environment's pepper source, read only when nothing else decides
     */
    public static HashingChoice resolve(KeyHasher explicitHasher, List<KeyHasher> explicitAdditional, PepperSource source,
            boolean declined, Supplier<Optional<PepperSource>> environment) {
        List<KeyHasher> others = explicitAdditional != null ? explicitAdditional : List.of(KeyHashers.argon2id());
        if (explicitHasher != null) {
            return new HashingChoice(explicitHasher, explicitAdditional != null ? explicitAdditional : List.of(),
                    PepperStatus.NOT_APPLICABLE, Optional.empty());
        }
        if (declined) {
            return new HashingChoice(KeyHashers.hmacSha256(), others, PepperStatus.DECLINED, Optional.empty());
        }
        PepperSource chosen = source != null ? source : environment.get().orElse(null);
        if (chosen == null) {
            LOG.warn("keyvault: no pepper is configured, so keys are hashed with HMAC-SHA-256 without a secret key."
                    + " Fine for development; in production set KEYVAULT_PEPPER (see the README, 'Pepper').");
            return new HashingChoice(KeyHashers.hmacSha256(), others, PepperStatus.NOT_CONFIGURED, Optional.empty());
        }
        List<Pepper> peppers;
        try {
            peppers = List.copyOf(chosen.peppers());
        } catch (RuntimeException e) {
            throw new IllegalStateException("the pepper source " + chosen.getClass().getName() + " failed: "
                    + e.getClass().getSimpleName(), e);
        }
        if (peppers.isEmpty()) {
            throw new IllegalStateException("the pepper source returned no pepper");
        }
        KeyHasher current = hmac(peppers.get(0));
        List<KeyHasher> readers = new ArrayList<>();
        for (Pepper older : peppers.subList(1, peppers.size())) {
            readers.add(hmac(older));
        }
        readers.addAll(others);
        return new HashingChoice(current, List.copyOf(readers), PepperStatus.CONFIGURED, Optional.of(peppers.get(0).id()));
    }

    private static KeyHasher hmac(Pepper p) {
        byte[] key = p.key();
        try {
            return KeyHashers.hmacSha256(key, p.id());
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }
}
