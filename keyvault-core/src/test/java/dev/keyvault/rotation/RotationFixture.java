package dev.keyvault.rotation;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyEventType;
import dev.keyvault.KeyManager;
import dev.keyvault.KeyManagerBuilder;
import dev.keyvault.UsageEvent;
import dev.keyvault.VerificationResult;
import dev.keyvault.contract.ManagerFixture;
import dev.keyvault.contract.StoreHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the rotation suites share, beyond {@link ManagerFixture}'s store, clock and managers: a
 * recording listener on the first manager, and a host simulation ({@link #request}) that verifies a
 * token and records the request with the status the host would answer, the way a servlet filter
 * does. A backend runs the suites as {@code @Nested} classes of its test (see {@link StoreHarness}).
 */
public abstract class RotationFixture extends ManagerFixture {
    /** What the first manager ({@link #keys}) told its listener. */
    protected final RecordingListener events = new RecordingListener();

    protected RotationFixture(StoreHarness harness) {
        super(harness);
    }

    @Override
    protected KeyManagerBuilder firstNode() {
        return node().listener(events);
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
