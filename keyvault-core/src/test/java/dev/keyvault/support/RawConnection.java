package dev.keyvault.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One kept-alive HTTP/1.1 connection written byte by byte, so a test decides when the head and the
 * body of a request go out and can send the next request on the same connection. Reads responses
 * with a {@code Content-Length} (every refusal keyvault writes has one). For the tests of every module
 * that answers HTTP.
 */
public final class RawConnection implements AutoCloseable {
    /** A response as read off the wire; header names in lower case. */
    public record Response(int status, Map<String, String> headers, String body) {
        public boolean closes() {
            return "close".equalsIgnoreCase(headers.getOrDefault("connection", ""));
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawConnection(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(15_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Sends a request's head now, flushed, before any of its body. */
    public void head(String method, String target, Map<String, String> headers) throws IOException {
        StringBuilder b = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        headers.forEach((k, v) -> b.append(k).append(": ").append(v).append("\r\n"));
        out.write(b.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** How a request's body goes out. */
    public enum Sending {
        /** Head and body in one write. */
        WITH_HEAD,
        /** The head flushed first, then the body ({@code Content-Length}). */
        AFTER_HEAD,
        /** The head flushed first, then the body as one chunk ({@code Transfer-Encoding: chunked}). */
        CHUNKED
    }

    /** Sends a request with {@code body}, the way {@code sending} says. */
    public void send(String method, String target, Map<String, String> headers, byte[] body, Sending sending) throws IOException {
        if (sending == Sending.WITH_HEAD) {
            request(method, target, headers, body);
            return;
        }
        Map<String, String> head = new java.util.LinkedHashMap<>(headers);
        if (sending == Sending.AFTER_HEAD) {
            head.put("Content-Length", Integer.toString(body.length));
            head(method, target, head);
            body(body);
        } else {
            head.put("Transfer-Encoding", "chunked");
            head(method, target, head);
            body((Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            body(body);
            body("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** Sends a whole request, head and body, in one write. */
    public void request(String method, String target, Map<String, String> headers, byte[] body) throws IOException {
        StringBuilder b = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        headers.forEach((k, v) -> b.append(k).append(": ").append(v).append("\r\n"));
        b.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        byte[] head = b.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] all = java.util.Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        out.write(all);
        out.flush();
    }

    public void body(byte[] body) throws IOException {
        out.write(body);
        out.flush();
    }

    /** The next response, or empty if the server closed the connection before sending one. */
    public Optional<Response> read() throws IOException {
        String status = line();
        if (status == null) {
            return Optional.empty();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(); h != null && !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        return Optional.of(new Response(Integer.parseInt(status.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8)));
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.US_ASCII);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
