package dev.keyvault.internal;

import java.util.Arrays;

/**
 * A token that passed the format and checksum checks: its public key id and, inside the parse
 * buffer, its secret. The hot path hashes the secret where it lies (no copy); the cold path takes a
 * copy for the slow hash. The owner of an instance must call {@link #wipe()} when done; it clears
 * the whole buffer, secret included.
 */
public final class ParsedToken implements PresentedSecret {
    private final String keyId;
    private final byte[] buffer;
    private final int secretOffset;

    ParsedToken(String keyId, byte[] buffer, int secretOffset) {
        this.keyId = keyId;
        this.buffer = buffer;
        this.secretOffset = secretOffset;
    }

    public String keyId() {
        return keyId;
    }

    /** SHA-256 of the secret, computed in place. */
    @Override
    public byte[] digest() {
        return Sha256.digest(buffer, secretOffset, TokenFormat.SECRET_LENGTH);
    }

    /** A copy of the secret's bytes; the caller wipes it. */
    @Override
    public byte[] secret() {
        return Arrays.copyOfRange(buffer, secretOffset, secretOffset + TokenFormat.SECRET_LENGTH);
    }

    public void wipe() {
        Arrays.fill(buffer, (byte) 0);
    }

    @Override
    public String toString() {
        return "ParsedToken[keyId=" + keyId + ", secret=<hidden>]";
    }
}
