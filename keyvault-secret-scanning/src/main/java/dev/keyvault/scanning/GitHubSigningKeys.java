package dev.keyvault.scanning;

import static java.util.Objects.requireNonNull;

import dev.keyvault.scanning.internal.KeyList;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GitHub's signing keys as GitHub publishes them at {@value SigningKeys#GITHUB_KEYS_URL}, fetched by
 * a function the host provides (its own HTTP client, proxy and timeouts; keyvault opens no
 * connection) and cached:
 *
 * <pre>{@code
 * HttpClient http = HttpClient.newHttpClient();
 * SigningKeys keys = GitHubSigningKeys.builder(() -> http.send(
 *         HttpRequest.newBuilder(URI.create(SigningKeys.GITHUB_KEYS_URL)).timeout(Duration.ofSeconds(10)).build(),
 *         HttpResponse.BodyHandlers.ofString()).body()).build();
 * }</pre>
 *
 * The function returns the JSON document, {@code {"public_keys":[{"key_identifier":…,"key":"-----BEGIN
 * PUBLIC KEY-----…","is_current":true}]}}; every listed key is accepted, current or not, since GitHub
 * keeps signing with a key for a while after publishing its successor. The list is fetched on first
 * use and again when it is older than {@link Builder#refreshInterval} (default 1 hour); an identifier
 * not in the list fetches it again, at most once per {@link Builder#refetchInterval} (default 1
 * minute), so GitHub's new key is picked up at once while made-up identifiers cannot make the host
 * fetch per request. One fetch at a time. If a fetch fails (throws, or returns a document with no
 * usable key), the keys fetched before stay in use; if there are none,
 * {@link SigningKeysUnavailableException}. Thread-safe.
 */
public final class GitHubSigningKeys implements SigningKeys {
    private static final Logger LOG = LoggerFactory.getLogger(GitHubSigningKeys.class);

    private final Callable<String> fetch;
    private final Clock clock;
    private final long refreshMillis;
    private final long refetchMillis;
    private final Object lock = new Object();
    private volatile Map<String, PublicKey> keys;
    private volatile long fetchedAt;
    private volatile long attemptedAt = Long.MIN_VALUE / 2; // never: far enough back not to overflow

    private GitHubSigningKeys(Builder b) {
        this.fetch = b.fetch;
        this.clock = b.clock;
        this.refreshMillis = b.refresh.toMillis();
        this.refetchMillis = b.refetch.toMillis();
    }

    /** A builder over {@code fetchKeyList}, which returns the JSON of {@value SigningKeys#GITHUB_KEYS_URL}. */
    public static Builder builder(Callable<String> fetchKeyList) {
        return new Builder(requireNonNull(fetchKeyList, "fetchKeyList"));
    }

    @Override
    public Optional<PublicKey> find(String identifier) {
        requireNonNull(identifier, "identifier");
        long now = clock.millis();
        Map<String, PublicKey> current = keys;
        if (current == null || now - fetchedAt >= refreshMillis) {
            current = refresh(now);
        }
        PublicKey key = current.get(identifier);
        if (key == null) {
            key = refresh(now).get(identifier); // GitHub may have published a new key since
        }
        return Optional.ofNullable(key);
    }

    /** The list to use: fetched now, unless a fetch was attempted within the refetch interval. */
    private Map<String, PublicKey> refresh(long now) {
        synchronized (lock) {
            Map<String, PublicKey> current = keys;
            if (now - attemptedAt < refetchMillis) {
                // fetched or failed just now: do not make the host fetch per request
                if (current != null) {
                    return current;
                }
                throw new SigningKeysUnavailableException("GitHub's signing keys could not be fetched", null);
            }
            attemptedAt = now;
            try {
                Map<String, PublicKey> fetched = KeyList.parse(requireNonNull(fetch.call(), "the fetched key list"));
                keys = fetched;
                fetchedAt = now;
                return fetched;
            } catch (Exception e) {
                LOG.debug("fetching GitHub's secret-scanning signing keys failed: {}", e.getClass().getName());
                if (current != null) {
                    return current;
                }
                throw new SigningKeysUnavailableException("GitHub's signing keys could not be fetched", e);
            }
        }
    }

    @Override
    public String toString() {
        Map<String, PublicKey> k = keys;
        return "GitHubSigningKeys[" + (k == null ? "not fetched" : k.size() + " keys") + "]";
    }

    /** Settings of a {@link GitHubSigningKeys}; each setter states its default. */
    public static final class Builder {
        private final Callable<String> fetch;
        private Clock clock = Clock.systemUTC();
        private Duration refresh = Duration.ofHours(1);
        private Duration refetch = Duration.ofMinutes(1);

        private Builder(Callable<String> fetch) {
            this.fetch = fetch;
        }

        /** The clock that times the cache. Default: the system clock. */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /** How old the cached list may get before it is fetched again. Default 1 hour; at least 1 second. */
        public Builder refreshInterval(Duration interval) {
            requireNonNull(interval, "interval");
            if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("refreshInterval must be at least 1 second");
            }
            this.refresh = interval;
            return this;
        }

        /**
         * The least time between two fetches caused by an unknown identifier or a failed fetch.
         * Default 1 minute; at least 1 second.
         */
        public Builder refetchInterval(Duration interval) {
            requireNonNull(interval, "interval");
            if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("refetchInterval must be at least 1 second");
            }
            this.refetch = interval;
            return this;
        }

        public GitHubSigningKeys build() {
            return new GitHubSigningKeys(this);
        }
    }
}
