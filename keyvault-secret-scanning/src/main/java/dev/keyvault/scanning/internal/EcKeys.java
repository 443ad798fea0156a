package dev.keyvault.scanning.internal;

import static java.util.Objects.requireNonNull;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Pattern;

/** Parsing and checking GitHub's signing keys: PEM, EC, P-256 only. */
public final class EcKeys {
    /** What a key identifier may be: visible ASCII, no spaces (GitHub's are 64 hex digits). */
    private static final Pattern IDENTIFIER = Pattern.compile("[\\x21-\\x7E]{1,256}");
    private static final ECParameterSpec P256 = p256();

    private EcKeys() {}

    public static boolean isIdentifier(String s) {
        return s != null && IDENTIFIER.matcher(s).matches();
    }

    public static String identifier(String s) {
        requireNonNull(s, "identifier");
        if (!isIdentifier(s)) {
            throw new IllegalArgumentException("a key identifier is 1-256 visible ASCII characters");
        }
        return s;
    }

    /** The EC public key in a {@code -----BEGIN PUBLIC KEY-----} PEM, on P-256. */
    public static PublicKey parsePem(String pem) {
        requireNonNull(pem, "pem");
        String body = pem.strip();
        String begin = "-----BEGIN PUBLIC KEY-----";
        String end = "-----END PUBLIC KEY-----";
        if (!body.startsWith(begin) || !body.endsWith(end) || body.length() > 4096) {
            throw new IllegalArgumentException("not a PEM public key (-----BEGIN PUBLIC KEY----- … -----END PUBLIC KEY-----)");
        }
        String base64 = body.substring(begin.length(), body.length() - end.length()).replaceAll("\\s+", "");
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the PEM public key is not valid base64");
        }
        try {
            return requireP256(KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the PEM is not an EC public key: " + e.getClass().getSimpleName());
        }
    }

    /** {@code key} if it is an EC key on P-256 (secp256r1), the curve GitHub signs with. */
    public static PublicKey requireP256(PublicKey key) {
        requireNonNull(key, "key");
        if (!(key instanceof ECPublicKey ec)) {
            throw new IllegalArgumentException("GitHub's signing keys are EC keys on P-256, not " + key.getAlgorithm());
        }
        ECParameterSpec p = ec.getParams();
        if (!p.getCurve().equals(P256.getCurve()) || !p.getGenerator().equals(P256.getGenerator())
                || !p.getOrder().equals(P256.getOrder()) || p.getCofactor() != P256.getCofactor()) {
            throw new IllegalArgumentException("GitHub's signing keys are on P-256 (secp256r1); this key is on another curve");
        }
        return key;
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
            params.init(new ECGenParameterSpec("secp256r1"));
            return params.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no P-256", e);
        }
    }
}
