package dev.keyvault.jdbc.internal;

import dev.keyvault.UsageRollup;

/**
 * The one check the store makes of a value: a rollup's text dimensions, which {@link UsageRollup}
 * does not constrain (core's {@code UsageEvent} does, so the rollups core makes always pass) but a
 * column does. Without it a rollup handed to the SPI directly could fail as a SQL error or, worse, be
 * stored changed: PostgreSQL refuses the NUL character in text, UTF-8 cannot carry an unpaired
 * surrogate (the driver would substitute {@code ?}), and every column has a width. The caller gets an
 * {@link IllegalArgumentException} naming the field, never the value. Once {@code UsageRollup}
 * checks its dimensions itself, this class goes.
 */
public final class Values {
    private Values() {}

    public static void rollup(UsageRollup r) {
        text("usage method", r.method(), 16);
        text("usage endpoint", r.endpoint(), 200);
        text("usage clientIp", r.clientIp(), 64);
        text("usage userAgent", r.userAgent(), 256);
        text("usage consumer", r.consumer(), 256);
        text("usage refusal", r.refusal(), 32);
    }

    private static void text(String what, String value, int maxLength) {
        if (value.length() > maxLength) {
            throw new IllegalArgumentException(what + " must be at most " + maxLength + " characters for the database, was "
                    + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\u0000') {
                throw new IllegalArgumentException(what + " must not contain the NUL character (index " + i + ")");
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(what + " contains an unpaired surrogate at index " + i);
            }
        }
    }
}
