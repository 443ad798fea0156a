package dev.keyvault.contract;

import static java.util.Objects.requireNonNull;

import dev.keyvault.IssuedKey;
import dev.keyvault.KeyHashers;
import dev.keyvault.KeyManager;
import dev.keyvault.KeyManagerBuilder;
import dev.keyvault.KeySpec;
import dev.keyvault.spi.KeyHasher;
import dev.keyvault.spi.KeyStore;
import dev.keyvault.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the suites that drive {@link KeyManager}s share ({@link KeyManagerContract} and the rotation
 * suites): a store from the backend's {@link StoreHarness}, a {@link MutableClock}, and managers
 * ("nodes") on that store that hash with HMAC-SHA-256 (fast; Argon2id has its own tests) and run no
 * background threads, so tests flush and poll explicitly and move the clock instead of sleeping.
 * Every manager made through {@link #track} is closed after the test, then the harness releases the
 * store.
 */
public abstract class ManagerFixture {
    protected static final byte[] PEPPER = "contract-pepper-0123456789abcdef!".getBytes(StandardCharsets.US_ASCII);

    private final StoreHarness harness;
    private final List<KeyManager> managers = new ArrayList<>();
    protected MutableClock clock;
    protected KeyStore store;
    /** The first manager on {@link #store}, made by {@link #firstNode()}. */
    protected KeyManager keys;

    protected ManagerFixture(StoreHarness harness) {
        this.harness = requireNonNull(harness, "harness");
    }

    protected KeyHasher hasher() {
        return KeyHashers.hmacSha256(PEPPER, "contract");
    }

    /** A builder for another manager (node) on {@link #store}, with this suite's settings. */
    protected KeyManagerBuilder node() {
        return node(store);
    }

    /** A builder for a manager on {@code on} (a store wrapped to inject faults, say), with this suite's settings. */
    protected KeyManagerBuilder node(KeyStore on) {
        return KeyManager.builder()
                .store(on)
                .clock(clock)
                .hasher(hasher())
                .usageFlushInterval(Duration.ZERO)
                .changeFeedPollInterval(Duration.ZERO);
    }

    /** The builder of {@link #keys}; a suite adds what its first manager needs (a listener, say). */
    protected KeyManagerBuilder firstNode() {
        return node();
    }

    /** Closes {@code m} after the test. */
    protected KeyManager track(KeyManager m) {
        managers.add(m);
        return m;
    }

    @BeforeEach
    void openStoreAndFirstManager() {
        clock = MutableClock.create();
        store = harness.open();
        keys = track(firstNode().build());
    }

    /**
     * Closes every tracked manager, then releases the store. A manager that fails to close (its final
     * flush met a store a test broke on purpose) does not keep the others or the store from being
     * closed; the failure is reported once everything is released.
     */
    @AfterEach
    void closeManagersAndReleaseStore() throws Exception {
        RuntimeException failure = null;
        try {
            for (KeyManager m : managers) {
                try {
                    m.close();
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
        } finally {
            harness.release(store);
        }
        if (failure != null) {
            throw failure;
        }
    }

    protected IssuedKey issue(String name, String... scopes) {
        return keys.issue(KeySpec.builder("acme", name).scopes(scopes).tier("standard").environment("production").build());
    }
}
