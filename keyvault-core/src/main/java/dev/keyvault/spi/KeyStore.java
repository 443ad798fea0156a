package dev.keyvault.spi;

import dev.keyvault.KeyEvent;
import dev.keyvault.KeyQuery;
import dev.keyvault.Revocation;
import dev.keyvault.UsageRollup;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Where keys, their history and their usage live. Deliberately small and atomic: each method is
 * one primitive a database does in one transaction; every rule (naming, cadence, what may be
 * rotated) lives in {@link dev.keyvault.KeyManager}. Every state change appends the given
 * {@link KeyEvent}s to the key's permanent history <em>and</em> one entry per event to the change
 * feed, in the same transaction as the change.
 *
 * <p>Implementations are thread-safe and may be shared by several managers (nodes). Failures of
 * the underlying storage are thrown as {@link dev.keyvault.KeyStoreException} naming the operation; nothing
 * else is thrown except the documented {@link dev.keyvault.DuplicateKeyException}. The core test-jar's
 * {@code KeyStoreContract} is the executable form of this contract.
 *
 * <p>Every change of a key's row other than a rehash or a last-use time increments its
 * {@link StoredKey#revision() revision}, so {@link #update} and {@link #restamp} can compare and set.
 */
public interface KeyStore {

    /**
     * Inserts a new key (its status must be ACTIVE, its revision is stored as 0) and appends
     * {@code issued}; with {@code credits}, creates that credit account in the same transaction (or
     * replaces an account of that id left by a failed insert).
     *
     * @throws dev.keyvault.DuplicateKeyException {@code KEY_ID} if the id exists; {@code ACTIVE_NAME} if the
     *                               owner has another ACTIVE key with the same name (checked
     *                               atomically, for example by a unique index over active keys)
     */
    void insert(StoredKey key, Optional<CreditAccount> credits, KeyEvent issued);

    /** {@link #insert(StoredKey, Optional, KeyEvent)} without credits. */
    default void insert(StoredKey key, KeyEvent issued) {
        insert(key, Optional.empty(), issued);
    }

    /**
     * The atomic step of a rotation. If the predecessor exists, its successor link equals
     * {@code expectedSuccessor} (empty: no successor) and its status meets {@code condition}, then:
     * inserts {@code successor} (whose {@code predecessorId} names the predecessor), points the
     * predecessor's {@code successorId} at it, lowers the predecessor's expiry to
     * {@code predecessorExpiresAt} if given and earlier, increments the predecessor's revision, and
     * appends {@code events}. Otherwise
     * changes nothing. The three conditions are checked in the same atomic step as the writes (a
     * conditional update of the predecessor's row), so a concurrent revoke or rotation either
     * happens before and makes this change nothing, or after.
     *
     * @return whether the rotation was applied; {@code false} if the predecessor is missing, its
     *         successor link differs (someone else rotated it first), or it is revoked while
     *         {@code condition} is {@link PredecessorCondition#MUST_BE_ACTIVE}
     * @throws dev.keyvault.DuplicateKeyException as {@link #insert}
     */
    boolean insertSuccessor(String predecessorId, Optional<String> expectedSuccessor, StoredKey successor,
            Optional<Instant> predecessorExpiresAt, List<KeyEvent> events,
            PredecessorCondition condition);

    /** The key with this id, if any. */
    Optional<StoredKey> find(String keyId);

    /**
     * The imported key whose {@link StoredKey#legacyLookup()} is {@code lookup}, if any: how tokens of
     * the system keyvault replaced find their key. Any string is a valid argument (it comes from a
     * request); one that matches nothing gives empty.
     */
    default Optional<StoredKey> findByLegacyLookup(String lookup) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not hold imported keys");
    }

    /** Keys matching {@code query}, ordered by id, at most {@code query.limit()}. */
    List<StoredKey> list(KeyQuery query);

    /**
     * Conditionally revokes: ACTIVE → REVOKED with {@code revocation}, setting the compromised flag
     * if {@code compromised}, clearing the rotation stamp (a revoked key is never due), incrementing
     * the revision, and appends {@code events}. A key already revoked keeps its original revocation and
     * nothing is appended.
     */
    RevokeOutcome revoke(String keyId, Revocation revocation, boolean compromised, List<KeyEvent> events);

    /**
     * Conditionally sets the compromised flag (whatever the status) and appends {@code event}: only a
     * key not yet marked is marked, so of several nodes marking one key at once exactly one appends
     * its event (a conditional update, as {@link #revoke} is). Marking increments the revision and, if
     * the key has a rotation stamp, sets its due date to the key's creation time (a compromised key is
     * due at once) keeping its policy.
     *
     * @return {@code true} if this call marked the key; {@code false} if there is no such key or it
     *         was already marked (nothing appended)
     */
    boolean markCompromised(String keyId, KeyEvent event);

    /**
     * Lowers the key's expiry to {@code expiresAt} if it has none or a later one, and then increments
     * its revision and appends {@code event}.
     *
     * @return {@code false} if there is no such key
     */
    boolean shortenExpiry(String keyId, Instant expiresAt, KeyEvent event);

    /**
     * Replaces the stored hash if it still equals {@code expectedHash} (compare-and-set) and appends
     * {@code event}.
     *
     * @return whether it was replaced
     */
    boolean replaceHash(String keyId, String expectedHash, String newHash, KeyEvent event);

    /**
     * The atomic step of an in-place change. If the key {@code next.id()} exists, is ACTIVE and its
     * revision equals {@code expectedRevision}: sets its name, scopes, tier, risk class, expiry, IP
     * allowlist, metadata, credit account and rotation stamp to {@code next}'s (every other field of
     * the stored key stays as stored), increments its revision, writes {@code credits} if given
     * (creating or replacing that account), and appends {@code events}. Otherwise changes nothing.
     *
     * @return whether the change was applied
     * @throws dev.keyvault.DuplicateKeyException {@code ACTIVE_NAME} if the new name is another active
     *                               key's of the owner (nothing is changed)
     */
    boolean update(StoredKey next, long expectedRevision, Optional<CreditAccount> credits, List<KeyEvent> events);

    /** The credit account with this id, if any. */
    Optional<CreditAccount> findCredits(String accountId);

    /**
     * Compare-and-set of a credit account: replaces it by {@code next} if its generation and balance
     * still equal {@code expected}'s. Appends nothing (leases are not history).
     *
     * @return whether it was replaced
     */
    boolean replaceCredits(CreditAccount expected, CreditAccount next);

    /** Keys due for rotation, as {@code query} says, ordered by due date then id (an index range scan). */
    List<StoredKey> listRotationDue(DueQuery query);

    /**
     * How many keys {@link #listRotationDue} would list over all pages were the query's due-by each of
     * {@code dueBys} in turn: one count per entry, in the same order. The query's own due-by, cursor
     * and limit are not used. A store counts them in one pass where it can (the JDBC store reads the
     * due-date index range once, up to the latest of them).
     *
     * @param dueBys 1 to {@value #MAX_DUE_COUNTS} instants, in any order
     */
    List<Long> countRotationDue(DueQuery query, List<Instant> dueBys);

    /** The most due-by instants one {@link #countRotationDue} call takes. */
    int MAX_DUE_COUNTS = 8;

    /**
     * Active keys whose rotation stamp is missing or, if {@code otherThan} is given, was computed by a
     * policy other than that one; ordered by id, after {@code afterId}, at most {@code limit}.
     */
    List<StoredKey> listToRestamp(Optional<String> otherThan, Optional<String> afterId, int limit);

    /**
     * Writes recomputed rotation stamps, each only if its key is still active at the expected
     * revision (the revision is not incremented). Appends nothing.
     *
     * @return how many were written
     */
    int restamp(List<Restamp> stamps);

    /**
     * Deletes at most {@code limit} usage rollups whose minute is before {@code before} (one short
     * transaction, so it can run on a live system; call again until it returns less than the limit).
     *
     * @return how many were deleted
     */
    int deleteUsageBefore(Instant before, int limit);

    /**
     * Replaces the client address of at most {@code limit} rollups whose minute is before
     * {@code before} and whose address was not truncated yet by {@code truncate} (applied to each
     * address; a value it returns unchanged is only marked), merging rollups that become equal — in
     * one transaction that locks the rows it rewrites, so a concurrent usage flush is neither lost nor
     * counted twice.
     *
     * @return how many rollups were processed (call again until it returns less than the limit)
     */
    int truncateUsageAddresses(Instant before, int limit, UnaryOperator<String> truncate);

    /**
     * Deletes at most {@code limit} usage rollups of these keys (an erasure).
     *
     * @return how many were deleted (call again until it returns less than the limit)
     */
    int deleteUsage(Collection<String> keyIds, int limit);

    /** Appends an event that accompanies no state change (a note, a delivery receipt). */
    void appendEvent(KeyEvent event);

    /**
     * Appends {@code event} unless the key's history already holds an event of the same type and
     * detail — atomically, so of several nodes recording one report at once (a secret-scanning alert
     * delivered twice) exactly one appends it. The JDBC store takes the key row's lock for the check.
     *
     * @return {@code true} if this call appended it; {@code false} if an equal event was recorded or
     *         there is no such key (nothing appended)
     */
    boolean appendEventOnce(KeyEvent event);

    /** The key's history, oldest first (empty for an unknown id). */
    List<KeyEvent> history(String keyId);

    /**
     * Adds a batch of usage atomically: per rollup key, adds {@code count}, keeps the earliest
     * {@code firstSeen} and the latest {@code lastSeen}; per key, moves {@code lastUsedAt} forward to
     * the batch's time if that is later. Rollups of ids the store does not hold are kept (usage
     * never references keys by constraint); {@code lastUsed} of such ids is ignored. A store writes
     * a batch in a constant number of statements, never one per request.
     */
    void applyUsage(UsageBatch batch);

    /** The key's rollups whose minute is in {@code [from, to)}, ordered by minute. */
    List<UsageRollup> usage(String keyId, Instant from, Instant to);

    /** The sequence of the latest change-feed entry, or 0 if there is none. */
    long latestSequence();

    /**
     * Change-feed entries with a sequence greater than {@code afterSequence}, in sequence order, at
     * most {@code limit}. Sequences must become visible in increasing order: a reader that sees
     * sequence {@code n} will never later see a smaller new one (stores serialize feed appends).
     */
    ChangePage changesSince(long afterSequence, int limit);

    /** Deletes change-feed entries older than {@code before} (never the key history). Returns how many. */
    int pruneChanges(Instant before);

    /**
     * Registers {@code listener} to be called, on some store thread, soon after any node appends to
     * the change feed — a hint that lets followers poll at once instead of waiting for their interval
     * (PostgreSQL's LISTEN/NOTIFY). The default does nothing: followers still poll on their interval.
     *
     * @return closes the registration
     */
    default AutoCloseable subscribe(Runnable listener) {
        return () -> {};
    }
}
