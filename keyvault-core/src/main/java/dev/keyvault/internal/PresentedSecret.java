package dev.keyvault.internal;

/**
 * The secret a caller presented, whatever the token's format: its SHA-256 (what the verification
 * cache compares) and a copy of its bytes (what a stored-hash check needs; the caller wipes it).
 */
interface PresentedSecret {
    byte[] digest();

    byte[] secret();
}
