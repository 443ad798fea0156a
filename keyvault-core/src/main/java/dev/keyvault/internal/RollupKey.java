package dev.keyvault.internal;

import dev.keyvault.UsageEvent;
import dev.keyvault.UsageRollup;

/**
 * The dimensions of one usage rollup, defined here once: the key id, the minute, and the method,
 * endpoint, client address, user agent, consumer label, status and policy refusal of the requests it counts. The
 * request fields stay in the event they came with (one key is built per recorded request, so it
 * copies nothing); the three client dimensions are fields of their own because they may be
 * {@linkplain #folded folded} into an "other" label.
 *
 * <p>The hash covers every dimension {@link #equals} compares. (It once left the user agent out,
 * for speed: requests of 20,000 agents from one address to one route then shared one hash bin, and
 * recording became quadratic.) Immutable.
 */
final class RollupKey {
    /** Fixed part of {@link #estimatedBytes}: this key, its map node, its counter and its event. */
    private static final int FIXED_BYTES = 320;

    final String keyId;
    /** Minutes since the epoch. */
    final long minute;
    final UsageEvent event;
    final String clientIp;
    final String userAgent;
    final String consumer;
    private final int hash;

    RollupKey(String keyId, long minute, UsageEvent event) {
        this(keyId, minute, event, event.clientIp(), event.userAgent().orElse(""), event.consumer().orElse(""));
    }

    private RollupKey(String keyId, long minute, UsageEvent event, String clientIp, String userAgent, String consumer) {
        this.keyId = keyId;
        this.minute = minute;
        this.event = event;
        this.clientIp = clientIp;
        this.userAgent = userAgent;
        this.consumer = consumer;
        int h = keyId.hashCode();
        h = 31 * h + Long.hashCode(minute);
        h = 31 * h + event.method().hashCode();
        h = 31 * h + event.endpoint().hashCode();
        h = 31 * h + clientIp.hashCode();
        h = 31 * h + userAgent.hashCode();
        h = 31 * h + consumer.hashCode();
        h = 31 * h + event.refusal().hashCode();
        this.hash = 31 * h + event.status();
    }

    /** This key with the chosen client dimensions replaced by their "other" labels. */
    RollupKey folded(boolean agent, boolean consumerLabel, boolean address) {
        return new RollupKey(keyId, minute, event,
                address ? UsageRollup.OTHER_ADDRESSES : clientIp,
                agent && !userAgent.isEmpty() ? UsageRollup.OTHER_AGENTS : userAgent,
                consumerLabel && !consumer.isEmpty() ? UsageRollup.OTHER_CONSUMERS : consumer);
    }

    boolean isAddressFolded() {
        return clientIp.equals(UsageRollup.OTHER_ADDRESSES);
    }

    /**
     * What keeping this rollup in memory costs, estimated: the fixed objects plus two bytes per
     * character of its strings (as if none were shared, so the estimate errs high).
     */
    long estimatedBytes() {
        return FIXED_BYTES + 2L * (keyId.length() + event.method().length() + event.endpoint().length()
                + clientIp.length() + userAgent.length() + consumer.length());
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RollupKey k)) {
            return false;
        }
        if (hash != k.hash || minute != k.minute || !keyId.equals(k.keyId)) {
            return false;
        }
        UsageEvent a = event;
        UsageEvent b = k.event;
        return a.status() == b.status() && a.endpoint().equals(b.endpoint()) && clientIp.equals(k.clientIp)
                && a.method().equals(b.method()) && userAgent.equals(k.userAgent) && consumer.equals(k.consumer)
                && a.refusal().equals(b.refusal());
    }

    @Override
    public String toString() {
        return "RollupKey[" + keyId + ", minute=" + minute + ", " + event.method() + " " + event.endpoint() + ", " + clientIp
                + ", " + event.status() + "]";
    }
}
