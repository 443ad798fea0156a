package dev.keyvault.jdbc;

import static java.util.Objects.requireNonNull;

import dev.keyvault.ApiKey;
import dev.keyvault.DuplicateKeyException.Conflict;
import dev.keyvault.DuplicateKeyException;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyQuery;
import dev.keyvault.KeyStoreException;
import dev.keyvault.Revocation;
import dev.keyvault.Syntax;
import dev.keyvault.UsageRollup;
import dev.keyvault.jdbc.internal.Failures;
import dev.keyvault.jdbc.internal.Handles;
import dev.keyvault.jdbc.internal.Identifiers;
import dev.keyvault.jdbc.internal.PgNotifications;
import dev.keyvault.jdbc.internal.Rows;
import dev.keyvault.jdbc.internal.Schema;
import dev.keyvault.jdbc.internal.Sql;
import dev.keyvault.jdbc.internal.Values;
import dev.keyvault.spi.ChangePage;
import dev.keyvault.spi.KeyChange;
import dev.keyvault.spi.KeyStore;
import dev.keyvault.spi.PredecessorCondition;
import dev.keyvault.spi.RevokeOutcome;
import dev.keyvault.spi.StoredKey;
import dev.keyvault.spi.UsageBatch;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link KeyStore} in a relational database through JDBI: H2 (the embedded default, in memory, in
 * a file or as a server) or PostgreSQL (the shared store of applications running on several nodes).
 *
 * <pre>{@code
 * JdbiKeyStore store = JdbiKeyStore.builder(dataSource).build();
 * store.migrate();                      // opt-in; or let Flyway run the scripts, see below
 * KeyManager keys = KeyManager.builder().store(store).build();
 * }</pre>
 *
 * <h2>Schema</h2>
 * Seven tables whose names start with the {@linkplain Builder#tablePrefix table prefix} (default
 * {@code keyvault_}), in the connection's current schema: {@code keys}, {@code key_tags},
 * {@code history} (permanent), {@code changes} (the change feed, pruned by retention),
 * {@code feed_state}, {@code usage} (per-minute rollups) and {@code schema_version}. The versioned
 * scripts are on the classpath at {@link Dialect#schemaLocation()}, named as Flyway expects
 * ({@code V1__keyvault.sql}, …). Either call {@link #migrate()}, or run them with Flyway: add the
 * location and set the placeholder {@code keyvault_prefix} to the table prefix, for example
 * {@code Flyway.configure().locations("classpath:dev/keyvault/jdbc/schema/postgresql")
 * .placeholders(Map.of("keyvault_prefix", "keyvault_"))} or, in Spring Boot,
 * {@code spring.flyway.placeholders.keyvault_prefix=keyvault_}. The scripts record their version
 * in {@code schema_version} either way.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Every state change writes its history rows and change-feed rows in its own transaction.
 *       Feed sequences come from one counter row that each writing transaction increments and keeps
 *       locked until it commits, so they become visible in commit order, without gaps.</li>
 *   <li>Uniqueness of an owner's active key names is enforced by the database (a partial unique index
 *       on PostgreSQL; on H2 a unique index over a generated column that is NULL unless active).</li>
 *   <li>{@link #applyUsage} writes a batch in two statements (one per table), whatever its size up
 *       to 10,000 rollups: rows travel as arrays ({@code unnest}); {@code last_used_at} only moves
 *       forward and counts add.</li>
 *   <li>Driver failures become {@link KeyStoreException} naming the operation and the SQLState; the
 *       driver's message (which can echo row values) is only in the cause. Transactions the database
 *       rolled back for a deadlock or serialization failure are retried twice.</li>
 *   <li>On PostgreSQL with pgjdbc, {@link #subscribe} uses LISTEN/NOTIFY to wake change-feed followers
 *       at once; it holds one connection while anyone is subscribed (see {@link Builder#notifications}).
 *       The bound between a revocation on one node and its rejection on the others is the managers'
 *       {@code changeFeedPollInterval} (default 1 s); with notifications it is usually milliseconds.
 *       Nodes that were down catch up from their last sequence; feed entries are kept for the
 *       managers' {@code changeRetention} (default 7 days) and the history forever.</li>
 * </ul>
 * Times are stored as epoch milliseconds. The store expects the databases' default isolation, READ
 * COMMITTED. A call made inside a JDBI transaction the host already has open on the same thread (same
 * {@code Jdbi}) joins it.
 *
 * <h2>H2 files</h2>
 * H2 writes a commit to its file up to 500 ms later by default, so a killed process would lose what
 * it acknowledged last. Acknowledged issues and revocations must be durable, so {@link Builder#build()}
 * sets {@code WRITE_DELAY 0} on an H2 database (the crash test relies on it, with a plain URL); if the
 * connecting user lacks the admin right that needs, add {@code ;WRITE_DELAY=0} to the URL instead.
 * H2 also closes a database when its last
 * connection closes; give the store a connection pool (or add {@code ;DB_CLOSE_DELAY=-1}) so it is
 * not reopened for every statement. Several processes share one H2 database only through H2's server
 * mode ({@code jdbc:h2:tcp://…}); the change feed then works as on PostgreSQL, by polling.
 *
 * <p>Immutable and thread-safe; share one instance between the managers of a process.
 */
public final class JdbiKeyStore implements KeyStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbiKeyStore.class);
    /** The newest schema version this release knows and {@link #migrate()} installs. */
    public static final int SCHEMA_VERSION = Schema.LATEST;
    /** The default table-name prefix. */
    public static final String DEFAULT_TABLE_PREFIX = "keyvault_";
    /** The most rollups written by one statement; larger batches take more statements. */
    private static final int MAX_ROWS_PER_STATEMENT = 10_000;
    private static final int MAX_ATTEMPTS = 3;

    private final Jdbi jdbi;
    private final Dialect dialect;
    private final String tablePrefix;
    private final Sql sql;
    private final Schema schema;
    private final PgNotifications notifications;
    private final boolean sendNotify;

    private JdbiKeyStore(Builder b, Dialect dialect) {
        this.jdbi = b.jdbi;
        this.dialect = dialect;
        this.tablePrefix = b.tablePrefix;
        this.sql = new Sql(dialect, tablePrefix);
        this.schema = new Schema(jdbi, dialect, dialect.resourceDirectory(), tablePrefix);
        this.sendNotify = dialect == Dialect.POSTGRESQL && b.notifications;
        boolean listen = sendNotify && PgNotifications.driverPresent(JdbiKeyStore.class.getClassLoader());
        this.notifications = listen ? new PgNotifications(jdbi, sql.channel()) : null;
    }

    /** A builder for a store on the host's {@code jdbi} (its connections, plugins and transaction handler). */
    public static Builder builder(Jdbi jdbi) {
        return new Builder(requireNonNull(jdbi, "jdbi"));
    }

    /** A builder for a store on {@code dataSource} (typically the host's connection pool). */
    public static Builder builder(DataSource dataSource) {
        return new Builder(Jdbi.create(requireNonNull(dataSource, "dataSource")));
    }

    /** The dialect this store speaks. */
    public Dialect dialect() {
        return dialect;
    }

    /** The prefix of this store's table names. */
    public String tablePrefix() {
        return tablePrefix;
    }

    // ---------------------------------------------------------------------------------- schema

    /**
     * Creates or upgrades this store's tables to {@link #SCHEMA_VERSION}, applying the missing scripts
     * in order. Idempotent, and safe when several nodes call it at once: on PostgreSQL they take a
     * transaction-scoped advisory lock and the whole migration is one transaction; on H2 (whose DDL
     * commits at once) they take a lease row in {@code <prefix>schema_lock}, a table this method creates.
     * Opt-in: hosts that manage their schema with Flyway run the same scripts instead (see the class
     * comment).
     *
     * @return the schema version now in place
     * @throws IllegalStateException if the database holds a newer schema version than this release knows
     * @throws KeyStoreException     if the database fails
     */
    public int migrate() {
        return schema.migrate();
    }

    /** The schema version recorded in the database: 0 if none, else 1 to (after an upgrade elsewhere) newer. */
    public int schemaVersion() {
        return schema.currentVersion();
    }

    // --------------------------------------------------------------------------------- writes

    @Override
    public void insert(StoredKey key, KeyEvent issued) {
        requireNonNull(key, "key");
        requireNonNull(issued, "issued");
        checkNew(key);
        try {
            write("insert", false, h -> {
                insertKey(h, key);
                append(h, List.of(issued));
                return null;
            });
        } catch (Duplicate d) {
            throw duplicate("insert", key.id(), d);
        }
    }

    @Override
    public boolean insertSuccessor(String predecessorId, Optional<String> expectedSuccessor, StoredKey successor,
            Optional<Instant> predecessorExpiresAt, List<KeyEvent> events,
            PredecessorCondition condition) {
        Syntax.keyId(predecessorId);
        requireNonNull(expectedSuccessor, "expectedSuccessor").ifPresent(Syntax::keyId);
        requireNonNull(successor, "successor");
        requireNonNull(predecessorExpiresAt, "predecessorExpiresAt");
        requireNonNull(condition, "condition");
        List<KeyEvent> copy = List.copyOf(requireNonNull(events, "events"));
        checkNew(successor);
        if (!successor.key().predecessorId().equals(Optional.of(predecessorId))) {
            throw new IllegalArgumentException("the successor must name its predecessor");
        }
        Long expiry = predecessorExpiresAt.map(Rows::millis).orElse(null);
        try {
            return write("insertSuccessor", false, h -> {
                // The compare-and-set first: it locks the predecessor's row, so a concurrent rotation
                // or revoke waits here, then finds the link or the status changed and updates nothing.
                int linked = h.createUpdate(sql.linkSuccessor)
                        .bind("successorId", successor.id())
                        .bind("expiresAt", expiry)
                        .bind("id", predecessorId)
                        .bind("expected", expectedSuccessor.orElse(null))
                        .bind("mayBeRevoked", condition == PredecessorCondition.MAY_BE_REVOKED)
                        .execute();
                if (linked == 0) {
                    return false;
                }
                insertKey(h, successor);
                append(h, copy);
                return true;
            });
        } catch (Duplicate d) {
            throw duplicate("insertSuccessor", successor.id(), d);
        }
    }

    @Override
    public RevokeOutcome revoke(String keyId, Revocation revocation, boolean compromised, List<KeyEvent> events) {
        Syntax.keyId(keyId);
        requireNonNull(revocation, "revocation");
        List<KeyEvent> copy = List.copyOf(requireNonNull(events, "events"));
        long at = Rows.millis(revocation.at());
        return write("revoke", false, h -> {
            int changed = h.createUpdate(sql.revoke)
                    .bind("at", at)
                    .bind("reason", revocation.reason())
                    .bind("actor", revocation.actor())
                    .bind("compromised", compromised)
                    .bind("id", keyId)
                    .execute();
            if (changed == 1) {
                append(h, copy);
                return RevokeOutcome.REVOKED;
            }
            return exists(h, keyId) ? RevokeOutcome.ALREADY_REVOKED : RevokeOutcome.NOT_FOUND;
        });
    }

    @Override
    public boolean markCompromised(String keyId, KeyEvent event) {
        Syntax.keyId(keyId);
        requireNonNull(event, "event");
        return write("markCompromised", false, h -> {
            if (h.createUpdate(sql.markCompromised).bind("id", keyId).execute() == 0) {
                return false;
            }
            append(h, List.of(event));
            return true;
        });
    }

    @Override
    public boolean shortenExpiry(String keyId, Instant expiresAt, KeyEvent event) {
        Syntax.keyId(keyId);
        long at = Rows.millis(requireNonNull(expiresAt, "expiresAt"));
        requireNonNull(event, "event");
        return write("shortenExpiry", false, h -> {
            if (h.createUpdate(sql.shortenExpiry).bind("expiresAt", at).bind("id", keyId).execute() == 1) {
                append(h, List.of(event));
                return true;
            }
            return exists(h, keyId);
        });
    }

    @Override
    public boolean replaceHash(String keyId, String expectedHash, String newHash, KeyEvent event) {
        Syntax.keyId(keyId);
        requireNonNull(expectedHash, "expectedHash");
        requireNonNull(newHash, "newHash");
        requireNonNull(event, "event");
        Values.text("newHash", newHash, 512);
        if (newHash.isEmpty()) {
            throw new IllegalArgumentException("newHash must not be empty");
        }
        return write("replaceHash", false, h -> {
            int replaced = h.createUpdate(sql.replaceHash).bind("newHash", newHash).bind("id", keyId)
                    .bind("expectedHash", expectedHash).execute();
            if (replaced == 0) {
                return false;
            }
            append(h, List.of(event));
            return true;
        });
    }

    @Override
    public void appendEvent(KeyEvent event) {
        requireNonNull(event, "event");
        write("appendEvent", false, h -> {
            append(h, List.of(event));
            return null;
        });
    }

    @Override
    public void applyUsage(UsageBatch batch) {
        requireNonNull(batch, "batch");
        if (batch.isEmpty()) {
            return;
        }
        // Merge rollups that share a key (the SPI allows at most one, but a store that upserts several
        // rows with one key in one statement fails on PostgreSQL), and sort, so that concurrent
        // flushes from several nodes lock rows in the same order and do not deadlock.
        TreeMap<RollupId, long[]> merged = new TreeMap<>();
        for (UsageRollup r : batch.rollups()) {
            Values.rollup(r);
            merged.merge(RollupId.of(r), new long[] {r.count(), Rows.millis(r.firstSeen()), Rows.millis(r.lastSeen())},
                    (agg, add) -> {
                        agg[0] = Math.addExact(agg[0], add[0]);
                        agg[1] = Math.min(agg[1], add[1]);
                        agg[2] = Math.max(agg[2], add[2]);
                        return agg;
                    });
        }
        TreeMap<String, Long> lastUsed = new TreeMap<>();
        batch.lastUsed().forEach((id, at) -> lastUsed.put(id, Rows.millis(at)));
        List<Map.Entry<RollupId, long[]>> rows = new ArrayList<>(merged.entrySet());
        List<Map.Entry<String, Long>> touched = new ArrayList<>(lastUsed.entrySet());
        write("applyUsage", sql.upsertUsageMayConflict, h -> {
            for (int from = 0; from < rows.size(); from += MAX_ROWS_PER_STATEMENT) {
                upsertUsage(h, rows.subList(from, Math.min(rows.size(), from + MAX_ROWS_PER_STATEMENT)));
            }
            for (int from = 0; from < touched.size(); from += MAX_ROWS_PER_STATEMENT) {
                touchLastUsed(h, touched.subList(from, Math.min(touched.size(), from + MAX_ROWS_PER_STATEMENT)));
            }
            return null;
        });
    }

    private void upsertUsage(Handle h, List<Map.Entry<RollupId, long[]>> rows) {
        int n = rows.size();
        List<String> keyIds = new ArrayList<>(n);
        List<Long> minutes = new ArrayList<>(n);
        List<String> methods = new ArrayList<>(n);
        List<String> endpoints = new ArrayList<>(n);
        List<String> clientIps = new ArrayList<>(n);
        List<String> userAgents = new ArrayList<>(n);
        List<String> consumers = new ArrayList<>(n);
        List<Integer> statuses = new ArrayList<>(n);
        List<Long> counts = new ArrayList<>(n);
        List<Long> firsts = new ArrayList<>(n);
        List<Long> lasts = new ArrayList<>(n);
        for (Map.Entry<RollupId, long[]> e : rows) {
            RollupId k = e.getKey();
            keyIds.add(k.keyId);
            minutes.add(k.minute);
            methods.add(k.method);
            endpoints.add(k.endpoint);
            clientIps.add(k.clientIp);
            userAgents.add(k.userAgent);
            consumers.add(k.consumer);
            statuses.add(k.status);
            counts.add(e.getValue()[0]);
            firsts.add(e.getValue()[1]);
            lasts.add(e.getValue()[2]);
        }
        h.createUpdate(sql.upsertUsage)
                .bindArray("keyIds", String.class, keyIds)
                .bindArray("minutes", Long.class, minutes)
                .bindArray("methods", String.class, methods)
                .bindArray("endpoints", String.class, endpoints)
                .bindArray("clientIps", String.class, clientIps)
                .bindArray("userAgents", String.class, userAgents)
                .bindArray("consumers", String.class, consumers)
                .bindArray("statuses", Integer.class, statuses)
                .bindArray("counts", Long.class, counts)
                .bindArray("firsts", Long.class, firsts)
                .bindArray("lasts", Long.class, lasts)
                .execute();
    }

    private void touchLastUsed(Handle h, List<Map.Entry<String, Long>> touched) {
        List<String> ids = new ArrayList<>(touched.size());
        List<Long> ats = new ArrayList<>(touched.size());
        for (Map.Entry<String, Long> e : touched) {
            ids.add(e.getKey());
            ats.add(e.getValue());
        }
        h.createUpdate(sql.touchLastUsed).bindArray("ids", String.class, ids).bindArray("ats", Long.class, ats).execute();
    }

    @Override
    public int pruneChanges(Instant before) {
        long cut = Rows.ceilMillis(requireNonNull(before, "before"));
        return write("pruneChanges", false, h -> {
            // Locking the counter row stops feed appends while we look, so the deleted entries are
            // exactly a prefix of the feed and pruned_through describes them.
            long last = h.createQuery(sql.lockFeed).mapTo(Long.class).findOne().orElseThrow(Schemaless::new);
            Optional<Long> firstKept = h.createQuery(sql.firstKeptChange).bind("before", cut).mapTo(Long.class).findOne();
            long cutoff = firstKept.orElse(last + 1);
            int deleted = h.createUpdate(sql.deleteChanges).bind("cutoff", cutoff).execute();
            h.createUpdate(sql.advancePruned).bind("through", cutoff - 1).execute();
            return deleted;
        });
    }

    // ---------------------------------------------------------------------------------- reads

    @Override
    public Optional<StoredKey> find(String keyId) {
        Syntax.keyId(keyId);
        return read("find", h -> h.createQuery(sql.findKey).bind("id", keyId).map(Rows.KEY).findOne());
    }

    @Override
    public List<StoredKey> list(KeyQuery query) {
        requireNonNull(query, "query");
        String statement = sql.list(query.owner().isPresent(), query.status().isPresent(), query.environment().isPresent(),
                query.tag().isPresent(), query.afterId().isPresent());
        return read("list", h -> {
            Query q = h.createQuery(statement).bind("limit", query.limit());
            query.owner().ifPresent(o -> q.bind("owner", o));
            query.status().ifPresent(s -> q.bind("status", s.name()));
            query.environment().ifPresent(e -> q.bind("environment", e));
            query.tag().ifPresent(t -> q.bind("tag", t));
            query.afterId().ifPresent(a -> q.bind("afterId", a));
            return q.map(Rows.KEY).list();
        });
    }

    @Override
    public List<KeyEvent> history(String keyId) {
        Syntax.keyId(keyId);
        return read("history", h -> h.createQuery(sql.history).bind("id", keyId).map(Rows.EVENT).list());
    }

    @Override
    public List<UsageRollup> usage(String keyId, Instant from, Instant to) {
        Syntax.keyId(keyId);
        long f = Rows.ceilMillis(requireNonNull(from, "from"));
        long t = Rows.ceilMillis(requireNonNull(to, "to"));
        return read("usage", h -> h.createQuery(sql.usage).bind("id", keyId).bind("from", f).bind("to", t)
                .map(Rows.USAGE).list());
    }

    @Override
    public long latestSequence() {
        return read("latestSequence", h -> h.createQuery(sql.lastSequence).mapTo(Long.class).findOne()
                .orElseThrow(() -> feedStateMissing("latestSequence")));
    }

    @Override
    public ChangePage changesSince(long afterSequence, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        return read("changesSince", h -> {
            List<KeyChange> changes = h.createQuery(sql.changesSince).bind("after", afterSequence).bind("limit", limit)
                    .map(Rows.CHANGE).list();
            // Read after the entries: if a prune removed entries we needed, it committed before the
            // query above and so is visible here; reading it first could miss a prune in between.
            long pruned = h.createQuery(sql.prunedThrough).mapTo(Long.class).findOne().orElse(0L);
            return new ChangePage(changes, afterSequence < pruned);
        });
    }

    /**
     * On PostgreSQL (with pgjdbc on the classpath and {@linkplain Builder#notifications notifications}
     * on), calls {@code listener} soon after any node commits a change-feed entry, through LISTEN/NOTIFY
     * on one dedicated connection held while anyone is subscribed. Otherwise does nothing, and
     * followers poll on their interval.
     */
    @Override
    public AutoCloseable subscribe(Runnable listener) {
        requireNonNull(listener, "listener");
        return notifications == null ? () -> {} : notifications.subscribe(listener);
    }

    // -------------------------------------------------------------------------------- helpers

    private static void checkNew(StoredKey key) {
        if (!key.key().isActive()) {
            throw new IllegalArgumentException("a new key must be ACTIVE");
        }
        Values.text("hash", key.hash(), 512);
        Rows.millis(key.key().createdAt());
        key.key().expiresAt().ifPresent(Rows::millis);
        key.key().lastUsedAt().ifPresent(Rows::millis);
    }

    private void insertKey(Handle h, StoredKey stored) {
        ApiKey k = stored.key();
        try {
            h.createUpdate(sql.insertKey)
                    .bind("id", k.id())
                    .bind("prefix", k.prefix())
                    .bind("owner", k.owner())
                    .bind("name", k.name())
                    .bind("scopes", Rows.join(k.scopes()))
                    .bind("tier", k.tier())
                    .bind("environment", k.environment())
                    .bind("tags", Rows.join(k.tags()))
                    .bind("riskClass", k.riskClass().map(Enum::name).orElse(null))
                    .bind("createdAt", Rows.millis(k.createdAt()))
                    .bind("expiresAt", k.expiresAt().map(Rows::millis).orElse(null))
                    .bind("lastUsedAt", k.lastUsedAt().map(Rows::millis).orElse(null))
                    .bind("predecessorId", k.predecessorId().orElse(null))
                    .bind("successorId", k.successorId().orElse(null))
                    .bind("compromised", k.compromised())
                    .bind("hash", stored.hash())
                    .execute();
        } catch (JdbiException e) {
            if (Failures.isUniqueViolation(e)) {
                throw new Duplicate(e);
            }
            throw e;
        }
        if (!k.tags().isEmpty()) {
            PreparedBatch tags = h.prepareBatch(sql.insertTag);
            for (String tag : k.tags()) {
                tags.bind("tag", tag).bind("keyId", k.id()).add();
            }
            tags.execute();
        }
    }

    /**
     * Appends history and feed entries for {@code events}, inside the caller's transaction. The
     * counter row is incremented first and stays locked until commit: that serializes appenders, so
     * sequences are consecutive and become visible in commit order.
     */
    private void append(Handle h, List<KeyEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        int n = events.size();
        long last = h.createQuery(sql.bumpSequence).bind("n", n).mapTo(Long.class).findOne().orElseThrow(Schemaless::new);
        long seq = last - n + 1;
        PreparedBatch history = h.prepareBatch(sql.insertHistory);
        PreparedBatch changes = h.prepareBatch(sql.insertChange);
        for (KeyEvent e : events) {
            long at = Rows.millis(e.at());
            history.bind("seq", seq).bind("keyId", e.keyId()).bind("type", e.type().name()).bind("at", at)
                    .bind("actor", e.actor()).bind("detail", e.detail()).add();
            changes.bind("seq", seq).bind("keyId", e.keyId()).bind("type", e.type().name()).bind("at", at).add();
            seq++;
        }
        history.execute();
        changes.execute();
        if (sendNotify) {
            h.execute(sql.notifyChanges); // delivered by PostgreSQL when (and only if) this transaction commits
        }
    }

    private boolean exists(Handle h, String keyId) {
        return h.createQuery(sql.keyExists).bind("id", keyId).mapTo(Long.class).one() > 0;
    }

    private <T> T read(String operation, Function<Handle, T> body) {
        try {
            return jdbi.withHandle(h -> Handles.with(h, body));
        } catch (JdbiException e) {
            throw Failures.storeFailure(operation, e);
        }
    }

    /**
     * Runs {@code body} in a transaction, again (up to {@value #MAX_ATTEMPTS} times) if the database
     * rolled it back for a deadlock or serialization failure, or, with {@code retryUniqueViolation},
     * for a unique violation. Validation happens before, so the body only touches the database.
     */
    private <T> T write(String operation, boolean retryUniqueViolation, Function<Handle, T> body) {
        for (int attempt = 1; ; attempt++) {
            try {
                return jdbi.inTransaction(h -> Handles.with(h, body));
            } catch (JdbiException e) {
                boolean retry = Failures.isRetryable(e) || (retryUniqueViolation && Failures.isUniqueViolation(e));
                if (retry && attempt < MAX_ATTEMPTS) {
                    LOG.debug("{} was rolled back by the database (SQLState {}); attempt {} of {}", operation,
                            Failures.sqlState(e), attempt + 1, MAX_ATTEMPTS);
                    continue;
                }
                throw Failures.storeFailure(operation, e);
            } catch (Schemaless e) {
                throw feedStateMissing(operation);
            }
        }
    }

    private KeyStoreException feedStateMissing(String operation) {
        return new KeyStoreException(operation, "the " + tablePrefix + "feed_state row is missing; run migrate()");
    }

    /** Which constraint an insert violated: the id if a key with it exists now, else the active name. */
    private DuplicateKeyException duplicate(String operation, String keyId, Duplicate d) {
        SQLException cause = Failures.sqlException(d.getCause());
        boolean idTaken = read(operation, h -> exists(h, keyId));
        return idTaken
                ? new DuplicateKeyException(Conflict.KEY_ID, "a key with id " + keyId + " exists", cause)
                : new DuplicateKeyException(Conflict.ACTIVE_NAME, "owner already has an active key with this name", cause);
    }

    /** A unique violation on a key insert, carried out of the transaction (which rolls back). */
    private static final class Duplicate extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Duplicate(JdbiException cause) {
            super(null, cause, false, false);
        }
    }

    /** The feed counter row is missing: the schema was not (fully) migrated. */
    private static final class Schemaless extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Schemaless() {
            super(null, null, false, false);
        }
    }

    /** A rollup's dimensions, ordered so that every node writes rows in the same order. */
    private record RollupId(String keyId, long minute, String method, String endpoint, String clientIp, String userAgent,
            String consumer, int status) implements Comparable<RollupId> {
        private static final Comparator<RollupId> ORDER = Comparator.comparing(RollupId::keyId)
                .thenComparingLong(RollupId::minute)
                .thenComparing(RollupId::method)
                .thenComparing(RollupId::endpoint)
                .thenComparing(RollupId::clientIp)
                .thenComparing(RollupId::userAgent)
                .thenComparing(RollupId::consumer)
                .thenComparingInt(RollupId::status);

        static RollupId of(UsageRollup r) {
            return new RollupId(r.keyId(), r.minute().toEpochMilli(), r.method(), r.endpoint(), r.clientIp(), r.userAgent(),
                    r.consumer(), r.status());
        }

        @Override
        public int compareTo(RollupId o) {
            return ORDER.compare(this, o);
        }
    }

    @Override
    public String toString() {
        return "JdbiKeyStore[" + dialect + ", tablePrefix=" + tablePrefix + "]";
    }

    /**
     * Configures a {@link JdbiKeyStore}. Every setter checks its argument at once
     * ({@link NullPointerException}, {@link IllegalArgumentException}); setting an option twice is an
     * {@link IllegalStateException}. Not thread-safe; the built store is.
     */
    public static final class Builder {
        private final Jdbi jdbi;
        private final Set<String> set = new HashSet<>();
        private Dialect dialect;
        private String tablePrefix = DEFAULT_TABLE_PREFIX;
        private boolean notifications = true;

        private Builder(Jdbi jdbi) {
            this.jdbi = jdbi;
        }

        private void once(String option) {
            if (!set.add(option)) {
                throw new IllegalStateException(option + " was already set");
            }
        }

        /**
         * The SQL dialect. Default: detected when {@link #build()} runs, from the product name in the
         * connection's metadata (which takes one connection).
         */
        public Builder dialect(Dialect dialect) {
            requireNonNull(dialect, "dialect");
            once("dialect");
            this.dialect = dialect;
            return this;
        }

        /**
         * The prefix of every table name, so several stores (or a host table called {@code keys}) can
         * share a schema: lower-case ASCII letters, digits and {@code _}, starting with a letter, at
         * most 40 characters ({@code [a-z][a-z0-9_]{0,39}}). It is the only text the store puts into
         * SQL, and only after this check. Default: {@value JdbiKeyStore#DEFAULT_TABLE_PREFIX}.
         */
        public Builder tablePrefix(String prefix) {
            Identifiers.checkPrefix(prefix);
            once("tablePrefix");
            this.tablePrefix = prefix;
            return this;
        }

        /**
         * Whether, on PostgreSQL, writes send NOTIFY and {@link JdbiKeyStore#subscribe} listens for it
         * (holding one connection while anyone is subscribed) so that other nodes learn of revocations
         * at once instead of at their next poll. Ignored on H2. Default: {@code true}.
         */
        public Builder notifications(boolean enabled) {
            once("notifications");
            this.notifications = enabled;
            return this;
        }

        /**
         * Builds the store. Touches the database to detect the dialect if none was set, and on H2 to set
         * {@code WRITE_DELAY 0} (see the class comment).
         *
         * @throws KeyStoreException     if the dialect must be detected and the database cannot be reached
         * @throws IllegalStateException if the database is neither H2 nor PostgreSQL
         */
        public JdbiKeyStore build() {
            Dialect d = dialect != null ? dialect : detect();
            if (d == Dialect.H2) {
                durableCommits();
            }
            return new JdbiKeyStore(this, d);
        }

        /** H2 delays writing commits by 500 ms unless told otherwise; an acknowledged revocation must survive a kill. */
        private void durableCommits() {
            try {
                jdbi.useHandle(h -> h.execute("SET WRITE_DELAY 0"));
            } catch (JdbiException e) {
                LOG.debug("SET WRITE_DELAY 0 failed ({}); add ;WRITE_DELAY=0 to the H2 URL so commits are durable",
                        e.getClass().getSimpleName());
            }
        }

        private Dialect detect() {
            String product;
            try {
                product = jdbi.withHandle(h -> h.getConnection().getMetaData().getDatabaseProductName());
            } catch (SQLException | JdbiException e) {
                throw Failures.storeFailure("detectDialect", e);
            }
            Dialect d = Dialect.fromProductName(product);
            if (d == null) {
                throw new IllegalStateException("unsupported database '" + product
                        + "': JdbiKeyStore speaks H2 and PostgreSQL; set dialect(...) only if it is one of them");
            }
            return d;
        }
    }
}
