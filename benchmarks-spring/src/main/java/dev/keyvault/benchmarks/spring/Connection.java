package dev.keyvault.benchmarks.spring;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A keep-alive HTTP/1.1 exchange on a raw socket (the client of the servlet benchmark): write the
 * request, read one response by {@code Content-Length} or chunks. It costs as little as a client can,
 * so the servers' difference shows; every response must be a 200, so a misconfiguration cannot pass
 * off fast 401s as throughput. One per client thread.
 */
final class Connection implements AutoCloseable {
    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] request;
    private final byte[] buf = new byte[16 * 1024];
    private int start;
    private int end;

    Connection(int port, byte[] request) throws IOException {
        this.socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true);
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
        this.request = request;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Sends the request and consumes the response; returns its body length. */
    int exchange() throws IOException {
        out.write(request);
        out.flush();
        int headEnd;
        while ((headEnd = find(start)) < 0) {
            fill();
        }
        if (end - start < 12 || buf[start + 9] != '2' || buf[start + 10] != '0' || buf[start + 11] != '0') {
            throw new IllegalStateException("expected 200, got: "
                    + new String(buf, start, Math.min(200, end - start), StandardCharsets.ISO_8859_1));
        }
        int length = contentLength(start, headEnd);
        start = headEnd + 4;
        if (length >= 0) {
            while (end - start < length) {
                fill();
            }
            start += length;
            return length;
        }
        return chunked();
    }

    /** A chunked body: size lines and chunks until the zero chunk. */
    private int chunked() throws IOException {
        int total = 0;
        while (true) {
            int lineEnd;
            while ((lineEnd = crlf(start)) < 0) {
                fill();
            }
            int size = Integer.parseInt(new String(buf, start, lineEnd - start, StandardCharsets.US_ASCII).trim(), 16);
            start = lineEnd + 2;
            while (end - start < size + 2) {
                fill();
            }
            start += size + 2;
            total += size;
            if (size == 0) {
                return total;
            }
        }
    }

    private int crlf(int from) {
        for (int i = from; i + 1 < end; i++) {
            if (buf[i] == '\r' && buf[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private int find(int from) {
        for (int i = from; i + 3 < end; i++) {
            if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private int contentLength(int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == '\n' && matches(i + 1)) {
                int j = i + 1 + CONTENT_LENGTH.length;
                while (buf[j] == ' ') {
                    j++;
                }
                int n = 0;
                while (buf[j] >= '0' && buf[j] <= '9') {
                    n = n * 10 + (buf[j++] - '0');
                }
                return n;
            }
        }
        return -1;
    }

    private boolean matches(int at) {
        for (int k = 0; k < CONTENT_LENGTH.length; k++) {
            byte b = buf[at + k];
            if ((b >= 'A' && b <= 'Z' ? b + 32 : b) != CONTENT_LENGTH[k]) {
                return false;
            }
        }
        return true;
    }

    private void fill() throws IOException {
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
        int n = in.read(buf, end, buf.length - end);
        if (n < 0) {
            throw new IOException("connection closed");
        }
        end += n;
    }
}
