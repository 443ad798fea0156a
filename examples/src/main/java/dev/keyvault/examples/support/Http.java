package dev.keyvault.examples.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A consumer of the demo API: real HTTP over loopback, with the client address passed in
 * {@code X-Forwarded-For} (the demo trusts its loopback proxy) so one machine can play several
 * consumers.
 */
public final class Http {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;

    public Http(URI base) {
        this.base = base;
    }

    /** The answer to one request: status, challenge header and body. */
    public record Response(int status, String challenge, String body) {
        @Override
        public String toString() {
            return String.valueOf(status);
        }
    }

    public Response call(String method, String path, String token, String clientIp, String userAgent) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(10))
                .header("X-Forwarded-For", clientIp)
                .header("User-Agent", userAgent)
                .method(method, method.equals("GET") || method.equals("DELETE")
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString("{\"title\":\"Rotating API keys\"}"));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers().firstValue("WWW-Authenticate").orElse(""), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
