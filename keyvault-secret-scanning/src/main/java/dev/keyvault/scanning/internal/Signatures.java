package dev.keyvault.scanning.internal;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;

/** GitHub's signature: ECDSA with SHA-256 over the raw body, DER-encoded, base64 in a header. */
public final class Signatures {
    /** A DER ECDSA P-256 signature is at most 72 bytes, 96 in base64; anything much longer is not one. */
    public static final int MAX_HEADER = 200;

    private Signatures() {}

    /** The signature bytes of a header value, or null if it is not standard base64 of plausible length. */
    public static byte[] decode(String header) {
        if (header == null || header.isEmpty() || header.length() > MAX_HEADER) {
            return null;
        }
        try {
            byte[] der = Base64.getDecoder().decode(header);
            return der.length >= 8 && der.length <= 72 ? der : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Whether {@code der} is {@code key}'s signature of {@code body}; false for anything that is not. */
    public static boolean verify(PublicKey key, byte[] body, int length, byte[] der) {
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initVerify(key);
            s.update(body, 0, length);
            return s.verify(der);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false; // a malformed DER signature is a wrong one
        }
    }
}
