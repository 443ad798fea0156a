package dev.keyvault.internal;

import static java.util.Objects.requireNonNull;

import dev.keyvault.HashingException;
import dev.keyvault.Syntax;
import dev.keyvault.spi.KeyHasher;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA-256 of the secret under a server-side pepper. Encoded form
 * {@code $hmac-sha256$k=<pepperId>$<base64url hash>}. The secret has 190 random bits, so no salt is
 * needed and a one-way function is enough (NIST SP 800-63B); the pepper means a stolen database
 * alone cannot even confirm a guessed token. Thread-safe: one {@link Mac} per thread.
 */
public final class HmacSha256Hasher implements KeyHasher {
    private static final Pattern PEPPER_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final byte[] NO_PEPPER = "keyvault:hmac-sha256:no-pepper".getBytes(StandardCharsets.US_ASCII);

    private final String prefix;
    private final ThreadLocal<Mac> mac;

    /** @param pepper the key, at least 32 bytes (copied); {@code null} for no pepper */
    public HmacSha256Hasher(byte[] pepper, String pepperId) {
        Syntax.matches("pepperId", pepperId, PEPPER_ID, "[A-Za-z0-9_-]{1,32}");
        if (pepper != null && pepper.length < 32) {
            throw new IllegalArgumentException("pepper must be at least 32 bytes");
        }
        byte[] key = pepper == null ? NO_PEPPER.clone() : pepper.clone();
        SecretKeySpec spec = new SecretKeySpec(key, "HmacSHA256");
        Arrays.fill(key, (byte) 0);
        this.prefix = "$hmac-sha256$k=" + pepperId + "$";
        this.mac = ThreadLocal.withInitial(() -> {
            try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(spec);
                return m;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("every Java platform has HmacSHA256", e);
            }
        });
    }

    @Override
    public String algorithm() {
        return "hmac-sha256";
    }

    @Override
    public boolean isExpensive() {
        return false;
    }

    @Override
    public String hash(byte[] secret) {
        requireNonNull(secret, "secret");
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(secret));
    }

    @Override
    public boolean verify(String encoded, byte[] secret) {
        requireNonNull(encoded, "encoded");
        requireNonNull(secret, "secret");
        if (!canVerify(encoded)) {
            return false;
        }
        byte[] stored;
        try {
            stored = Base64.getUrlDecoder().decode(encoded.substring(prefix.length()));
        } catch (IllegalArgumentException e) {
            throw new HashingException("a stored hmac-sha256 hash cannot be read: bad base64");
        }
        if (stored.length != 32) {
            throw new HashingException("a stored hmac-sha256 hash cannot be read: it is not 32 bytes");
        }
        return MessageDigest.isEqual(stored, mac(secret));
    }

    private byte[] mac(byte[] secret) {
        Mac m = mac.get();
        m.reset();
        return m.doFinal(secret);
    }

    /** Only hashes made with the same pepper id: another pepper cannot verify them. */
    @Override
    public boolean canVerify(String encoded) {
        return encoded.startsWith(prefix);
    }

    @Override
    public boolean needsRehash(String encoded) {
        return !canVerify(encoded);
    }

    @Override
    public String toString() {
        return "HmacSha256[" + prefix.substring(13, prefix.length() - 1) + "]";
    }
}
