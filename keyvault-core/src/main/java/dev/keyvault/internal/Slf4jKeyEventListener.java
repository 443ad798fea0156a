package dev.keyvault.internal;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyEventListener;
import dev.keyvault.KeyVaultException;
import dev.keyvault.UsageEvent;
import dev.keyvault.rotation.RotationDue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code KeyEventListeners.logging()}: an audit trail in slf4j. Logs ids, owners, names and reasons;
 * never a token, secret or hash (the value types it receives do not hold any).
 */
public final class Slf4jKeyEventListener implements KeyEventListener {
    private static final Logger LOG = LoggerFactory.getLogger("dev.keyvault.events");

    @Override
    public void onIssued(ApiKey key) {
        LOG.info("issued key {} '{}' for {} scopes={} tier={}", key.id(), key.name(), key.owner(), key.scopes(), key.tier());
    }

    @Override
    public void onRotated(ApiKey predecessor, ApiKey successor) {
        LOG.info("rotated key {} '{}' to {} '{}'", predecessor.id(), predecessor.name(), successor.id(), successor.name());
    }

    @Override
    public void onRevoked(ApiKey key) {
        key.revocation().ifPresent(r -> LOG.info("revoked key {} '{}' of {} by {}: {}{}", key.id(), key.name(), key.owner(),
                r.actor(), r.reason(), key.compromised() ? " (compromised)" : ""));
    }

    /** Where it was found is left out: a report's location is the reporter's content, kept in the key's history. */
    @Override
    public void onLeakReported(ApiKey key, String where) {
        LOG.warn("leak reported for key {} '{}' of {}: marked compromised, {}", key.id(), key.name(), key.owner(),
                key.isActive() ? "still ACTIVE (revoke or rotate it)" : "revoked");
    }

    @Override
    public void onUsedAfterRevoke(String keyId, UsageEvent event) {
        LOG.warn("revoked key {} used: {} {} from {} -> {}", keyId, event.method(), event.endpoint(), event.clientIp(), event.status());
    }

    @Override
    public void onRotationDue(RotationDue due) {
        LOG.info("key {} '{}' rotation {}: {}", due.key().id(), due.key().name(), due.urgency(), due.reason());
    }

    @Override
    public void onRotationWindowSafe(ApiKey predecessor, ApiKey successor) {
        LOG.info("rotation of key {} to {} is safe to complete", predecessor.id(), successor.id());
    }

    @Override
    public void onUpdated(ApiKey before, ApiKey after, boolean scopesWidened) {
        if (scopesWidened) {
            LOG.warn("scopes of key {} (owner {}) widened in place to {}", after.id(), after.owner(), after.scopes());
        } else {
            LOG.info("key {} (owner {}) changed in place", after.id(), after.owner());
        }
    }

    @Override
    public void onRehashed(ApiKey key, String algorithm) {
        LOG.info("rehashed key {} with {}", key.id(), algorithm);
    }

    @Override
    public void onUsageDropped(long requests, String why) {
        LOG.warn("dropped usage of {} requests: {}", requests, why);
    }

    @Override
    public void onUsageFolded(long requests, String why) {
        LOG.info("usage of {} requests counted under \"other\" labels: {}", requests, why);
    }

    @Override
    public void onStoreFailure(String operation, KeyVaultException failure) {
        LOG.warn("key store {} failed: {}", operation, failure.toString());
    }

    @Override
    public String toString() {
        return "KeyEventListeners.logging()";
    }
}
