package dev.keyvault.scanning.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Reads a request body into memory only up to a bound. */
public final class BoundedBody {
    private BoundedBody() {}

    /**
     * The body, or null if it is longer than {@code max} bytes: at most {@code max + 1} bytes are
     * ever read, whatever the body claims or sends. {@code expected} is the Content-Length, or -1.
     */
    public static byte[] read(InputStream in, long expected, int max) throws IOException {
        if (expected > max) {
            return null;
        }
        byte[] buf = new byte[expected >= 0 ? (int) expected + 1 : Math.min(max + 1, 8192)];
        int n = 0;
        for (;;) {
            if (n == buf.length) {
                if (buf.length > max) {
                    return null;
                }
                buf = Arrays.copyOf(buf, (int) Math.min((long) max + 1, buf.length * 2L));
            }
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
            if (n > max) {
                return null;
            }
        }
        if (expected >= 0 && n != expected) {
            throw new IOException("the body ended before its Content-Length");
        }
        return Arrays.copyOf(buf, n);
    }
}
