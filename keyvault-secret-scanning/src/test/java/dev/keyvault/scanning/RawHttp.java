package dev.keyvault.scanning;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HTTP/1.1 over a plain socket, for requests the JDK client will not send: raw header bytes,
 * repeated headers, a body shorter than its Content-Length (the socket's output is shut down so
 * the server sees the end). Sends {@code Connection: close} and reads to EOF.
 */
final class RawHttp {
    private RawHttp() {}

    record Response(int status, List<String> headerLines, String body) {
        String header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            for (String line : headerLines) {
                if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                    return line.substring(prefix.length()).strip();
                }
            }
            return null;
        }
    }

    /** {@code POST path} with raw header lines (ISO-8859-1 bytes), then {@code body}. */
    static Response post(int port, String path, List<String> headerLines, byte[] body) throws IOException {
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.writeBytes(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        for (String h : headerLines) {
            req.writeBytes((h + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        req.writeBytes("Connection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        req.writeBytes(body);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(req.toByteArray());
            out.flush();
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            String raw = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            int end = raw.indexOf("\r\n\r\n");
            String head = end < 0 ? raw : raw.substring(0, end);
            String[] lines = head.split("\r\n");
            String[] status = lines[0].split(" ");
            return new Response(status.length > 1 ? Integer.parseInt(status[1]) : -1,
                    new ArrayList<>(List.of(lines).subList(1, lines.length)), end < 0 ? "" : raw.substring(end + 4));
        }
    }
}
