package dev.keyvault;

import static java.util.Objects.requireNonNull;

import dev.keyvault.internal.HashSchemes;
import dev.keyvault.internal.HashingChoice;
import dev.keyvault.internal.KeyOperations;
import dev.keyvault.internal.NodeSync;
import dev.keyvault.internal.Paging;
import dev.keyvault.internal.rotation.Workflows;
import dev.keyvault.rotation.RotationDueCounts;
import dev.keyvault.rotation.RotationDuePage;
import dev.keyvault.rotation.RotationDueQuery;
import dev.keyvault.rotation.RotationDueReport;
import dev.keyvault.rotation.RotationWorkflows;
import dev.keyvault.spi.StoredKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Issues, verifies, rotates and revokes API keys, and records their usage. Build one with
 * {@link #builder()} (or {@link #inMemory(Clock)} in tests), share it across the application, and
 * {@link #close()} it on shutdown so buffered usage is written.
 *
 * <pre>{@code
 * KeyManager keys = KeyManager.builder().store(store).keyPrefix("kb_live").build();
 * IssuedKey issued = keys.issue(KeySpec.builder("acme", "CI deploy").scopes("kb:read").build());
 * // hand issued.token() to the consumer once; keyvault keeps only a hash
 * if (keys.verify(token) instanceof VerificationResult.Verified v) { ... v.owner() ... }
 * keys.recordUsage(v.key().id(), UsageEvent.of(Instant.now(), "GET", "/articles/**", clientIp, 200));
 * keys.revoke(issued.id(), "replaced", "alice@acme");
 * }</pre>
 *
 * <p>The calls of a key's every day are here: {@link #issue}, {@link #verify}, {@link #revoke},
 * {@link #recordUsage}, {@link #rotate}, {@link #update} (a change in place) and {@link #rotationDue},
 * with the queries and the audit trail ({@link #get}, {@link #list}, {@link #history}, {@link #usage},
 * {@link #credits}), and the usage's retention and erasure ({@link #applyUsageRetention},
 * {@link #eraseUsage}). The rotation guide's
 * operator workflows — rotation status, safe completion, emergency rotation, usage audit,
 * compliance, bulk revocation — are in {@link #rotation()}.
 *
 * <p><b>Verify</b> never throws for a bad token; it returns a {@link VerificationResult}. A key this
 * node has verified before costs a SHA-256 and a constant-time compare (no slow hash, no I/O) until
 * its status snapshot is older than the refresh interval; expiry is checked against the clock on
 * every call. <b>Revoke</b> is final and effective on this node before it returns; other nodes
 * sharing the store drop the key within one change-feed poll interval.
 *
 * <p>Thread-safe. Operator calls ({@code issue}, {@code rotate}, {@code revoke}, queries) go to the
 * store in the caller's thread; {@link #recordUsage} never does.
 */
public final class KeyManager implements AutoCloseable {
    private final KeyOperations ops;
    private final NodeSync sync;
    private final Workflows workflows;

    KeyManager(KeyManagerBuilder b) {
        HashingChoice hashing = HashingChoice.resolve(b.hasher, b.additionalHashers, b.pepperSource, b.pepperDeclined,
                Peppers::fromEnvironment);
        this.pepperStatus = hashing.status();
        this.acceptsLegacyTokens = b.legacyTokens != null;
        this.ops = new KeyOperations(new KeyOperations.Settings(b.store, b.clock, b.keyPrefix, hashing.current(), hashing.additional(),
                b.maxConcurrentHashes, b.hashingTimeout, b.cacheMaximumSize, b.cacheMaximumBytes, b.statusRefreshInterval, b.rotationPolicy,
                b.rotationQuietPeriod, b.listener, b.maxBufferedRollups, b.maxBufferedUsageBytes, b.maxUserAgentsPerKeyMinute,
                b.maxRollupsPerKeyMinute, b.legacyTokens, b.creditLeaseSize, b.usageRetention));
        this.workflows = new Workflows(ops);
        this.sync = new NodeSync(ops, b.usageFlushInterval, b.changeFeedPollInterval, b.changeRetention, b.recomputeDueDates);
        this.requireEnvironment = b.requireEnvironment;
    }

    private final boolean requireEnvironment;
    private final PepperStatus pepperStatus;
    private final boolean acceptsLegacyTokens;

    /** A builder with the defaults documented on each of its setters. */
    public static KeyManagerBuilder builder() {
        return new KeyManagerBuilder();
    }

    /**
     * A manager for unit tests of host applications: a fresh in-memory store, the given (movable)
     * clock, HMAC-SHA-256 hashing under a random pepper (cheap, so tests issue thousands of keys
     * quickly), and no background threads: usage is written by {@link #flush()} and {@link #close()},
     * changes by other managers on the same store are seen after {@link #pollChangeFeed()}. The same as
     * {@code KeyManagerBuilder.forTests(clock).build()}; use that builder to set a prefix or a policy.
     */
    public static KeyManager inMemory(Clock clock) {
        return KeyManagerBuilder.forTests(clock).build();
    }

    // ---------------------------------------------------------------------------------------- issue

    /**
     * Issues a key. The returned {@link IssuedKey} holds the only copy of the token.
     *
     * @throws DuplicateKeyException    if the owner already has an active key with this name
     * @throws IllegalArgumentException if the expiry is not in the future, or the manager requires an
     *                                  environment and the spec has none
     * @throws KeyStoreException        if the store fails
     */
    public IssuedKey issue(KeySpec spec) {
        requireNonNull(spec, "spec");
        if (requireEnvironment && !spec.hasEnvironment()) {
            throw new IllegalArgumentException("this manager requires an environment on every key (KeySpec.Builder.environment)");
        }
        return ops.issue(spec);
    }

    // --------------------------------------------------------------------------------------- import

    /**
     * Brings one key over from the system keyvault replaces, with its owner, name, scopes, expiry and
     * creation date, and its secret as that system stored it (or in plaintext), so its consumers keep
     * working with their old token ({@link KeyManagerBuilder#legacyTokens}) until it is rotated into
     * keyvault's format: an imported key is due for rotation at once, with its own reason in
     * {@link #rotationDue} and the compliance report, and {@code rotation().status} of its rotation
     * names the consumers still sending the old token. Idempotent: importing the same
     * {@link KeyImport#reference()} again changes nothing.
     *
     * @throws KeyStoreException if the store fails (nothing of this import is stored)
     */
    public ImportResult importKey(KeyImport keyImport) {
        return ops.importKey(keyImport);
    }

    /**
     * {@link #importKey} for many (thousands of rows from the old table): each on its own, so one
     * failure does not stop the rest; resumable — run it again after a crash or after fixing the
     * failures, and what was imported is skipped.
     *
     * @throws KeyStoreException if the store fails; the imports before it stay, run it again
     */
    public ImportReport importKeys(Iterable<KeyImport> imports) {
        requireNonNull(imports, "imports");
        long imported = 0;
        long already = 0;
        List<ImportResult> failures = new ArrayList<>();
        for (KeyImport i : imports) {
            ImportResult r = ops.importKey(i);
            switch (r.outcome()) {
                case IMPORTED -> imported++;
                case ALREADY_IMPORTED -> already++;
                case FAILED -> failures.add(r);
            }
        }
        return new ImportReport(imported, already, failures);
    }

    // --------------------------------------------------------------------------------------- verify

    /**
     * Checks a presented token: {@code verify(VerificationRequest.of(token))}. Never throws for a bad
     * token — null, empty, huge, non-ASCII, wrong prefix, bad checksum, unknown id, wrong secret,
     * revoked or expired are all {@link VerificationResult.Rejected} results. Malformed tokens are
     * rejected without I/O or hashing.
     *
     * @throws KeyStoreException          if the store fails on a key this node has not cached (fail closed)
     * @throws CapacityExceededException  if no hashing slot became free within the hashing timeout
     * @throws HashingException           if the stored hash could not be checked (the key may be fine)
     */
    public VerificationResult verify(String token) {
        return ops.verify(VerificationRequest.of(token));
    }

    /**
     * Checks a presented token with what else is known about the request: the client address (which
     * key policies such as IP allowlists need) and the cost of the request (for keys with usage
     * credits). The one verification call shape: later policies read more of the request, never a
     * new overload. Failures as {@link #verify(String)}.
     *
     * <p>Key policies are checked only after the secret matched, for a key neither revoked nor
     * expired: a key with an {@link IpAllowlist} is refused as {@link RejectionReason#IP_NOT_ALLOWED}
     * from an address outside it, without an address, or with one that is not an IP literal; a key
     * with {@link Credits} spends the request's cost from its rotation chain's balance (0 only checks
     * that some is left), and is refused as {@link RejectionReason#CREDITS_EXHAUSTED} when it cannot
     * pay. Both rejections name the key ({@link VerificationResult#keyId()}): record the request as
     * usage with {@link UsageEvent#withRefusal}, so the usage audit shows it. Credits are spent from
     * a lease this node took from the store (no store write per request); taking a lease while the
     * store is down throws {@link KeyStoreException} (fail closed).
     */
    public VerificationResult verify(VerificationRequest request) {
        return ops.verify(request);
    }

    // --------------------------------------------------------------------------------------- revoke

    /**
     * Revokes a key for good: it keeps its record, history and usage, and never verifies again. On
     * this node no verify that starts after this returns will succeed; other nodes learn through the
     * change feed. Idempotent: see {@link RevocationResult}.
     *
     * <p>Unconditional, because an emergency must never be blocked. To finish a rotation use
     * {@link RotationWorkflows#complete}, which refuses while clients are still on the old key; a key
     * revoked here during an open rotation while still in use — in the store's usage or in what this
     * node has buffered — gets a {@code NOTE} in its history naming the clients that will now be
     * refused.
     *
     * @param keyId  the key id (not the token)
     * @param reason why, kept with the key (text, at most 500 characters)
     * @param actor  who, kept with the key (text, at most 200 characters)
     * @throws IllegalArgumentException if {@code keyId} is not a key id
     * @throws KeyStoreException        if the store fails; the key is then not revoked
     */
    public RevocationResult revoke(String keyId, String reason, String actor) {
        RevocationResult result = ops.revoke(keyId, reason, actor, false);
        workflows.flagRevokedMidRotation(result, actor);
        return result;
    }

    // --------------------------------------------------------------------------------------- rotate

    /** {@link #rotate(String, RotateOptions)} with {@link RotateOptions#defaults()}. */
    public IssuedKey rotate(String oldKeyId) {
        return rotate(oldKeyId, RotateOptions.defaults());
    }

    /**
     * Issues the successor of a key: same prefix, owner, scopes, tier, environment, tags and risk
     * class; the name {@code "<name> v2"} (then {@code v3}, …) unless given; linked both ways. The old
     * key keeps verifying (until {@code overlapUntil}, if given) so consumers can move without
     * downtime; then close the window with {@link RotationWorkflows#complete}. Two concurrent
     * rotations of one key produce exactly one successor, and a key revoked while being rotated gets
     * none.
     *
     * @throws UnknownKeyException      if there is no such key
     * @throws KeyStateException        if the key is revoked, already has an active successor, or was
     *                                  rotated or revoked concurrently
     * @throws IllegalArgumentException if the successor name equals the old name, or a given time is
     *                                  not in the future
     * @throws DuplicateKeyException    if the owner already has an active key with the successor's name
     */
    public IssuedKey rotate(String oldKeyId, RotateOptions options) {
        return ops.rotate(oldKeyId, options);
    }

    // ------------------------------------------------------------------------------ change in place

    /**
     * Changes a key in place: rename; narrow or widen its scopes; change its tier, explicit risk
     * class, expiry, IP allowlist, credits or metadata (see {@link KeyUpdate}). Atomic: the change,
     * its history entries — {@link KeyEventType#UPDATED} with each field before and after, a widening
     * of scopes as {@link KeyEventType#SCOPES_WIDENED} — and the recomputed rotation due date are
     * written together, by compare-and-set on the key (retried if it changed meanwhile). On this node
     * the change applies to the next verify; other nodes re-read the key when the change feed brings
     * it, within the bound of revocations. Only what is set changes; an update that changes nothing
     * writes nothing.
     *
     * @return the key as changed
     * @throws UnknownKeyException      if there is no such key
     * @throws KeyStateException        if the key is revoked, or kept changing concurrently
     * @throws IllegalArgumentException if the expiry is not in the future, or extends past the key's
     *                                  rotation due date
     * @throws DuplicateKeyException    if the new name is another active key's of the owner
     * @throws KeyStoreException        if the store fails (nothing was changed)
     */
    public ApiKey update(String keyId, KeyUpdate update) {
        return ops.update(keyId, update);
    }

    /**
     * The usage credits of the key's rotation chain: what the store holds (after any refill that is
     * due) and what this node has leased; empty if the key has no credits.
     *
     * @throws UnknownKeyException if there is no such key
     */
    public Optional<CreditBalance> credits(String keyId) {
        return ops.credits(keyId);
    }

    // ---------------------------------------------------------------------------------------- usage

    /**
     * Records one use of a key. Never touches the store: the event is folded into in-memory
     * per-minute rollups that are written by the background flusher, {@link #flush()} and
     * {@link #close()}. Works for revoked keys too (that is how a missed consumer is found), and
     * then fires {@link KeyEventListener#onUsedAfterRevoke}.
     *
     * @throws IllegalArgumentException if {@code keyId} is not a key id
     */
    public void recordUsage(String keyId, UsageEvent event) {
        ops.recordUsage(keyId, event);
    }

    /**
     * Writes all usage recorded so far. On failure the usage stays buffered (bounded) for the next
     * flush and the exception is thrown.
     *
     * @return the number of requests written
     * @throws KeyStoreException if the store fails
     */
    public long flush() {
        return ops.flush();
    }

    /**
     * Applies the configured {@link UsageRetention} now: deletes rollups older than its
     * {@code deleteAfter}, cuts the addresses of those older than {@code truncateAddressesAfter} to
     * their network. In batches of short transactions, safe while requests are recorded; a manager
     * with a background thread also does this hourly.
     *
     * @throws KeyStoreException if the store fails (batches done before stay done; run it again)
     */
    public UsageRetention.Result applyUsageRetention() {
        return ops.applyRetention();
    }

    /**
     * Erases the usage of every key of {@code owner}, revoked ones included: all their rollups (client
     * addresses, user agents, consumer labels, counts). This node's buffered usage is written first so
     * none of it reappears; requests recorded afterwards — by any node — are recorded as usual, so
     * revoke the owner's keys first when the owner is gone. Keys, their history and last-use times
     * stay. In batches of short transactions.
     *
     * @return the number of rollups deleted
     * @throws KeyStoreException if the store fails (what was deleted stays deleted; run it again)
     */
    public long eraseUsage(String owner) {
        return ops.eraseUsage(owner);
    }

    /** The key's usage rollups whose minute lies in {@code [from, to)}, as of the last flush. */
    public List<UsageRollup> usage(String keyId, Instant from, Instant to) {
        Syntax.keyId(keyId);
        requireNonNull(from, "from");
        requireNonNull(to, "to");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to is before from");
        }
        return ops.store().usage(keyId, from, to);
    }

    // ------------------------------------------------------------------------------------- rotation

    /**
     * Which active, unexpired keys must be rotated, by urgency: {@link RotationDueReport#overdue()},
     * {@link RotationDueReport#due()} and, within the policy's warning window,
     * {@link RotationDueReport#upcoming()}, each entry with its risk class, due date and what to do
     * (full-access keys: replace by narrower keys). Revoked keys are not listed. Fires
     * {@link KeyEventListener#onRotationDue} for each.
     */
    public RotationDueReport rotationDue(Instant at) {
        return new RotationDueReport(at, ops.rotationDue(at));
    }

    /**
     * One page of the keys due for rotation, from their stored, indexed due dates — ordered by due
     * date then key id, filtered like a {@link KeyQuery}, continued with {@link RotationDuePage#next()}
     * (keyset paging). Each entry as in {@link #rotationDue(Instant)}; the listener is not called.
     */
    public RotationDuePage rotationDue(RotationDueQuery query) {
        return ops.rotationDue(query);
    }

    /**
     * How many keys every page of {@code query} holds, by urgency (its cursor and limit are not used):
     * counted by the store over the due-date index, without reading the keys — what a console shows
     * above the first page.
     */
    public RotationDueCounts rotationDueCounts(RotationDueQuery query) {
        return ops.rotationDueCounts(query);
    }

    /** The rotation guide's operator workflows over this manager: status, completion, emergency, audit, compliance. */
    public RotationWorkflows rotation() {
        return workflows;
    }

    // -------------------------------------------------------------------------------------- queries

    /** The key with this id, including revoked keys. */
    public Optional<ApiKey> get(String keyId) {
        Syntax.keyId(keyId);
        return ops.store().find(keyId).map(StoredKey::key);
    }

    /** The owner's keys, revoked ones included (see {@link ApiKey#status()}), oldest first. */
    public List<ApiKey> list(String owner) {
        Syntax.text("owner", owner, Syntax.MAX_OWNER);
        return list(KeyQuery.all().withOwner(owner));
    }

    /** Every key matching {@code query} (all pages), oldest first. */
    public List<ApiKey> list(KeyQuery query) {
        requireNonNull(query, "query");
        List<ApiKey> keys = new ArrayList<>();
        for (StoredKey s : Paging.all(ops.store(), query)) {
            keys.add(s.key());
        }
        keys.sort(Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::id));
        return keys;
    }

    /**
     * One page of the keys matching {@code query}: ordered by key id, at most {@code query.limit()},
     * after {@code query.afterId()} if given — keyset paging, one indexed read of the store however
     * many keys it holds. Pass the last id of a page as the next query's {@code afterId}; a page
     * shorter than the limit is the last. For screens and APIs that list keys a page at a time.
     */
    public List<ApiKey> page(KeyQuery query) {
        requireNonNull(query, "query");
        List<ApiKey> keys = new ArrayList<>();
        for (StoredKey s : ops.store().list(query)) {
            keys.add(s.key());
        }
        return keys;
    }

    /** The key's history, oldest first: issue, rotations, revocation, and every workflow step. */
    public List<KeyEvent> history(String keyId) {
        Syntax.keyId(keyId);
        return ops.history(keyId);
    }

    /**
     * Reads the change feed now instead of waiting for the poll interval, dropping cached state of
     * keys changed by other nodes. Returns how many changes were read. Useful in tests; the manager
     * polls by itself unless built with a zero poll interval.
     */
    public int pollChangeFeed() {
        ops.ensureOpen();
        return sync.poll();
    }

    /** The clock this manager reads; a filter or workflow in front of it should use the same one. */
    public Clock clock() {
        return ops.clock();
    }

    /** Whether this manager verifies tokens of the system it replaced ({@link KeyManagerBuilder#legacyTokens}). */
    public boolean acceptsLegacyTokens() {
        return acceptsLegacyTokens;
    }

    /** The prefix of the tokens this manager issues and verifies, such as {@code kb_live}. */
    public String keyPrefix() {
        return ops.prefix();
    }

    /**
     * How the active keys' secrets are stored: keys per hash scheme, and which is current. Reads
     * every active key (an operator's call, not a request's).
     *
     * @throws KeyStoreException if the store fails
     */
    public HashingReport hashingReport() {
        ops.ensureOpen();
        return HashSchemes.report(ops.store(), ops.hashing());
    }

    /**
     * Whether this manager's hashes are keyed by a pepper kept outside the database. Without one
     * ({@link PepperStatus#NOT_CONFIGURED}) a stolen database still cannot be guessed, but whoever
     * can write to it can mint a key: set {@value Peppers#ENVIRONMENT_VARIABLE} in production.
     */
    public PepperStatus pepperStatus() {
        return pepperStatus;
    }

    /** Counters for monitoring. */
    public Stats stats() {
        var usage = ops.usage();
        return new Stats(ops.engine().cachedKeys(), usage.unflushedRequests(), usage.droppedRequests(), usage.foldedRequests(),
                usage.bufferedRollups(), usage.bufferedBytes(), sync.lastSequence(), ops.hashing().scheduler().waiting());
    }

    /**
     * @param cachedKeys        keys whose verification is cached on this node
     * @param unflushedRequests usage recorded but not yet written
     * @param droppedRequests   usage dropped because the buffer was full, since start (their keys'
     *                          last use is still recorded)
     * @param foldedRequests    usage counted under an "other" label (see {@link UsageRollup#OTHER_AGENTS}), since start
     * @param bufferedRollups   rollups held in memory now
     * @param bufferedBytes     their estimated size
     * @param feedSequence      the last change-feed sequence this node applied
     * @param hashesWaiting     slow hashes (Argon2id) waiting for a slot right now
     */
    public record Stats(long cachedKeys, long unflushedRequests, long droppedRequests, long foldedRequests,
            int bufferedRollups, long bufferedBytes, long feedSequence, int hashesWaiting) {}

    // ---------------------------------------------------------------------------------------- close

    /**
     * Stops the background thread, gives back the usage credits this node leased and did not spend,
     * and writes buffered usage. Idempotent. After close every method
     * except {@code close} and {@code flush} throws {@link IllegalStateException}. The store is not
     * closed: it belongs to whoever created it.
     *
     * @throws KeyStoreException if the final flush fails (the usage it held is then lost, and counted)
     */
    @Override
    public void close() {
        if (!ops.markClosed()) {
            return;
        }
        sync.close();
        try {
            ops.returnCredits();
        } finally {
            ops.flush();
        }
    }

    @Override
    public String toString() {
        return "KeyManager[prefix=" + ops.prefix() + ", store=" + ops.store().getClass().getSimpleName()
                + ", hasher=" + ops.hashing() + "]";
    }
}
