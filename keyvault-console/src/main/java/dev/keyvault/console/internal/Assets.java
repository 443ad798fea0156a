package dev.keyvault.console.internal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/**
 * The page and its static files, read from the jar once and kept with their gzip form. Only the
 * names listed here are served, so no request path reaches the class loader. Immutable, thread-safe.
 */
public final class Assets {
    private static final String ROOT = "/dev/keyvault/console/assets/";
    static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html;charset=utf-8",
            "console.js", "text/javascript;charset=utf-8",
            "console.css", "text/css;charset=utf-8",
            "favicon.svg", "image/svg+xml");

    private final Map<String, Asset> assets;

    private Assets(Map<String, Asset> assets) {
        this.assets = assets;
    }

    public static Assets load() {
        java.util.HashMap<String, Asset> all = new java.util.HashMap<>();
        for (Map.Entry<String, String> e : TYPES.entrySet()) {
            byte[] plain = read(e.getKey());
            all.put(e.getKey(), new Asset(e.getValue(), plain, gzip(plain)));
        }
        return new Assets(Map.copyOf(all));
    }

    public Optional<Asset> get(String name) {
        return Optional.ofNullable(assets.get(name));
    }

    /** Writes {@code asset}, gzipped if the client accepts it; no body for {@code HEAD}. */
    public static void write(Asset asset, HttpServletRequest request, HttpServletResponse response) throws IOException {
        boolean gzip = acceptsGzip(request);
        byte[] body = gzip ? asset.gzipped() : asset.plain();
        response.setStatus(200);
        response.setContentType(asset.type());
        response.setHeader("Vary", "Accept-Encoding");
        if (gzip) {
            response.setHeader("Content-Encoding", "gzip");
        }
        response.setContentLength(body.length);
        if (!request.getMethod().equals("HEAD")) {
            response.getOutputStream().write(body);
        }
    }

    static boolean acceptsGzip(HttpServletRequest request) {
        Enumeration<String> values = request.getHeaders("Accept-Encoding");
        while (values != null && values.hasMoreElements()) {
            for (String part : values.nextElement().split(",")) {
                String[] coding = part.trim().toLowerCase(Locale.ROOT).split(";");
                if (coding[0].trim().equals("gzip")) {
                    boolean refused = coding.length > 1 && coding[1].trim().matches("q=0(\\.0{0,3})?");
                    return !refused;
                }
            }
        }
        return false;
    }

    private static byte[] read(String name) {
        try (InputStream in = Assets.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException("the console's " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out) {
            {
                def.setLevel(java.util.zip.Deflater.BEST_COMPRESSION);
            }
        }) {
            gz.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** One file: its content type, bytes and gzipped bytes. */
    public record Asset(String type, byte[] plain, byte[] gzipped) {}
}
