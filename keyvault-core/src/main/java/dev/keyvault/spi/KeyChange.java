package dev.keyvault.spi;

import static java.util.Objects.requireNonNull;

import dev.keyvault.KeyEventType;
import dev.keyvault.Syntax;
import java.time.Instant;

/**
 * One entry of the change feed: key {@code keyId} changed ({@code type}) at {@code at}. Sequences
 * increase in commit order, so a follower that has seen sequence {@code n} has seen every change
 * with a smaller sequence.
 */
public record KeyChange(long sequence, String keyId, KeyEventType type, Instant at) {
    public KeyChange {
        if (sequence <= 0) {
            throw new IllegalArgumentException("sequence must be positive");
        }
        Syntax.keyId(keyId);
        requireNonNull(type, "type");
        requireNonNull(at, "at");
    }
}
