package dev.keyvault.rotation;

import static java.util.Objects.requireNonNull;

import dev.keyvault.ApiKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Where a rotation stands, from {@link dev.keyvault.rotation.RotationWorkflows#status(String)}: who is still on the old
 * key, who has moved to the successor, and whether the old key may be revoked without breaking
 * anyone. This is the page an operator looks at between "update consumers" and "revoke".
 *
 * <p>A rotation window is <em>safe to close</em> when the successor has been used and the old key
 * has been quiet (no recorded request at all) for the {@linkplain dev.keyvault.KeyManagerBuilder#rotationQuietPeriod
 * quiet period}, counted from the later of the rotation and the old key's last use. Once the old key's
 * own expiry (the hard deadline) has passed it no longer verifies, so revoking it is safe as well.
 *
 * <p>Usage is read from the store: it covers what every node had flushed when the status was
 * computed ({@code rotationStatus} flushes this node first; other nodes flush on their interval).
 * Immutable and thread-safe.
 *
 * @param predecessor      the old key, as stored at {@code asOf}
 * @param successor        the key that replaces it
 * @param asOf             when this status was computed
 * @param state            the phase of the rotation
 * @param clients          every client seen on the old key since the rotation (its consumer label
 *                         if the host gave one, otherwise IP and user agent, see
 *                         {@link dev.keyvault.UsageRollup#client()}), those not yet migrated first, then by last
 *                         use on the old key, latest first
 * @param oldKeyQuietSince the later of the rotation and the old key's last recorded use
 * @param quietPeriod      how long the old key must be quiet before the window is safe to close
 * @param safeToRevoke     whether revoking the old key now breaks no client that keyvault has seen:
 *                         {@code true} in state {@link State#SAFE_TO_COMPLETE} and
 *                         {@link State#DEADLINE_PASSED}
 * @param deadline         the old key's expiry, if it has one: the window closes by itself then
 */
public record RotationStatus(
        ApiKey predecessor,
        ApiKey successor,
        Instant asOf,
        State state,
        List<ClientMigration> clients,
        Instant oldKeyQuietSince,
        Duration quietPeriod,
        boolean safeToRevoke,
        Optional<Instant> deadline) {

    /** The phase of a rotation. */
    public enum State {
        /** Both keys verify; the successor is unused or the old key was used within the quiet period. */
        OPEN,
        /** Both keys verify; the successor is in use and the old key has been quiet for the quiet period. */
        SAFE_TO_COMPLETE,
        /** The old key's expiry (the hard deadline) has passed: it no longer verifies but is not revoked yet. */
        DEADLINE_PASSED,
        /** The old key is revoked. Clients seen on it after the revocation are the ones that were missed. */
        COMPLETED,
        /** The successor was revoked while the old key is still active: there is nothing to complete into. */
        ABANDONED
    }

    public RotationStatus {
        requireNonNull(predecessor, "predecessor");
        requireNonNull(successor, "successor");
        if (!predecessor.successorId().equals(Optional.of(successor.id()))) {
            throw new IllegalArgumentException("the successor must be the predecessor's linked successor");
        }
        requireNonNull(asOf, "asOf");
        requireNonNull(state, "state");
        clients = List.copyOf(requireNonNull(clients, "clients"));
        requireNonNull(oldKeyQuietSince, "oldKeyQuietSince");
        positive("quietPeriod", quietPeriod);
        requireNonNull(deadline, "deadline");
        if (safeToRevoke != (state == State.SAFE_TO_COMPLETE || state == State.DEADLINE_PASSED)) {
            throw new IllegalArgumentException("safeToRevoke must hold exactly in SAFE_TO_COMPLETE and DEADLINE_PASSED");
        }
    }

    /** When the successor was issued. */
    public Instant rotatedAt() {
        return successor.createdAt();
    }

    /** The old key's latest recorded use (at any time, before or after the rotation). */
    public Optional<Instant> predecessorLastUsedAt() {
        return predecessor.lastUsedAt();
    }

    /** The successor's latest recorded use. */
    public Optional<Instant> successorLastUsedAt() {
        return successor.lastUsedAt();
    }

    /** Whether any request with the successor has been recorded. */
    public boolean successorUsed() {
        return successor.lastUsedAt().isPresent();
    }

    /** How long the old key has been quiet at {@code asOf} (zero if it was used at or after that instant). */
    public Duration oldKeyQuietFor() {
        Duration quiet = Duration.between(oldKeyQuietSince, asOf);
        return quiet.isNegative() ? Duration.ZERO : quiet;
    }

    /** The clients seen on the old key since the rotation that have not been seen on the successor. */
    public List<ClientMigration> notMigrated() {
        List<ClientMigration> out = new ArrayList<>();
        for (ClientMigration c : clients) {
            if (!c.migrated()) {
                out.add(c);
            }
        }
        return List.copyOf(out);
    }

    /**
     * The clients that keep the window from closing: those not yet seen on the successor, and those
     * that used the old key within the quiet period before {@code asOf} (even if they were also seen
     * on the successor: part of a fleet may still hold the old key).
     */
    public List<ClientMigration> blockingClients() {
        Instant quietFrom = asOf.minus(quietPeriod);
        List<ClientMigration> out = new ArrayList<>();
        for (ClientMigration c : clients) {
            if (!c.migrated() || c.lastSeenOnOldKey().isAfter(quietFrom)) {
                out.add(c);
            }
        }
        return List.copyOf(out);
    }

    /**
     * One client seen on the old key since the rotation.
     *
     * @param client                  the consumer label, or IP and user agent (see {@link dev.keyvault.UsageRollup#client()})
     * @param clientIps               the addresses it came from (sorted)
     * @param requestsOnOldKey        its requests with the old key since the rotation
     * @param firstSeenOnOldKey       its first such request
     * @param lastSeenOnOldKey        its last such request
     * @param requestsAfterRevocation how many of those came after the old key was revoked (they were
     *                                refused; this is the consumer that was missed)
     * @param firstSeenOnSuccessor    its first request with the successor, if any
     */
    public record ClientMigration(
            String client,
            Set<String> clientIps,
            long requestsOnOldKey,
            Instant firstSeenOnOldKey,
            Instant lastSeenOnOldKey,
            long requestsAfterRevocation,
            Optional<Instant> firstSeenOnSuccessor) {

        public ClientMigration {
            requireNonNull(client, "client");
            SortedSet<String> ips = new TreeSet<>(requireNonNull(clientIps, "clientIps"));
            clientIps = java.util.Collections.unmodifiableSortedSet(ips);
            if (requestsOnOldKey <= 0) {
                throw new IllegalArgumentException("requestsOnOldKey must be positive");
            }
            requireNonNull(firstSeenOnOldKey, "firstSeenOnOldKey");
            requireNonNull(lastSeenOnOldKey, "lastSeenOnOldKey");
            if (requestsAfterRevocation < 0 || requestsAfterRevocation > requestsOnOldKey) {
                throw new IllegalArgumentException("requestsAfterRevocation must be 0.." + requestsOnOldKey);
            }
            requireNonNull(firstSeenOnSuccessor, "firstSeenOnSuccessor");
        }

        /** Whether this client has been seen on the successor. */
        public boolean migrated() {
            return firstSeenOnSuccessor.isPresent();
        }
    }

    private static void positive(String what, java.time.Duration value) {
        requireNonNull(value, what);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + value);
        }
    }
}
