package dev.keyvault.rotation;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyEventListener;
import dev.keyvault.UsageEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every listener call as {@code "<event> <key ids>"}, in order. Thread-safe. */
public final class RecordingListener implements KeyEventListener {
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<Runnable> onWindowSafe = new CopyOnWriteArrayList<>();

    @Override
    public void onIssued(ApiKey key) {
        calls.add("issued " + key.id());
    }

    @Override
    public void onRotated(ApiKey predecessor, ApiKey successor) {
        calls.add("rotated " + predecessor.id() + " " + successor.id());
    }

    @Override
    public void onRevoked(ApiKey key) {
        calls.add("revoked " + key.id() + (key.compromised() ? " compromised" : ""));
    }

    @Override
    public void onLeakReported(ApiKey key, String where) {
        calls.add("leakReported " + key.id() + " " + where);
    }

    @Override
    public void onUsedAfterRevoke(String keyId, UsageEvent event) {
        calls.add("usedAfterRevoke " + keyId + " " + event.clientIp() + " " + event.status());
    }

    @Override
    public void onRotationDue(RotationDue due) {
        calls.add("rotationDue " + due.key().id() + " " + due.urgency());
    }

    @Override
    public void onRotationWindowSafe(ApiKey predecessor, ApiKey successor) {
        calls.add("windowSafe " + predecessor.id() + " " + successor.id());
        onWindowSafe.forEach(Runnable::run);
    }

    @Override
    public void onUpdated(ApiKey before, ApiKey after, boolean scopesWidened) {
        calls.add("updated " + after.id() + (scopesWidened ? " widened" : ""));
    }

    /** Runs {@code r} on every window-safe event (for tests that wait for a background run). */
    public void whenWindowSafe(Runnable r) {
        onWindowSafe.add(r);
    }

    public List<String> calls() {
        return List.copyOf(calls);
    }

    /** The calls starting with {@code event + " "}. */
    public List<String> calls(String event) {
        List<String> out = new ArrayList<>();
        for (String c : calls) {
            if (c.startsWith(event + " ")) {
                out.add(c);
            }
        }
        return out;
    }

    public void clear() {
        calls.clear();
    }
}
