package dev.keyvault.servlet.internal;

import static java.util.Objects.requireNonNull;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;

/**
 * The body of a refused request that nobody read: dropped if it has all arrived and is small,
 * otherwise the refusal says {@code Connection: close} (see {@code ProblemResponses.releaseUnreadBody}).
 */
public final class UnreadBodies {
    private UnreadBodies() {}

    /** Reads and drops the body if it is at most {@code max} bytes, or marks the response {@code Connection: close}. */
    public static void release(HttpServletRequest request, HttpServletResponse response, int max) {
        requireNonNull(request, "request");
        requireNonNull(response, "response");
        if (response.isCommitted() || !hasBody(request)) {
            return;
        }
        if (request.getContentLengthLong() > max || !discard(request, max)) {
            response.setHeader("Connection", "close");
        }
    }

    /**
     * {@code response}, seen by code that only refuses: the first error status set on it releases
     * {@code request}'s unread body first. What is passed down the chain is the response itself.
     */
    public static HttpServletResponse refusing(HttpServletRequest request, HttpServletResponse response, int max) {
        if (!hasBody(request)) {
            return response; // most API calls (GET, DELETE): nothing to release, nothing allocated
        }
        return new HttpServletResponseWrapper(response) {
            @Override
            public void setStatus(int status) {
                if (status >= 400) {
                    release(request, response, max);
                }
                super.setStatus(status);
            }
        };
    }

    /**
     * Reads the body to its end, at most {@code max} bytes; whether that was all of it. It waits for
     * a body on its way as the container's own reads do, bounded by the connector's idle timeout
     * (a client that stops sending holds the thread no longer than any request whose body the
     * application reads).
     */
    private static boolean discard(HttpServletRequest request, int max) {
        try {
            ServletInputStream in = request.getInputStream();
            byte[] chunk = new byte[8192];
            long read = 0;
            int n;
            while (read <= max && (n = in.read(chunk)) >= 0) {
                read += n;
            }
            return read <= max;
        } catch (IOException | IllegalStateException e) {
            return false; // taken as a reader elsewhere, or the connection failed: do not reuse it
        }
    }

    private static boolean hasBody(HttpServletRequest request) {
        long length = request.getContentLengthLong();
        return length > 0 || (length < 0 && request.getHeader("Transfer-Encoding") != null);
    }
}
