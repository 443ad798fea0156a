package dev.keyvault.internal;

import java.util.Arrays;

/**
 * A token that passed the format and checksum checks: its public key id and its secret as ASCII
 * bytes. The owner of an instance must call {@link #wipe()} when done.
 */
public final class ParsedToken {
    private final String keyId;
    private final byte[] secret;

    ParsedToken(String keyId, byte[] secret) {
        this.keyId = keyId;
        this.secret = secret;
    }

    public String keyId() {
        return keyId;
    }

    /** The secret's bytes; not a copy. */
    public byte[] secret() {
        return secret;
    }

    public void wipe() {
        Arrays.fill(secret, (byte) 0);
    }

    @Override
    public String toString() {
        return "ParsedToken[keyId=" + keyId + ", secret=<hidden>]";
    }
}
