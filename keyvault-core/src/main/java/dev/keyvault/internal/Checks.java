package dev.keyvault.internal;

import static java.util.Objects.requireNonNull;


/**
 * Range checks of configuration numbers and durations (builders' arguments). The syntax of values
 * is {@link dev.keyvault.Syntax}.
 */
public final class Checks {
    private Checks() {}

    public static int positive(String what, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive, was " + value);
        }
        return value;
    }

    public static int range(String what, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " must be " + min + "-" + max + ", was " + value);
        }
        return value;
    }

    public static long nonNegative(String what, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " must not be negative, was " + value);
        }
        return value;
    }

    public static java.time.Duration positive(String what, java.time.Duration value) {
        requireNonNull(value, what);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + value);
        }
        return value;
    }

    public static java.time.Duration nonNegative(String what, java.time.Duration value) {
        requireNonNull(value, what);
        if (value.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative, was " + value);
        }
        return value;
    }
}
