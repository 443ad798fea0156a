package dev.keyvault.internal;

import dev.keyvault.HashingReport;
import dev.keyvault.KeyQuery;
import dev.keyvault.KeyStatus;
import dev.keyvault.spi.KeyHasher;
import dev.keyvault.spi.KeyStore;
import dev.keyvault.spi.StoredKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Counts active keys by the scheme of their stored hash, for {@link HashingReport}. */
public final class HashSchemes {
    private HashSchemes() {}

    public static HashingReport report(KeyStore store, HashingPolicy hashing) {
        Map<String, long[]> counts = new HashMap<>();
        Map<String, String> sample = new HashMap<>();
        for (StoredKey s : Paging.all(store, KeyQuery.all().withStatus(KeyStatus.ACTIVE))) {
            String scheme = scheme(s.hash());
            counts.computeIfAbsent(scheme, k -> new long[1])[0]++;
            sample.putIfAbsent(scheme, s.hash());
        }
        KeyHasher current = hashing.current();
        String currentScheme = scheme(current.hash(new byte[32]));
        List<HashingReport.Scheme> schemes = new ArrayList<>();
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            String hash = sample.get(e.getKey());
            KeyHasher reader = hashing.readerOf(hash);
            boolean isCurrent = reader == current && !current.needsRehash(hash);
            schemes.add(new HashingReport.Scheme(e.getKey(), e.getValue()[0], isCurrent, reader != null));
        }
        schemes.sort(Comparator.comparingLong(HashingReport.Scheme::keys).reversed().thenComparing(HashingReport.Scheme::scheme));
        return new HashingReport(currentScheme, schemes);
    }

    /**
     * The scheme of an encoded hash, without salt or hash: {@code $hmac-sha256$k=v1$…} is
     * {@code hmac-sha256 k=v1}, {@code $argon2id$v=19$m=19456,t=2,p=1$…} is {@code argon2id m=19456,t=2,p=1}.
     */
    static String scheme(String encoded) {
        if (encoded.startsWith("pbkdf2_")) {
            String[] parts = encoded.split("\\$", -1);
            return parts.length > 1 && parts[1].matches("\\d{1,8}") ? parts[0] + " i=" + parts[1] : parts[0];
        }
        String[] parts = encoded.split("\\$", -1);
        if (parts.length < 3 || !parts[0].isEmpty()) {
            return "unknown";
        }
        String algorithm = parts[1];
        if (algorithm.matches("2[aby]")) {
            return "bcrypt" + (parts[2].matches("\\d\\d") ? " cost=" + parts[2] : "");
        }
        if (algorithm.equals("sha256")) {
            return "sha256 (unsalted)";
        }
        String params = parts[2].startsWith("v=") && parts.length > 3 ? parts[3] : parts[2];
        return params.matches("[A-Za-z0-9=,_.-]{1,64}") ? algorithm + " " + params : algorithm;
    }
}
