package dev.keyvault.scanning.internal;

import static java.util.Objects.requireNonNull;

import dev.keyvault.ApiKey;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyManager;
import dev.keyvault.RejectionReason;
import dev.keyvault.RevocationResult;
import dev.keyvault.Revocation;
import dev.keyvault.TokenMatch;
import dev.keyvault.TokenScanner;
import dev.keyvault.VerificationResult;
import dev.keyvault.rotation.EmergencyRotation;
import dev.keyvault.rotation.LeakReport;
import dev.keyvault.rotation.UsageAudit;
import dev.keyvault.scanning.LeakPolicy;
import dev.keyvault.scanning.LeakResponse;
import dev.keyvault.scanning.LeakResponse.Action;
import dev.keyvault.spi.SecretsSink;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to one reported token. A token is a true positive only if it is a key's own token:
 * keyvault's format with a valid checksum, of this manager's prefix, and a secret that verifies —
 * key ids are public and the checksum is no secret, so anyone can write a well-formed token naming
 * someone's key into a public repository, and a report of it must not revoke that key. Then by
 * policy:
 * <ul>
 *   <li>{@code REVOKE}: revoke first (the store's conditional revoke: of concurrent reports on any
 *       node, exactly one revokes, and only that one goes on), record the report and mark the key
 *       compromised, then either the emergency rotation (successor, delivered to the sink) or the
 *       usage audit alone;</li>
 *   <li>{@code FLAG}: record the report and mark the key compromised, nothing else.</li>
 * </ul>
 * A key already revoked gets the report recorded (if it is new) and nothing else. Reports for one
 * key are handled one at a time on this node, so a repeated report finds the first one's result.
 */
public final class LeakResponder {
    private static final Logger LOG = LoggerFactory.getLogger(LeakResponder.class);
    private static final int MAX_REASON = 500;
    private static final int MAX_WHERE = 1000;
    private static final int MAX_URL = 800;

    private final KeyManager keys;
    private final LeakPolicy policy;
    private final Optional<SecretsSink> sink;
    private final String actor;
    private final String reporter;
    private final TokenScanner format;
    private final ReentrantLock[] locks = new ReentrantLock[64];

    public LeakResponder(KeyManager keys, LeakPolicy policy, Optional<SecretsSink> sink, String actor, String reporter) {
        this.keys = requireNonNull(keys, "keys");
        this.policy = requireNonNull(policy, "policy");
        this.sink = requireNonNull(sink, "sink");
        this.actor = requireNonNull(actor, "actor");
        this.reporter = requireNonNull(reporter, "reporter");
        this.format = TokenScanner.forPrefixes(keys.keyPrefix());
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /** Handles one token; store failures propagate (the whole report is then answered 503 and sent again). */
    public LeakResponse respond(ReportedToken t) {
        Optional<String> keyId = keyIdOf(t.token());
        if (keyId.isEmpty()) {
            return falsePositive(t);
        }
        ReentrantLock lock = locks[Math.floorMod(keyId.get().hashCode(), locks.length)];
        lock.lock();
        try {
            VerificationResult v = keys.verify(t.token());
            if (v instanceof VerificationResult.Verified verified) {
                return policy == LeakPolicy.REVOKE ? revoke(t, verified.key()) : flag(t, verified.key().id());
            }
            RejectionReason reason = ((VerificationResult.Rejected) v).reason();
            if (reason == RejectionReason.EXPIRED) {
                return policy == LeakPolicy.REVOKE ? revoke(t, keys.get(keyId.get()).orElseThrow()) : flag(t, keyId.get());
            }
            if (reason == RejectionReason.REVOKED) {
                LeakReport r = keys.rotation().reportLeak(keyId.get(), where(t), actor);
                return new LeakResponse(t.type(), t.url(), t.source(), true, Optional.of(r.key()), Action.ALREADY_HANDLED,
                        Optional.empty(), Optional.empty(), Optional.empty());
            }
            return falsePositive(t); // unknown id, another prefix's key, or a secret that is not the key's
        } finally {
            lock.unlock();
        }
    }

    /** The key id of a whole keyvault token of this manager's prefix with a valid checksum, else empty. */
    private Optional<String> keyIdOf(String token) {
        if (token.length() != keys.keyPrefix().length() + 52) {
            return Optional.empty();
        }
        List<TokenMatch> m = format.scan(token);
        return m.size() == 1 && m.get(0).offset() == 0 && m.get(0).length() == token.length()
                ? Optional.of(m.get(0).keyId()) : Optional.empty();
    }

    private LeakResponse revoke(ReportedToken t, ApiKey key) {
        String id = key.id();
        RevocationResult revoked = keys.revoke(id, clip("leaked: " + where(t), MAX_REASON), actor);
        LeakReport report = keys.rotation().reportLeak(id, where(t), actor);
        if (revoked.outcome() != RevocationResult.Outcome.REVOKED) {
            // Another report (on this node or another) revoked it first and does the rest.
            return new LeakResponse(t.type(), t.url(), t.source(), true, Optional.of(report.key()), Action.ALREADY_HANDLED,
                    Optional.empty(), Optional.empty(), Optional.empty());
        }
        Optional<ApiKey> successor = Optional.empty();
        Optional<UsageAudit> audit = Optional.empty();
        Optional<String> problem = Optional.empty();
        boolean expired = !key.isActive() || key.expiresAt().map(e -> !e.isAfter(keys.clock().instant())).orElse(false);
        if (sink.isPresent() && !expired) {
            EmergencyRotation er = keys.rotation().emergencyRotate(id, clip(where(t), MAX_REASON), actor);
            audit = er.audit();
            problem = er.auditFailure();
            if (er.successor().isPresent()) {
                IssuedKey issued = er.successor().get();
                try {
                    sink.get().deliver(report.key(), issued);
                    successor = Optional.of(issued.key());
                } catch (Exception e) {
                    // The token exists only here and is lost with this request: nobody can use that key.
                    LOG.debug("the secrets sink failed for the successor {} of {}: {}", issued.id(), id, e.getClass().getName());
                    keys.revoke(issued.id(), "the secrets sink " + sink.get().name() + " failed: the token was never delivered", actor);
                    problem = Optional.of("the secrets sink failed (" + e.getClass().getSimpleName() + "); the successor "
                            + issued.id() + " was revoked: issue a replacement by hand");
                }
            } else {
                successor = Optional.empty(); // an open rotation's successor is kept: its secret did not leak
            }
        } else {
            Instant revokedAt = revoked.key().flatMap(ApiKey::revocation).map(Revocation::at).orElseGet(() -> keys.clock().instant());
            try {
                audit = Optional.of(keys.rotation().usageAudit(id, revokedAt.minus(EmergencyRotation.AUDIT_WINDOW),
                        keys.clock().instant().truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES)));
            } catch (RuntimeException e) {
                LOG.debug("the audit of leaked key {} failed: {}", id, e.getClass().getName());
                problem = Optional.of("the audit failed (" + e.getClass().getSimpleName() + "); run usageAudit again");
            }
        }
        ApiKey after = keys.get(id).orElse(report.key());
        return new LeakResponse(t.type(), t.url(), t.source(), true, Optional.of(after), Action.REVOKED, successor, audit, problem);
    }

    private LeakResponse flag(ReportedToken t, String id) {
        LeakReport r = keys.rotation().reportLeak(id, where(t), actor);
        Action action = r.newlyCompromised() ? Action.FLAGGED : Action.ALREADY_HANDLED;
        return new LeakResponse(t.type(), t.url(), t.source(), true, Optional.of(r.key()), action,
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static LeakResponse falsePositive(ReportedToken t) {
        return new LeakResponse(t.type(), t.url(), t.source(), false, Optional.empty(), Action.NONE,
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * The history's {@code LEAK_REPORTED} detail: the URL first (what a reader opens), then who
     * reported it and GitHub's source type, made storable.
     */
    String where(ReportedToken t) {
        String url = t.url().isEmpty() ? "(no URL)" : visible(t.url(), MAX_URL);
        String source = t.source().isEmpty() ? "unknown" : visible(t.source(), 64);
        return clip(url + " (" + reporter + ", source: " + source + ")", MAX_WHERE);
    }

    /** Visible ASCII as it is; anything else (spaces, controls, non-ASCII) percent-encoded as UTF-8, so a URL stays one word. */
    static String visible(String s, int max) {
        StringBuilder out = new StringBuilder(Math.min(s.length(), max));
        byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length && out.length() < max; i++) {
            int b = bytes[i] & 0xFF;
            if (b > 0x20 && b < 0x7F) {
                out.append((char) b);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 15, 16)));
            }
        }
        return clip(out.toString(), max);
    }

    static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
