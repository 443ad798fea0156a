package dev.keyvault.jdbc.internal;

import static java.util.Objects.requireNonNull;

import dev.keyvault.jdbc.Dialect;

/**
 * Every statement the store runs, for one dialect and table prefix, rendered once at construction.
 * The prefix is the only thing spliced into SQL, and only after {@link Identifiers#checkPrefix}
 * accepted it; every value is a bind parameter. Immutable and thread-safe.
 */
public final class Sql {
    static final String KEY_COLUMNS = "id, prefix, owner, name, scopes, tier, environment, tags, risk_class,"
            + " created_at_ms, expires_at_ms, last_used_at_ms, status, revoked_at_ms, revoked_reason, revoked_by,"
            + " predecessor_id, successor_id, compromised, hash, imported_at_ms, legacy_lookup, import_ref,"
            + " ip_allowlist, metadata, credit_account, rotation_due_at_ms, rotation_policy, revision";
    private static final String USAGE_COLUMNS = "key_id, minute_ms, method, endpoint, client_ip, user_agent, consumer,"
            + " http_status, request_count, first_seen_ms, last_seen_ms, refusal, address_truncated";
    private static final String USAGE_READ = "key_id, minute_ms, method, endpoint, client_ip, user_agent, consumer,"
            + " http_status, request_count, first_seen_ms, last_seen_ms, refusal";
    private static final String USAGE_KEY = "key_id, minute_ms, method, endpoint, client_ip, user_agent, consumer, http_status,"
            + " refusal";
    private static final String CREDIT_COLUMNS = "account_id, balance, refill, generation, next_refill_at_ms";

    private final String p;
    private final boolean postgres;

    /**
     * Whether {@link #upsertUsage} can fail with a unique violation that a rerun resolves: H2's MERGE
     * is not an atomic upsert, so two nodes inserting the same new rollup at once make one fail, and
     * running the batch again then finds the row. PostgreSQL's ON CONFLICT cannot fail that way.
     */
    public final boolean upsertUsageMayConflict;

    public final String insertKey;
    public final String insertTag;
    public final String findKey;
    public final String findByLegacyLookup;
    public final String importRefExists;
    public final String legacyLookupExists;
    public final String keyExists;
    public final String revoke;
    public final String markCompromised;
    public final String shortenExpiry;
    public final String replaceHash;
    public final String linkSuccessor;
    /** PostgreSQL: one statement that bumps and returns; H2: bump, then {@link #lastSequence}. */
    public final String bumpSequence;
    public final String lastSequence;
    public final String insertHistory;
    public final String insertChange;
    public final String notifyChanges;
    public final String history;
    public final String usage;
    public final String upsertUsage;
    public final String touchLastUsed;
    public final String changesSince;
    public final String prunedThrough;
    public final String lockFeed;
    /** The key row, locked until the transaction ends. */
    public final String lockKey;
    /** Whether the key's history holds an event of this type and detail. */
    public final String eventRecorded;
    public final String firstKeptChange;
    public final String deleteChanges;
    public final String advancePruned;
    public final String insertMetadata;
    public final String deleteMetadata;
    public final String updateKey;
    public final String findCredits;
    public final String upsertCredits;
    public final String replaceCredits;
    public final String restamp;
    public final String deleteUsageBefore;
    public final String deleteUsageOfKeys;
    public final String selectUntruncated;
    public final String deleteRollup;

    public Sql(Dialect dialect, String prefix) {
        this.p = Identifiers.checkPrefix(prefix);
        this.postgres = requireNonNull(dialect, "dialect") == Dialect.POSTGRESQL;
        this.upsertUsageMayConflict = !postgres;

        insertKey = "INSERT INTO " + t("keys") + " (" + KEY_COLUMNS + ") VALUES (:id, :prefix, :owner, :name, :scopes,"
                + " :tier, :environment, :tags, :riskClass, :createdAt, :expiresAt, :lastUsedAt, 'ACTIVE', NULL, NULL, NULL,"
                + " :predecessorId, :successorId, :compromised, :hash, :importedAt, :legacyLookup, :importRef,"
                + " :ipAllowlist, :metadata, :creditAccount, :dueAt, :duePolicy, 0)";
        insertMetadata = "INSERT INTO " + t("key_metadata") + " (key_id, entry_name, entry_value) VALUES (:keyId, :name, :value)";
        deleteMetadata = "DELETE FROM " + t("key_metadata") + " WHERE key_id = :keyId";
        // The compare-and-set of an in-place change: only an active key at the revision the caller read.
        updateKey = "UPDATE " + t("keys") + " SET name = :name, scopes = :scopes, tier = :tier, risk_class = :riskClass,"
                + " expires_at_ms = :expiresAt, ip_allowlist = :ipAllowlist, metadata = :metadata, credit_account = :creditAccount,"
                + " rotation_due_at_ms = :dueAt, rotation_policy = :duePolicy, revision = revision + 1"
                + " WHERE id = :id AND status = 'ACTIVE' AND revision = :expected";
        findCredits = "SELECT " + CREDIT_COLUMNS + " FROM " + t("credits") + " WHERE account_id = :id";
        upsertCredits = postgres
                ? "INSERT INTO " + t("credits") + " (" + CREDIT_COLUMNS + ") VALUES (:id, :balance, :refill, :generation, :nextRefill)"
                        + " ON CONFLICT (account_id) DO UPDATE SET balance = EXCLUDED.balance, refill = EXCLUDED.refill,"
                        + " generation = EXCLUDED.generation, next_refill_at_ms = EXCLUDED.next_refill_at_ms"
                : "MERGE INTO " + t("credits") + " (" + CREDIT_COLUMNS + ") KEY (account_id)"
                        + " VALUES (:id, :balance, :refill, :generation, :nextRefill)";
        replaceCredits = "UPDATE " + t("credits") + " SET balance = :balance, refill = :refill, generation = :generation,"
                + " next_refill_at_ms = :nextRefill WHERE account_id = :id AND generation = :expectedGeneration"
                + " AND balance = :expectedBalance";
        restamp = "UPDATE " + t("keys") + " SET rotation_due_at_ms = :dueAt, rotation_policy = :duePolicy"
                + " WHERE id = :id AND revision = :expected AND status = 'ACTIVE'";
        // Bounded deletes, so a retention run over millions of rollups is many short transactions.
        deleteUsageBefore = postgres
                ? "DELETE FROM " + t("usage") + " WHERE ctid IN (SELECT ctid FROM " + t("usage")
                        + " WHERE minute_ms < :before LIMIT :limit)"
                : "DELETE FROM " + t("usage") + " WHERE minute_ms < :before FETCH FIRST :limit ROWS ONLY";
        deleteUsageOfKeys = postgres
                ? "DELETE FROM " + t("usage") + " WHERE ctid IN (SELECT ctid FROM " + t("usage")
                        + " WHERE key_id = ANY(CAST(:ids AS VARCHAR ARRAY)) LIMIT :limit)"
                : "DELETE FROM " + t("usage") + " WHERE key_id = ANY(CAST(:ids AS VARCHAR ARRAY)) FETCH FIRST :limit ROWS ONLY";
        selectUntruncated = "SELECT " + USAGE_READ + " FROM " + t("usage") + " WHERE minute_ms < :before AND NOT address_truncated"
                + " ORDER BY minute_ms LIMIT :limit FOR UPDATE";
        deleteRollup = "DELETE FROM " + t("usage") + " WHERE key_id = :keyId AND minute_ms = :minute AND method = :method"
                + " AND endpoint = :endpoint AND client_ip = :clientIp AND user_agent = :userAgent AND consumer = :consumer"
                + " AND http_status = :status AND refusal = :refusal";
        insertTag = "INSERT INTO " + t("key_tags") + " (tag, key_id) VALUES (:tag, :keyId)";
        findKey = "SELECT " + KEY_COLUMNS + " FROM " + t("keys") + " WHERE id = :id";
        findByLegacyLookup = "SELECT " + KEY_COLUMNS + " FROM " + t("keys") + " WHERE legacy_lookup = :lookup";
        importRefExists = "SELECT COUNT(*) FROM " + t("keys") + " WHERE import_ref = :ref";
        legacyLookupExists = "SELECT COUNT(*) FROM " + t("keys") + " WHERE legacy_lookup = :lookup";
        keyExists = "SELECT COUNT(*) FROM " + t("keys") + " WHERE id = :id";
        revoke = "UPDATE " + t("keys") + " SET status = 'REVOKED', revoked_at_ms = :at, revoked_reason = :reason,"
                + " revoked_by = :actor, compromised = (compromised OR :compromised), rotation_due_at_ms = NULL,"
                + " rotation_policy = NULL, revision = revision + 1 WHERE id = :id AND status = 'ACTIVE'";
        markCompromised = "UPDATE " + t("keys") + " SET compromised = TRUE, revision = revision + 1,"
                + " rotation_due_at_ms = CASE WHEN rotation_due_at_ms IS NULL THEN NULL ELSE created_at_ms END"
                + " WHERE id = :id AND compromised = FALSE";
        shortenExpiry = "UPDATE " + t("keys") + " SET expires_at_ms = :expiresAt, revision = revision + 1"
                + " WHERE id = :id AND (expires_at_ms IS NULL OR expires_at_ms > :expiresAt)";
        replaceHash = "UPDATE " + t("keys") + " SET hash = :newHash WHERE id = :id AND hash = :expectedHash";
        // The compare-and-set of a rotation: only if the link still equals what the caller saw.
        linkSuccessor = "UPDATE " + t("keys") + " SET successor_id = :successorId, revision = revision + 1,"
                + " expires_at_ms = CASE WHEN CAST(:expiresAt AS BIGINT) IS NOT NULL"
                + " AND (expires_at_ms IS NULL OR expires_at_ms > CAST(:expiresAt AS BIGINT))"
                + " THEN CAST(:expiresAt AS BIGINT) ELSE expires_at_ms END"
                + " WHERE id = :id AND successor_id IS NOT DISTINCT FROM CAST(:expected AS VARCHAR(12))"
                + " AND (status = 'ACTIVE' OR CAST(:mayBeRevoked AS BOOLEAN))";
        // Increments the counter and returns it in one statement (H2: a data change delta table).
        String bump = "UPDATE " + t("feed_state") + " SET last_seq = last_seq + :n WHERE id = 1";
        bumpSequence = postgres ? bump + " RETURNING last_seq" : "SELECT last_seq FROM FINAL TABLE (" + bump + ")";
        lastSequence = "SELECT last_seq FROM " + t("feed_state") + " WHERE id = 1";
        insertHistory = "INSERT INTO " + t("history") + " (seq, key_id, event_type, at_ms, actor, detail)"
                + " VALUES (:seq, :keyId, :type, :at, :actor, :detail)";
        insertChange = "INSERT INTO " + t("changes") + " (seq, key_id, event_type, at_ms) VALUES (:seq, :keyId, :type, :at)";
        notifyChanges = "NOTIFY " + channel();
        history = "SELECT key_id, event_type, at_ms, actor, detail FROM " + t("history") + " WHERE key_id = :id ORDER BY seq";
        usage = "SELECT " + USAGE_READ + " FROM " + t("usage")
                + " WHERE key_id = :id AND minute_ms >= :from AND minute_ms < :to"
                + " ORDER BY minute_ms, endpoint, client_ip, http_status, method, user_agent, consumer, refusal";
        String unnestUsage = "UNNEST(CAST(:keyIds AS VARCHAR ARRAY), CAST(:minutes AS BIGINT ARRAY),"
                + " CAST(:methods AS VARCHAR ARRAY), CAST(:endpoints AS VARCHAR ARRAY), CAST(:clientIps AS VARCHAR ARRAY),"
                + " CAST(:userAgents AS VARCHAR ARRAY), CAST(:consumers AS VARCHAR ARRAY), CAST(:statuses AS INTEGER ARRAY),"
                + " CAST(:counts AS BIGINT ARRAY), CAST(:firsts AS BIGINT ARRAY), CAST(:lasts AS BIGINT ARRAY),"
                + " CAST(:refusals AS VARCHAR ARRAY), CAST(:truncated AS BOOLEAN ARRAY))";
        String unnestLastUsed = "UNNEST(CAST(:ids AS VARCHAR ARRAY), CAST(:ats AS BIGINT ARRAY))";
        if (postgres) {
            // One statement per batch whatever its size: the rows travel as 13 arrays. Sorted by the
            // rollup key, so concurrent flushes of several nodes lock rows in the same order.
            upsertUsage = "INSERT INTO " + t("usage") + " AS t (" + USAGE_COLUMNS + ") SELECT * FROM " + unnestUsage
                    + " AS u(" + USAGE_COLUMNS + ") ORDER BY " + USAGE_KEY + " ON CONFLICT (" + USAGE_KEY + ") DO UPDATE SET"
                    + " request_count = t.request_count + EXCLUDED.request_count,"
                    + " first_seen_ms = LEAST(t.first_seen_ms, EXCLUDED.first_seen_ms),"
                    + " last_seen_ms = GREATEST(t.last_seen_ms, EXCLUDED.last_seen_ms),"
                    + " address_truncated = (t.address_truncated OR EXCLUDED.address_truncated)";
            touchLastUsed = "UPDATE " + t("keys") + " AS k SET last_used_at_ms = u.at_ms FROM " + unnestLastUsed
                    + " AS u(id, at_ms) WHERE k.id = u.id COLLATE \"C\""
                    + " AND (k.last_used_at_ms IS NULL OR k.last_used_at_ms < u.at_ms)";
        } else {
            upsertUsage = "MERGE INTO " + t("usage") + " AS t USING (SELECT * FROM " + unnestUsage + " AS v(" + USAGE_COLUMNS
                    + ") ORDER BY " + USAGE_KEY + ") AS u ON t.key_id = u.key_id AND t.minute_ms = u.minute_ms AND t.method = u.method"
                    + " AND t.endpoint = u.endpoint AND t.client_ip = u.client_ip AND t.user_agent = u.user_agent"
                    + " AND t.consumer = u.consumer AND t.http_status = u.http_status AND t.refusal = u.refusal"
                    + " WHEN MATCHED THEN UPDATE SET request_count = t.request_count + u.request_count,"
                    + " first_seen_ms = LEAST(t.first_seen_ms, u.first_seen_ms),"
                    + " last_seen_ms = GREATEST(t.last_seen_ms, u.last_seen_ms),"
                    + " address_truncated = (t.address_truncated OR u.address_truncated)"
                    + " WHEN NOT MATCHED THEN INSERT (" + USAGE_COLUMNS + ") VALUES (u.key_id, u.minute_ms, u.method,"
                    + " u.endpoint, u.client_ip, u.user_agent, u.consumer, u.http_status, u.request_count,"
                    + " u.first_seen_ms, u.last_seen_ms, u.refusal, u.address_truncated)";
            touchLastUsed = "MERGE INTO " + t("keys") + " AS k USING (SELECT * FROM " + unnestLastUsed + ") AS u(id, at_ms)"
                    + " ON k.id = u.id WHEN MATCHED AND (k.last_used_at_ms IS NULL OR k.last_used_at_ms < u.at_ms)"
                    + " THEN UPDATE SET last_used_at_ms = u.at_ms";
        }
        changesSince = "SELECT seq, key_id, event_type, at_ms FROM " + t("changes") + " WHERE seq > :after ORDER BY seq LIMIT :limit";
        prunedThrough = "SELECT pruned_through FROM " + t("feed_state") + " WHERE id = 1";
        lockFeed = "SELECT last_seq FROM " + t("feed_state") + " WHERE id = 1 FOR UPDATE";
        lockKey = "SELECT id FROM " + t("keys") + " WHERE id = :id FOR UPDATE";
        eventRecorded = "SELECT 1 FROM " + t("history") + " WHERE key_id = :id AND event_type = :type AND detail = :detail"
                + " FETCH FIRST 1 ROWS ONLY";
        firstKeptChange = "SELECT MIN(seq) FROM " + t("changes") + " WHERE at_ms >= :before";
        deleteChanges = "DELETE FROM " + t("changes") + " WHERE seq < :cutoff";
        advancePruned = "UPDATE " + t("feed_state") + " SET pruned_through = :through WHERE id = 1 AND pruned_through < :through";
    }

    /** The table called {@code name}, with the prefix. */
    public String t(String name) {
        return p + name;
    }

    /** The LISTEN/NOTIFY channel of this prefix. */
    public String channel() {
        return p + "changes";
    }

    /** The key query for the given criteria; only fixed fragments are concatenated. */
    public String list(boolean owner, boolean status, boolean environment, boolean tag, boolean afterId, int metadata) {
        StringBuilder sql = new StringBuilder(256).append("SELECT ").append(KEY_COLUMNS).append(" FROM ").append(t("keys"))
                .append(" k WHERE 1 = 1");
        filters(sql, owner, status, environment, tag, metadata);
        if (afterId) {
            sql.append(" AND k.id > :afterId");
        }
        return sql.append(" ORDER BY k.id LIMIT :limit").toString();
    }

    /**
     * The due keys for the given criteria: active, stamped at or before {@code :dueBy}, not expired at
     * {@code :activeAt}, after the cursor ({@code (:afterDue, :afterId)}), in index order — a range scan
     * of {@code keys_rotation_due}.
     */
    public String listDue(boolean owner, boolean environment, boolean tag, boolean after, int metadata) {
        StringBuilder sql = new StringBuilder(320).append("SELECT ").append(KEY_COLUMNS).append(" FROM ").append(t("keys"))
                .append(" k WHERE k.rotation_due_at_ms IS NOT NULL AND k.rotation_due_at_ms <= :dueBy AND k.status = 'ACTIVE'")
                .append(" AND (k.expires_at_ms IS NULL OR k.expires_at_ms > :activeAt)");
        filters(sql, owner, false, environment, tag, metadata);
        if (after) {
            // PostgreSQL takes a row comparison as the index range's lower bound; H2 gets one it can use spelled out.
            sql.append(postgres ? " AND (k.rotation_due_at_ms, k.id) > (:afterDue, :afterId)"
                    : " AND k.rotation_due_at_ms >= :afterDue AND (k.rotation_due_at_ms > :afterDue OR k.id > :afterId)");
        }
        return sql.append(" ORDER BY k.rotation_due_at_ms, k.id LIMIT :limit").toString();
    }

    /**
     * The number of keys {@link #listDue} lists over all pages with due-by {@code :dueBy0} … {@code :dueBy<n-1>}:
     * one range of the index, read once up to the latest ({@code :dueBy}), with one sum per due-by.
     */
    public String countDue(int dueBys, boolean owner, boolean environment, boolean tag, int metadata) {
        StringBuilder sql = new StringBuilder(320).append("SELECT ");
        for (int i = 0; i < dueBys; i++) {
            sql.append(i == 0 ? "" : ", ").append("COALESCE(SUM(CASE WHEN k.rotation_due_at_ms <= :dueBy").append(i)
                    .append(" THEN 1 ELSE 0 END), 0)");
        }
        sql.append(" FROM ").append(t("keys"))
                .append(" k WHERE k.rotation_due_at_ms IS NOT NULL AND k.rotation_due_at_ms <= :dueBy AND k.status = 'ACTIVE'")
                .append(" AND (k.expires_at_ms IS NULL OR k.expires_at_ms > :activeAt)");
        filters(sql, owner, false, environment, tag, metadata);
        return sql.toString();
    }

    /** Active keys without a rotation stamp, or (with {@code otherPolicy}) stamped by another policy, by id. */
    public String listToRestamp(boolean otherPolicy, boolean afterId) {
        StringBuilder sql = new StringBuilder(256).append("SELECT ").append(KEY_COLUMNS).append(" FROM ").append(t("keys"))
                .append(" k WHERE k.status = 'ACTIVE' AND (k.rotation_policy IS NULL")
                .append(otherPolicy ? " OR k.rotation_policy <> :policy)" : ")");
        if (afterId) {
            sql.append(" AND k.id > :afterId");
        }
        return sql.append(" ORDER BY k.id LIMIT :limit").toString();
    }

    private void filters(StringBuilder sql, boolean owner, boolean status, boolean environment, boolean tag, int metadata) {
        if (owner) {
            sql.append(" AND k.owner = :owner");
        }
        if (status) {
            sql.append(" AND k.status = :status");
        }
        if (environment) {
            sql.append(" AND k.environment = :environment");
        }
        if (tag) {
            sql.append(" AND EXISTS (SELECT 1 FROM ").append(t("key_tags")).append(" g WHERE g.tag = :tag AND g.key_id = k.id)");
        }
        for (int i = 0; i < metadata; i++) {
            sql.append(" AND EXISTS (SELECT 1 FROM ").append(t("key_metadata")).append(" m WHERE m.key_id = k.id AND m.entry_name = :mn")
                    .append(i).append(" AND m.entry_value = :mv").append(i).append(')');
        }
    }
}
