package dev.keyvault.jdbc;

import static java.util.Objects.requireNonNull;

import dev.keyvault.ApiKey;
import dev.keyvault.KeyEvent;
import dev.keyvault.KeyQuery;
import dev.keyvault.KeyStoreException;
import dev.keyvault.Revocation;
import dev.keyvault.Syntax;
import dev.keyvault.UsageRollup;
import dev.keyvault.jdbc.internal.PgNotifications;
import dev.keyvault.jdbc.internal.Rows;
import dev.keyvault.jdbc.internal.Schema;
import dev.keyvault.jdbc.internal.Sql;
import dev.keyvault.jdbc.internal.Transactions;
import dev.keyvault.jdbc.internal.UsageWrites;
import dev.keyvault.spi.ChangePage;
import dev.keyvault.spi.CreditAccount;
import dev.keyvault.spi.DueQuery;
import dev.keyvault.spi.KeyChange;
import dev.keyvault.spi.KeyStore;
import dev.keyvault.spi.PredecessorCondition;
import dev.keyvault.spi.Restamp;
import dev.keyvault.spi.RevokeOutcome;
import dev.keyvault.spi.RotationStamp;
import dev.keyvault.spi.StoredKey;
import dev.keyvault.spi.UsageBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;

/**
 * A {@link KeyStore} in a relational database through JDBI: H2 (the embedded default, in memory, in
 * a file or as a server) or PostgreSQL (the shared store of applications running on several nodes).
 * Built with {@link #builder(DataSource)}; its schema, guarantees and the H2 notes are described in
 * the {@linkplain dev.keyvault.jdbc package documentation}.
 *
 * <p>Immutable and thread-safe; share one instance between the managers of a process. It holds no
 * connection and no thread of its own, so there is nothing to close: connections are borrowed from
 * the host's {@code DataSource} (or {@code Jdbi}) per operation, and the one LISTEN connection and
 * thread of {@link #subscribe} live only while a subscription is open (a manager closes its own on
 * {@code close()}). Closing the pool stays the host's business.
 */
public final class JdbiKeyStore implements KeyStore {
    /** The newest schema version this release knows and {@link #migrate()} installs. */
    public static final int SCHEMA_VERSION = Schema.LATEST;
    /** The default table-name prefix. */
    public static final String DEFAULT_TABLE_PREFIX = "keyvault_";

    private final Dialect dialect;
    private final String tablePrefix;
    private final Sql sql;
    private final Schema schema;
    private final Transactions transactions;
    private final UsageWrites usage;
    private final boolean sendNotify;
    private final PgNotifications notifications;

    JdbiKeyStore(Jdbi jdbi, Dialect dialect, String tablePrefix, boolean notify) {
        this.dialect = dialect;
        this.tablePrefix = tablePrefix;
        this.sql = new Sql(dialect, tablePrefix);
        this.schema = new Schema(jdbi, dialect, dialect.resourceDirectory(), tablePrefix);
        this.transactions = new Transactions(jdbi, sql);
        this.usage = new UsageWrites(sql);
        this.sendNotify = notify;
        boolean listen = notify && PgNotifications.driverPresent(JdbiKeyStore.class.getClassLoader());
        this.notifications = listen ? new PgNotifications(jdbi, sql.channel()) : null;
    }

    /** A builder for a store on the host's {@code jdbi} (its connections, plugins and transaction handler). */
    public static JdbiKeyStoreBuilder builder(Jdbi jdbi) {
        return new JdbiKeyStoreBuilder(requireNonNull(jdbi, "jdbi"));
    }

    /** A builder for a store on {@code dataSource} (typically the host's connection pool). */
    public static JdbiKeyStoreBuilder builder(DataSource dataSource) {
        return new JdbiKeyStoreBuilder(Jdbi.create(requireNonNull(dataSource, "dataSource")));
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
     * Opt-in: hosts that manage their schema with Flyway run the same scripts instead (see the
     * package documentation).
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
    //
    // Arguments are not checked again here: the values (StoredKey, KeyEvent, ...) checked themselves
    // when they were made, and core checks key ids before it calls a store. Only what the SPI itself
    // requires is checked.

    @Override
    public void insert(StoredKey key, Optional<CreditAccount> credits, KeyEvent issued) {
        requireActive(key, "key");
        requireNonNull(credits, "credits");
        requireNonNull(issued, "issued");
        transactions.writeKey("insert", key, h -> {
            insertKey(h, key);
            credits.ifPresent(a -> upsertCredits(h, a));
            append(h, List.of(issued));
            return null;
        });
    }

    @Override
    public boolean insertSuccessor(String predecessorId, Optional<String> expectedSuccessor, StoredKey successor,
            Optional<Instant> predecessorExpiresAt, List<KeyEvent> events,
            PredecessorCondition condition) {
        requireNonNull(expectedSuccessor, "expectedSuccessor");
        requireActive(successor, "successor");
        requireNonNull(predecessorExpiresAt, "predecessorExpiresAt");
        requireNonNull(condition, "condition");
        List<KeyEvent> copy = List.copyOf(requireNonNull(events, "events"));
        if (!successor.key().predecessorId().equals(Optional.of(requireNonNull(predecessorId, "predecessorId")))) {
            throw new IllegalArgumentException("the successor must name its predecessor");
        }
        Long expiry = predecessorExpiresAt.map(Rows::millis).orElse(null);
        return transactions.writeKey("insertSuccessor", successor, h -> {
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
    }

    @Override
    public RevokeOutcome revoke(String keyId, Revocation revocation, boolean compromised, List<KeyEvent> events) {
        requireNonNull(revocation, "revocation");
        List<KeyEvent> copy = List.copyOf(requireNonNull(events, "events"));
        if (!mayName(keyId)) {
            return RevokeOutcome.NOT_FOUND;
        }
        long at = Rows.millis(revocation.at());
        return transactions.write("revoke", false, h -> {
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
        requireNonNull(event, "event");
        if (!mayName(keyId)) {
            return false;
        }
        return transactions.write("markCompromised", false, h -> {
            if (h.createUpdate(sql.markCompromised).bind("id", keyId).execute() == 0) {
                return false;
            }
            append(h, List.of(event));
            return true;
        });
    }

    @Override
    public boolean shortenExpiry(String keyId, Instant expiresAt, KeyEvent event) {
        long at = Rows.millis(requireNonNull(expiresAt, "expiresAt"));
        requireNonNull(event, "event");
        if (!mayName(keyId)) {
            return false;
        }
        return transactions.write("shortenExpiry", false, h -> {
            if (h.createUpdate(sql.shortenExpiry).bind("expiresAt", at).bind("id", keyId).execute() == 1) {
                append(h, List.of(event));
                return true;
            }
            return exists(h, keyId);
        });
    }

    @Override
    public boolean replaceHash(String keyId, String expectedHash, String newHash, KeyEvent event) {
        requireNonNull(expectedHash, "expectedHash");
        requireNonNull(newHash, "newHash");
        requireNonNull(event, "event");
        // No value type has checked this one (core takes it from the hasher as it is), and a row with a
        // hash StoredKey refuses could never be read again.
        if (newHash.isEmpty() || newHash.length() > 512) {
            throw new IllegalArgumentException("newHash must be 1-512 characters");
        }
        if (!mayName(keyId)) {
            return false;
        }
        return transactions.write("replaceHash", false, h -> {
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
    public boolean update(StoredKey next, long expectedRevision, Optional<CreditAccount> credits, List<KeyEvent> events) {
        requireNonNull(next, "next");
        requireNonNull(credits, "credits");
        List<KeyEvent> copy = List.copyOf(requireNonNull(events, "events"));
        ApiKey k = next.key();
        Optional<RotationStamp> stamp = next.rotation();
        return transactions.writeUpdate("update", h -> {
            int changed;
            changed = Transactions.insertKeyCount(h.createUpdate(sql.updateKey)
                    .bind("name", k.name())
                    .bind("scopes", Rows.join(k.scopes()))
                    .bind("tier", k.tier())
                    .bind("riskClass", k.riskClass().map(Enum::name).orElse(null))
                    .bind("expiresAt", k.expiresAt().map(Rows::millis).orElse(null))
                    .bind("ipAllowlist", Rows.joinRanges(k.ipAllowlist()))
                    .bind("metadata", Rows.encodeMetadata(k.metadata()))
                    .bind("creditAccount", k.creditAccount().orElse(null))
                    .bind("dueAt", stamp.map(r -> Rows.millis(r.dueAt())).orElse(null))
                    .bind("duePolicy", stamp.map(RotationStamp::policy).orElse(null))
                    .bind("id", k.id())
                    .bind("expected", expectedRevision));
            if (changed == 0) {
                return false;
            }
            h.createUpdate(sql.deleteMetadata).bind("keyId", k.id()).execute();
            insertMetadata(h, k);
            credits.ifPresent(a -> upsertCredits(h, a));
            append(h, copy);
            return true;
        });
    }

    @Override
    public Optional<CreditAccount> findCredits(String accountId) {
        if (!mayName(accountId)) {
            return Optional.empty();
        }
        return transactions.read("findCredits", h -> h.createQuery(sql.findCredits).bind("id", accountId).map(Rows.CREDITS).findOne());
    }

    @Override
    public boolean replaceCredits(CreditAccount expected, CreditAccount next) {
        requireNonNull(expected, "expected");
        requireNonNull(next, "next");
        if (!expected.id().equals(next.id())) {
            throw new IllegalArgumentException("expected and next must be the same account");
        }
        return transactions.write("replaceCredits", false, h -> h.createUpdate(sql.replaceCredits)
                .bind("balance", next.balance())
                .bind("refill", next.refill().encode())
                .bind("generation", next.generation())
                .bind("nextRefill", next.nextRefillAt().map(Rows::millis).orElse(null))
                .bind("id", next.id())
                .bind("expectedGeneration", expected.generation())
                .bind("expectedBalance", expected.balance())
                .execute() == 1);
    }

    @Override
    public List<StoredKey> listRotationDue(DueQuery query) {
        requireNonNull(query, "query");
        KeyQuery f = query.filter();
        String statement = sql.listDue(f.owner().isPresent(), f.environment().isPresent(), f.tag().isPresent(),
                query.afterId().isPresent(), f.metadata().size());
        return transactions.read("listRotationDue", h -> {
            Query q = h.createQuery(statement)
                    .bind("dueBy", Rows.millis(query.dueBy()))
                    .bind("activeAt", Rows.millis(query.activeAt()))
                    .bind("limit", query.limit());
            bindFilters(q, f);
            query.afterDueAt().ifPresent(d -> q.bind("afterDue", Rows.millis(d)));
            query.afterId().ifPresent(a -> q.bind("afterId", a));
            return q.map(Rows.KEY).list();
        });
    }

    @Override
    public List<Long> countRotationDue(DueQuery query, List<Instant> dueBys) {
        requireNonNull(query, "query");
        DueQuery.checkDueBys(dueBys);
        KeyQuery f = query.filter();
        String statement = sql.countDue(dueBys.size(), f.owner().isPresent(), f.environment().isPresent(), f.tag().isPresent(),
                f.metadata().size());
        Instant latest = dueBys.stream().max(Instant::compareTo).orElseThrow();
        return transactions.read("countRotationDue", h -> {
            Query q = h.createQuery(statement)
                    .bind("dueBy", Rows.millis(latest))
                    .bind("activeAt", Rows.millis(query.activeAt()));
            for (int i = 0; i < dueBys.size(); i++) {
                q.bind("dueBy" + i, Rows.millis(dueBys.get(i)));
            }
            bindFilters(q, f);
            return q.map((rs, ctx) -> {
                List<Long> counts = new ArrayList<>(dueBys.size());
                for (int i = 1; i <= dueBys.size(); i++) {
                    counts.add(rs.getLong(i));
                }
                return List.copyOf(counts);
            }).one();
        });
    }

    @Override
    public List<StoredKey> listToRestamp(Optional<String> otherThan, Optional<String> afterId, int limit) {
        requireNonNull(otherThan, "otherThan");
        requireNonNull(afterId, "afterId");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        String statement = sql.listToRestamp(otherThan.isPresent(), afterId.isPresent());
        return transactions.read("listToRestamp", h -> {
            Query q = h.createQuery(statement).bind("limit", limit);
            otherThan.ifPresent(p -> q.bind("policy", p));
            afterId.ifPresent(a -> q.bind("afterId", a));
            return q.map(Rows.KEY).list();
        });
    }

    @Override
    public int restamp(List<Restamp> stamps) {
        List<Restamp> copy = List.copyOf(requireNonNull(stamps, "stamps"));
        if (copy.isEmpty()) {
            return 0;
        }
        return transactions.write("restamp", false, h -> {
            PreparedBatch batch = h.prepareBatch(sql.restamp);
            for (Restamp r : copy) {
                batch.bind("dueAt", Rows.millis(r.stamp().dueAt())).bind("duePolicy", r.stamp().policy())
                        .bind("id", r.keyId()).bind("expected", r.expectedRevision()).add();
            }
            int written = 0;
            for (int n : batch.execute()) {
                written += Math.max(0, n);
            }
            return written;
        });
    }

    @Override
    public int deleteUsageBefore(Instant before, int limit) {
        long cut = Rows.ceilMillis(requireNonNull(before, "before"));
        positive(limit);
        return transactions.write("deleteUsageBefore", false,
                h -> h.createUpdate(sql.deleteUsageBefore).bind("before", cut).bind("limit", limit).execute());
    }

    /**
     * Reads and locks a batch of rollups not truncated yet, deletes them and writes them back with
     * their addresses truncated, merged where they became equal — in one transaction, so a flush that
     * meets these rows waits for it and then adds to what is there.
     */
    @Override
    public int truncateUsageAddresses(Instant before, int limit, UnaryOperator<String> truncate) {
        long cut = Rows.ceilMillis(requireNonNull(before, "before"));
        requireNonNull(truncate, "truncate");
        positive(limit);
        return transactions.write("truncateUsageAddresses", usage.mayConflict(), h -> {
            List<UsageRollup> batch = h.createQuery(sql.selectUntruncated).bind("before", cut).bind("limit", limit)
                    .map(Rows.USAGE).list();
            if (batch.isEmpty()) {
                return 0;
            }
            PreparedBatch delete = h.prepareBatch(sql.deleteRollup);
            Map<List<Object>, UsageRollup> merged = new LinkedHashMap<>();
            for (UsageRollup r : batch) {
                delete.bind("keyId", r.keyId()).bind("minute", r.minute().toEpochMilli()).bind("method", r.method())
                        .bind("endpoint", r.endpoint()).bind("clientIp", r.clientIp()).bind("userAgent", r.userAgent())
                        .bind("consumer", r.consumer()).bind("status", r.status()).bind("refusal", r.refusal()).add();
                String ip = requireNonNull(truncate.apply(r.clientIp()), "truncated address");
                UsageRollup moved = new UsageRollup(r.keyId(), r.minute(), r.method(), r.endpoint(), ip, r.userAgent(),
                        r.consumer(), r.status(), r.count(), r.firstSeen(), r.lastSeen(), r.refusal());
                merged.merge(List.of(r.keyId(), r.minute(), r.method(), r.endpoint(), ip, r.userAgent(), r.consumer(), r.status(),
                        r.refusal()), moved, JdbiKeyStore::merge);
            }
            delete.execute();
            usage.upsert(h, new ArrayList<>(merged.values()), true);
            return batch.size();
        });
    }

    private static UsageRollup merge(UsageRollup a, UsageRollup b) {
        return new UsageRollup(a.keyId(), a.minute(), a.method(), a.endpoint(), a.clientIp(), a.userAgent(), a.consumer(),
                a.status(), a.count() + b.count(), a.firstSeen().isBefore(b.firstSeen()) ? a.firstSeen() : b.firstSeen(),
                a.lastSeen().isAfter(b.lastSeen()) ? a.lastSeen() : b.lastSeen(), a.refusal());
    }

    @Override
    public int deleteUsage(Collection<String> keyIds, int limit) {
        requireNonNull(keyIds, "keyIds");
        positive(limit);
        List<String> ids = new ArrayList<>();
        for (String id : keyIds) {
            if (mayName(id)) {
                ids.add(id);
            }
        }
        if (ids.isEmpty()) {
            return 0;
        }
        return transactions.write("deleteUsage", false, h -> h.createUpdate(sql.deleteUsageOfKeys)
                .bindArray("ids", String.class, ids).bind("limit", limit).execute());
    }

    private static void positive(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
    }

    @Override
    public void appendEvent(KeyEvent event) {
        requireNonNull(event, "event");
        transactions.write("appendEvent", false, h -> {
            append(h, List.of(event));
            return null;
        });
    }

    /** Under the key row's lock: concurrent callers for one key check and append one after the other. */
    @Override
    public boolean appendEventOnce(KeyEvent event) {
        requireNonNull(event, "event");
        if (!mayName(event.keyId())) {
            return false;
        }
        return transactions.write("appendEventOnce", false, h -> {
            if (h.createQuery(sql.lockKey).bind("id", event.keyId()).mapTo(String.class).findOne().isEmpty()) {
                return false;
            }
            boolean recorded = h.createQuery(sql.eventRecorded).bind("id", event.keyId()).bind("type", event.type().name())
                    .bind("detail", event.detail()).mapTo(Integer.class).findOne().isPresent();
            if (recorded) {
                return false;
            }
            append(h, List.of(event));
            return true;
        });
    }

    /** Writes the batch in two statements, one per table (see the package documentation). */
    @Override
    public void applyUsage(UsageBatch batch) {
        requireNonNull(batch, "batch");
        if (batch.isEmpty()) {
            return;
        }
        transactions.write("applyUsage", usage.mayConflict(), h -> {
            usage.apply(h, batch);
            return null;
        });
    }

    @Override
    public int pruneChanges(Instant before) {
        long cut = Rows.ceilMillis(requireNonNull(before, "before"));
        return transactions.write("pruneChanges", false, h -> {
            // Locking the counter row stops feed appends while we look, so the deleted entries are
            // exactly a prefix of the feed and pruned_through describes them.
            long last = Transactions.feedCounter(h.createQuery(sql.lockFeed).mapTo(Long.class).findOne());
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
        if (!mayName(keyId)) {
            return Optional.empty();
        }
        return transactions.read("find", h -> h.createQuery(sql.findKey).bind("id", keyId).map(Rows.KEY).findOne());
    }

    @Override
    public Optional<StoredKey> findByLegacyLookup(String lookup) {
        requireNonNull(lookup, "lookup");
        if (!StoredKey.REFERENCE.matcher(lookup).matches()) {
            return Optional.empty(); // no stored lookup value is like this (and PostgreSQL refuses a NUL in text)
        }
        return transactions.read("findByLegacyLookup",
                h -> h.createQuery(sql.findByLegacyLookup).bind("lookup", lookup).map(Rows.KEY).findOne());
    }

    @Override
    public List<StoredKey> list(KeyQuery query) {
        requireNonNull(query, "query");
        String statement = sql.list(query.owner().isPresent(), query.status().isPresent(), query.environment().isPresent(),
                query.tag().isPresent(), query.afterId().isPresent(), query.metadata().size());
        return transactions.read("list", h -> {
            Query q = h.createQuery(statement).bind("limit", query.limit());
            bindFilters(q, query);
            query.status().ifPresent(s -> q.bind("status", s.name()));
            query.afterId().ifPresent(a -> q.bind("afterId", a));
            return q.map(Rows.KEY).list();
        });
    }

    /** The owner, environment, tag and metadata criteria of {@code f}. */
    private static void bindFilters(Query q, KeyQuery f) {
        f.owner().ifPresent(o -> q.bind("owner", o));
        f.environment().ifPresent(e -> q.bind("environment", e));
        f.tag().ifPresent(t -> q.bind("tag", t));
        int i = 0;
        for (Map.Entry<String, String> m : f.metadata().entrySet()) {
            q.bind("mn" + i, m.getKey()).bind("mv" + i, m.getValue());
            i++;
        }
    }

    @Override
    public List<KeyEvent> history(String keyId) {
        if (!mayName(keyId)) {
            return List.of();
        }
        return transactions.read("history", h -> h.createQuery(sql.history).bind("id", keyId).map(Rows.EVENT).list());
    }

    @Override
    public List<UsageRollup> usage(String keyId, Instant from, Instant to) {
        long f = Rows.ceilMillis(requireNonNull(from, "from"));
        long t = Rows.ceilMillis(requireNonNull(to, "to"));
        if (!mayName(keyId)) {
            return List.of();
        }
        return transactions.read("usage", h -> h.createQuery(sql.usage).bind("id", keyId).bind("from", f).bind("to", t)
                .map(Rows.USAGE).list());
    }

    @Override
    public long latestSequence() {
        return transactions.read("latestSequence",
                h -> Transactions.feedCounter(h.createQuery(sql.lastSequence).mapTo(Long.class).findOne()));
    }

    @Override
    public ChangePage changesSince(long afterSequence, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        return transactions.read("changesSince", h -> {
            List<KeyChange> changes = h.createQuery(sql.changesSince).bind("after", afterSequence).bind("limit", limit)
                    .map(Rows.CHANGE).list();
            // Read after the entries: if a prune removed entries we needed, it committed before the
            // query above and so is visible here; reading it first could miss a prune in between.
            long pruned = h.createQuery(sql.prunedThrough).mapTo(Long.class).findOne().orElse(0L);
            return new ChangePage(changes, afterSequence < pruned);
        });
    }

    /**
     * On PostgreSQL (with pgjdbc on the classpath and {@linkplain JdbiKeyStoreBuilder#notifications
     * notifications} on), calls {@code listener} soon after any node commits a change-feed entry,
     * through LISTEN/NOTIFY on one dedicated connection and daemon thread, held while anyone is
     * subscribed and given back within half a second of the last subscription's close. Otherwise does
     * nothing, and followers poll on their interval.
     */
    @Override
    public AutoCloseable subscribe(Runnable listener) {
        requireNonNull(listener, "listener");
        return notifications == null ? () -> {} : notifications.subscribe(listener);
    }

    // -------------------------------------------------------------------------------- helpers

    /**
     * Whether {@code keyId} can name a stored key. This is not a second validation (core has checked
     * the id, and nothing here throws for it): every stored id passed {@link ApiKey}'s check, so a
     * string that is not a key id names no row, and the store says so without asking a database that
     * could fail on it (PostgreSQL refuses the NUL character in text).
     */
    private static boolean mayName(String keyId) {
        return Syntax.isKeyId(requireNonNull(keyId, "keyId"));
    }

    private static void requireActive(StoredKey key, String what) {
        if (!requireNonNull(key, what).key().isActive()) {
            throw new IllegalArgumentException("a new key must be ACTIVE");
        }
    }

    private void insertKey(Handle h, StoredKey stored) {
        ApiKey k = stored.key();
        Transactions.insertKey(h.createUpdate(sql.insertKey)
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
                .bind("importedAt", k.importedAt().map(Rows::millis).orElse(null))
                .bind("legacyLookup", stored.legacyLookup().orElse(null))
                .bind("importRef", stored.importRef().orElse(null))
                .bind("ipAllowlist", Rows.joinRanges(k.ipAllowlist()))
                .bind("metadata", Rows.encodeMetadata(k.metadata()))
                .bind("creditAccount", k.creditAccount().orElse(null))
                .bind("dueAt", stored.rotation().map(r -> Rows.millis(r.dueAt())).orElse(null))
                .bind("duePolicy", stored.rotation().map(RotationStamp::policy).orElse(null)));
        if (!k.tags().isEmpty()) {
            PreparedBatch tags = h.prepareBatch(sql.insertTag);
            for (String tag : k.tags()) {
                tags.bind("tag", tag).bind("keyId", k.id()).add();
            }
            tags.execute();
        }
        insertMetadata(h, k);
    }

    private void insertMetadata(Handle h, ApiKey k) {
        if (!k.metadata().isEmpty()) {
            PreparedBatch rows = h.prepareBatch(sql.insertMetadata);
            for (Map.Entry<String, String> m : k.metadata().entrySet()) {
                rows.bind("keyId", k.id()).bind("name", m.getKey()).bind("value", m.getValue()).add();
            }
            rows.execute();
        }
    }

    private void upsertCredits(Handle h, CreditAccount a) {
        h.createUpdate(sql.upsertCredits)
                .bind("id", a.id())
                .bind("balance", a.balance())
                .bind("refill", a.refill().encode())
                .bind("generation", a.generation())
                .bind("nextRefill", a.nextRefillAt().map(Rows::millis).orElse(null))
                .execute();
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
        long last = Transactions.feedCounter(h.createQuery(sql.bumpSequence).bind("n", n).mapTo(Long.class).findOne());
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

    @Override
    public String toString() {
        return "JdbiKeyStore[" + dialect + ", tablePrefix=" + tablePrefix + "]";
    }
}
