package dev.keyvault.rotation;

import dev.keyvault.ApiKey;
import dev.keyvault.IssuedKey;
import dev.keyvault.sink.PropertiesFileSecretsSink;
import dev.keyvault.spi.SecretsSink;
import dev.keyvault.spi.StoredKey;
import dev.keyvault.spi.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A secrets manager in memory that outlives "process crashes": holds the latest token per key
 * lineage, records every delivery with whether the old key was still active at that moment (so a
 * test can prove the old key was never revoked before the sink had the new token), and can be made
 * to fail or crash on the next delivery, before or after storing.
 */
public final class RecordingSink implements SecretsSink {
    /** One accepted delivery. */
    public record Delivery(String replacedId, String successorId, boolean replacedWasActive) {}

    private final KeyStore store;
    private final Map<String, String> current = new ConcurrentHashMap<>();
    private final List<Delivery> deliveries = new ArrayList<>();
    private volatile Supplier<? extends Throwable> failBefore;
    private volatile Supplier<? extends Throwable> failAfter;

    public RecordingSink(KeyStore store) {
        this.store = store;
    }

    /** The next delivery throws {@code failure} without storing anything. */
    public void failNext(Supplier<? extends Throwable> failure) {
        failBefore = failure;
    }

    /** The next delivery stores the token, then throws {@code failure} (a timeout after the write). */
    public void failNextAfterStoring(Supplier<? extends Throwable> failure) {
        failAfter = failure;
    }

    @Override
    public synchronized void deliver(ApiKey replaced, IssuedKey successor) throws Exception {
        Supplier<? extends Throwable> before = failBefore;
        if (before != null) {
            failBefore = null;
            throwIt(before.get());
        }
        boolean active = store.find(replaced.id()).map(StoredKey::key).map(ApiKey::isActive).orElse(false);
        current.put(PropertiesFileSecretsSink.defaultPropertyName(replaced), successor.token());
        deliveries.add(new Delivery(replaced.id(), successor.id(), active));
        Supplier<? extends Throwable> after = failAfter;
        if (after != null) {
            failAfter = null;
            throwIt(after.get());
        }
    }

    private static void throwIt(Throwable t) throws Exception {
        if (t instanceof Exception e) {
            throw e;
        }
        throw (Error) t;
    }

    /** The token consumers of {@code key}'s lineage read now. */
    public Optional<String> current(ApiKey key) {
        return Optional.ofNullable(current.get(PropertiesFileSecretsSink.defaultPropertyName(key)));
    }

    public synchronized List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    @Override
    public String name() {
        return "test vault";
    }
}
