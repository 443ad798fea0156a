package dev.keyvault.cli.internal;

import dev.keyvault.IssuedKey;
import dev.keyvault.rotation.AutoRotator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;

/**
 * The {@code --probe-url} check of {@code auto-rotate}: a GET with the new token as a bearer
 * credential ({@code Authorization: Bearer …}, RFC 6750, what keyvault's filter reads), passing on a
 * 2xx answer. The token is never part of a message: the rotator masks it as well.
 */
final class HttpProbe implements AutoRotator.Probe {
    private final URI url;
    private final Duration timeout;
    private final HttpClient client;

    private HttpProbe(URI url, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** @throws CliException exit 2 unless {@code url} is an absolute http(s) URL */
    static HttpProbe of(String url, Duration timeout) {
        URI uri;
        try {
            uri = URI.create(url.strip());
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--probe-url is not a URL; write it like https://api.example.com/v1/ping");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw CliException.usage("--probe-url must be an http:// or https:// URL with a host, such as https://api.example.com/v1/ping");
        }
        if (uri.getUserInfo() != null) {
            throw CliException.usage("--probe-url must not hold credentials; the probe sends the new key as a bearer token");
        }
        return new HttpProbe(uri, timeout);
    }

    @Override
    public boolean check(IssuedKey successor) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET()
                .header("Authorization", "Bearer " + successor.token())
                .header("User-Agent", "keyvault-cli auto-rotate probe")
                .build();
        HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            throw new IOException("GET " + url + " answered " + status + " to the new key");
        }
        return true;
    }
}
