package dev.keyvault.internal;

/**
 * A key id as the verification cache's map key: its twelve base62 characters packed six bits each
 * into two longs. Comparing two of these reads one small object, where comparing two {@link String}s
 * reads each string and its character array — with tens of thousands of keys in round-robin traffic
 * every such read is a miss in the processor's caches, and the hot path is mostly those misses.
 */
final class CacheKey {
    private final long high;
    private final long low;
    private final int hash;

    private CacheKey(long high, long low) {
        this.high = high;
        this.low = low;
        long h = high * 0x9E3779B97F4A7C15L ^ low;
        this.hash = (int) (h ^ (h >>> 32));
    }

    /** The key for {@code id}, or {@code null} if it is not a key id (no key with it can be cached). */
    static CacheKey of(String id) {
        if (id == null || id.length() != TokenFormat.KEY_ID_LENGTH) {
            return null;
        }
        long high = 0;
        long low = 0;
        for (int i = 0; i < 6; i++) {
            int a = sextet(id.charAt(i));
            int b = sextet(id.charAt(i + 6));
            if ((a | b) < 0) {
                return null;
            }
            high = high << 6 | a;
            low = low << 6 | b;
        }
        return new CacheKey(high, low);
    }

    private static int sextet(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'Z') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 36;
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CacheKey k && k.high == high && k.low == low;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return "CacheKey[" + Long.toHexString(high) + ":" + Long.toHexString(low) + "]";
    }
}
