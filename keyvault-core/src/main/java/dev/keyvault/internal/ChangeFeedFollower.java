package dev.keyvault.internal;

import dev.keyvault.KeyEventType;
import dev.keyvault.spi.ChangePage;
import dev.keyvault.spi.KeyChange;
import dev.keyvault.spi.KeyStore;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the store's change feed from the last sequence this node saw and drops cached state of
 * keys that changed elsewhere. A node that was paused catches up from where it stopped; if the
 * entries it needed were pruned meanwhile, it drops its whole cache.
 */
public final class ChangeFeedFollower {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeedFollower.class);
    private static final int PAGE = 1_000;
    /**
     * Changes that can make a cached verification stale. ISSUED cannot (no node cached the key
     * before it existed); REHASHED cannot (same secret); notes and receipts change nothing.
     */
    private static final Set<KeyEventType> STALE = EnumSet.of(KeyEventType.REVOKED, KeyEventType.ROTATED,
            KeyEventType.COMPROMISED, KeyEventType.EXPIRY_CHANGED, KeyEventType.ROTATION_COMPLETED);
    /**
     * Changes in place: the verified digest stays (the secret did not change), the snapshot is re-read
     * on the next verify, and credits are checked against the store before more are spent.
     */
    private static final Set<KeyEventType> CHANGED = EnumSet.of(KeyEventType.UPDATED, KeyEventType.SCOPES_WIDENED);

    private final KeyStore store;
    private final VerificationEngine engine;
    private long lastSequence;

    public ChangeFeedFollower(KeyStore store, VerificationEngine engine) {
        this.store = store;
        this.engine = engine;
        this.lastSequence = store.latestSequence();
    }

    /** Applies every change since the last poll. Returns how many entries were read. */
    public synchronized int poll() {
        int read = 0;
        for (;;) {
            ChangePage page = store.changesSince(lastSequence, PAGE);
            if (page.gap()) {
                LOG.debug("change feed was pruned past sequence {}; dropping the whole verification cache", lastSequence);
                engine.invalidateAll();
            }
            for (KeyChange change : page.changes()) {
                // A key this node holds as revoked cannot become more revoked; keep its cheap rejection.
                if (STALE.contains(change.type()) && !(change.type() == KeyEventType.REVOKED && engine.isKnownRevoked(change.keyId()))) {
                    engine.invalidate(change.keyId());
                } else if (CHANGED.contains(change.type())) {
                    engine.stale(change.keyId());
                }
                lastSequence = Math.max(lastSequence, change.sequence());
            }
            read += page.changes().size();
            if (page.changes().size() < PAGE) {
                return read;
            }
        }
    }

    public synchronized long lastSequence() {
        return lastSequence;
    }
}
