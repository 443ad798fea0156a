package dev.keyvault.rotation;

import dev.keyvault.ApiKey;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyEventType;
import dev.keyvault.KeyHashers;
import dev.keyvault.KeyManager;
import dev.keyvault.KeyManagerBuilder;
import dev.keyvault.KeySpec;
import dev.keyvault.UsageEvent;
import dev.keyvault.VerificationResult;
import dev.keyvault.spi.KeyHasher;
import dev.keyvault.spi.KeyStore;
import dev.keyvault.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the rotation suites share: a store from {@link #newStore()}, a {@link MutableClock}, managers
 * (nodes) on that store with HMAC hashing and no background threads, a recording listener, and a
 * host simulation ({@link #request}) that verifies a token and records the request with the status
 * the host would answer, the way a servlet filter does. To run the suites on another store, subclass
 * each {@code *Contract} and implement {@link #newStore()} (and {@link #release} to clean up).
 */
public abstract class RotationFixture {
    protected static final byte[] PEPPER = "rotation-pepper-0123456789abcdef!".getBytes(StandardCharsets.US_ASCII);

    protected MutableClock clock;
    protected KeyStore store;
    protected KeyManager keys;
    protected RecordingListener events;
    private final List<KeyManager> managers = new ArrayList<>();

    /** A fresh, empty store; managers of one test share it like nodes share a database. */
    protected abstract KeyStore newStore();

    /** Called after each test with the store {@link #newStore()} returned. */
    protected void release(KeyStore store) {}

    protected KeyHasher hasher() {
        return KeyHashers.hmacSha256(PEPPER, "rotation");
    }

    /** A builder for a manager on {@code on} with this suite's settings. */
    protected KeyManagerBuilder node(KeyStore on) {
        return KeyManager.builder()
                .store(on)
                .clock(clock)
                .hasher(hasher())
                .usageFlushInterval(Duration.ZERO)
                .changeFeedPollInterval(Duration.ZERO);
    }

    protected KeyManager track(KeyManager m) {
        managers.add(m);
        return m;
    }

    @BeforeEach
    void createManager() {
        clock = MutableClock.create();
        store = newStore();
        events = new RecordingListener();
        keys = track(node(store).listener(events).build());
    }

    @AfterEach
    void closeManagers() {
        try {
            for (KeyManager m : managers) {
                try {
                    m.close();
                } catch (RuntimeException e) {
                    // a test may have broken the store under this manager on purpose
                }
            }
        } finally {
            release(store);
        }
    }

    protected IssuedKey issue(String name, String... scopes) {
        return keys.issue(KeySpec.builder("acme", name).scopes(scopes).tier("standard").environment("production").build());
    }

    /** A client as the host sees it. */
    protected record Client(String ip, Optional<String> userAgent, Optional<String> consumer) {
        static Client ip(String ip) {
            return new Client(ip, Optional.empty(), Optional.empty());
        }

        static Client agent(String ip, String userAgent) {
            return new Client(ip, Optional.of(userAgent), Optional.empty());
        }

        static Client labelled(String ip, String consumer) {
            return new Client(ip, Optional.empty(), Optional.of(consumer));
        }

        /** How {@link dev.keyvault.UsageRollup#client()} names it. */
        String label() {
            return consumer.orElseGet(() -> userAgent.map(ua -> ip + " (" + ua + ")").orElse(ip));
        }
    }

    protected UsageEvent event(Client c, String method, String endpoint, int status) {
        return new UsageEvent(clock.instant(), method, endpoint, c.ip(), status, c.userAgent(), c.consumer());
    }

    /**
     * One request through the host: verify the token, answer 200 (or {@code status} when verified,
     * such as 403 for a missing scope) or 401, and record it against the key when the verify names one
     * (verified, revoked or expired), which is how the 401 of a missed consumer ends up in the usage.
     */
    protected VerificationResult request(KeyManager node, String token, Client c, String method, String endpoint, int status) {
        VerificationResult r = node.verify(token);
        int answered = r.isVerified() ? status : 401;
        r.keyId().ifPresent(id -> node.recordUsage(id, event(c, method, endpoint, answered)));
        return r;
    }

    protected VerificationResult request(String token, Client c, String endpoint) {
        return request(keys, token, c, "GET", endpoint, 200);
    }

    protected List<KeyEventType> historyTypes(String keyId) {
        List<KeyEventType> types = new ArrayList<>();
        for (KeyEvent e : keys.history(keyId)) {
            types.add(e.type());
        }
        return types;
    }

    protected List<KeyEvent> historyOf(String keyId, KeyEventType type) {
        List<KeyEvent> out = new ArrayList<>();
        for (KeyEvent e : keys.history(keyId)) {
            if (e.type() == type) {
                out.add(e);
            }
        }
        return out;
    }

    protected ApiKey stored(String keyId) {
        return keys.get(keyId).orElseThrow();
    }

    /** The keys that name {@code predecessorId} as their predecessor. */
    protected List<ApiKey> successorsOf(String predecessorId) {
        ApiKey old = stored(predecessorId);
        List<ApiKey> out = new ArrayList<>();
        for (ApiKey k : keys.list(old.owner())) {
            if (k.predecessorId().equals(Optional.of(predecessorId))) {
                out.add(k);
            }
        }
        return out;
    }
}
