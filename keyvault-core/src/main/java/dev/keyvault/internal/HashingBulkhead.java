package dev.keyvault.internal;

import dev.keyvault.CapacityExceededException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Bounds how many expensive hash computations run at once. Each Argon2id run takes tens of
 * milliseconds of CPU and its memory cost in fresh pages, so unbounded concurrency would let a flood
 * of cold verifications exhaust the machine. Waiting callers are served in arrival order.
 */
public final class HashingBulkhead {
    private final Semaphore permits;
    private final long timeoutNanos;
    private final int size;

    public HashingBulkhead(int size, Duration timeout) {
        this.size = Checks.positive("size", size);
        this.permits = new Semaphore(size, true);
        this.timeoutNanos = Checks.positive("timeout", timeout).toNanos();
    }

    public <T> T run(Supplier<T> work) {
        boolean acquired;
        try {
            acquired = permits.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CapacityExceededException("interrupted while waiting for a hashing slot");
        }
        if (!acquired) {
            throw new CapacityExceededException("all " + size + " hashing slots stayed busy for "
                    + Duration.ofNanos(timeoutNanos) + "; retry later");
        }
        try {
            return work.get();
        } finally {
            permits.release();
        }
    }

    public int size() {
        return size;
    }
}
