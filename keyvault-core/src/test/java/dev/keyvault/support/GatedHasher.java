package dev.keyvault.support;

import dev.keyvault.KeyHashers;
import dev.keyvault.spi.KeyHasher;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A real HMAC-SHA-256 hasher that declares itself expensive, so the manager schedules it like
 * Argon2id, and that can hold each computation at a gate: tests decide when a "slow hash" ends and
 * see in which order they started. Each computation records the stored hash it checked (or
 * {@code "hash"} for a new secret) before waiting.
 */
public final class GatedHasher implements KeyHasher {
    private final KeyHasher real = KeyHashers.hmacSha256("gated-hasher-pepper-0123456789abcdef".getBytes(), "gated");
    private final Semaphore gate = new Semaphore(Integer.MAX_VALUE / 2);
    private final List<String> started = new CopyOnWriteArrayList<>();

    /** From now on every computation waits for {@link #release}. */
    public GatedHasher close() {
        gate.drainPermits();
        return this;
    }

    /** Lets {@code n} waiting (or future) computations finish. */
    public void release(int n) {
        gate.release(n);
    }

    /** Lets everything through from now on. */
    public void open() {
        gate.release(Integer.MAX_VALUE / 2);
    }

    /** What each computation checked, in the order they started: a stored hash, or {@code "hash"}. */
    public List<String> started() {
        return started;
    }

    /** Computations of stored hashes started so far. */
    public long verifications() {
        return started.stream().filter(s -> !s.equals("hash")).count();
    }

    private void pass(String what) {
        started.add(what);
        try {
            if (!gate.tryAcquire(60, TimeUnit.SECONDS)) {
                throw new AssertionError("the gate of a GatedHasher was never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted at the gate");
        }
    }

    @Override
    public String algorithm() {
        return real.algorithm();
    }

    @Override
    public String hash(byte[] secret) {
        pass("hash");
        return real.hash(secret);
    }

    @Override
    public boolean verify(String encoded, byte[] secret) {
        if (!real.canVerify(encoded)) {
            return false;
        }
        pass(encoded);
        return real.verify(encoded, secret);
    }

    @Override
    public boolean canVerify(String encoded) {
        return real.canVerify(encoded);
    }

    @Override
    public boolean needsRehash(String encoded) {
        return real.needsRehash(encoded);
    }

    @Override
    public boolean isExpensive() {
        return true;
    }

    @Override
    public String toString() {
        return "GatedHasher";
    }
}
