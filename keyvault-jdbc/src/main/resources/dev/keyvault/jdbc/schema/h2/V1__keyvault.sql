-- keyvault-jdbc schema, version 1, for H2 (regular mode).
--
-- H2 compares strings by UTF-16 code unit (String.compareTo), so ids page in Java order as is.
--
-- ${keyvault_prefix} is the table-name prefix (default keyvault_). JdbiKeyStore.migrate() replaces
-- it with the validated prefix the store was built with; a host that runs Flyway sets the Flyway
-- placeholder keyvault_prefix to the same value (see JdbiKeyStore's class comment).
--
-- Times are epoch milliseconds (BIGINT, UTC): exact, zone-free and the same in every dialect.
-- Every statement is idempotent (IF NOT EXISTS / NOT EXISTS), so a script interrupted half-way
-- can simply be run again.

CREATE TABLE IF NOT EXISTS ${keyvault_prefix}schema_version (
    version       INTEGER      NOT NULL,
    description   VARCHAR(200) NOT NULL,
    installed_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT ${keyvault_prefix}schema_version_pk PRIMARY KEY (version)
);

CREATE TABLE IF NOT EXISTS ${keyvault_prefix}keys (
    id               VARCHAR(12)  NOT NULL,
    prefix           VARCHAR(40)  NOT NULL,
    owner            VARCHAR(200) NOT NULL,
    name             VARCHAR(200) NOT NULL,
    scopes           VARCHAR(4200) NOT NULL,  -- sorted, space-separated
    tier             VARCHAR(32)  NOT NULL,
    environment      VARCHAR(32)  NOT NULL,
    tags             VARCHAR(2100) NOT NULL,  -- sorted, space-separated; queried through key_tags
    risk_class       VARCHAR(16),
    created_at_ms    BIGINT       NOT NULL,
    expires_at_ms    BIGINT,
    last_used_at_ms  BIGINT,
    status           VARCHAR(8)   NOT NULL,
    revoked_at_ms    BIGINT,
    revoked_reason   VARCHAR(500),
    revoked_by       VARCHAR(200),
    -- not unique: after a successor is revoked the key may be rotated again (the compare-and-set
    -- on successor_id is what allows one live successor at a time)
    predecessor_id   VARCHAR(12),
    successor_id     VARCHAR(12),
    compromised      BOOLEAN      NOT NULL,
    hash             VARCHAR(512) NOT NULL,
    -- H2 has no partial indexes: the owner, but only while the key is active, so that the unique
    -- index below ignores revoked keys (NULLs are distinct in a unique index).
    active_owner     VARCHAR(200) GENERATED ALWAYS AS (CASE WHEN status = 'ACTIVE' THEN owner END),
    CONSTRAINT ${keyvault_prefix}keys_pk PRIMARY KEY (id),
    CONSTRAINT ${keyvault_prefix}keys_status CHECK (status IN ('ACTIVE', 'REVOKED')),
    CONSTRAINT ${keyvault_prefix}keys_revocation CHECK ((status = 'REVOKED') = (revoked_at_ms IS NOT NULL))
);

-- An owner's active keys have distinct names, enforced atomically by the database.
CREATE UNIQUE INDEX IF NOT EXISTS ${keyvault_prefix}keys_active_name
    ON ${keyvault_prefix}keys (active_owner, name);
CREATE INDEX IF NOT EXISTS ${keyvault_prefix}keys_owner ON ${keyvault_prefix}keys (owner, id);
CREATE INDEX IF NOT EXISTS ${keyvault_prefix}keys_predecessor ON ${keyvault_prefix}keys (predecessor_id);

CREATE TABLE IF NOT EXISTS ${keyvault_prefix}key_tags (
    tag     VARCHAR(64) NOT NULL,
    key_id  VARCHAR(12) NOT NULL,
    CONSTRAINT ${keyvault_prefix}key_tags_pk PRIMARY KEY (tag, key_id)
);

-- The permanent history. seq is the change-feed sequence of the same event, so history is in
-- commit order; rows are never deleted.
CREATE TABLE IF NOT EXISTS ${keyvault_prefix}history (
    seq         BIGINT        NOT NULL,
    key_id      VARCHAR(12)   NOT NULL,
    event_type  VARCHAR(32)   NOT NULL,
    at_ms       BIGINT        NOT NULL,
    actor       VARCHAR(200)  NOT NULL,
    detail      VARCHAR(1000) NOT NULL,
    CONSTRAINT ${keyvault_prefix}history_pk PRIMARY KEY (seq)
);
CREATE INDEX IF NOT EXISTS ${keyvault_prefix}history_key ON ${keyvault_prefix}history (key_id, seq);

-- The change feed that other nodes follow; pruned by retention (pruneChanges).
CREATE TABLE IF NOT EXISTS ${keyvault_prefix}changes (
    seq         BIGINT      NOT NULL,
    key_id      VARCHAR(12) NOT NULL,
    event_type  VARCHAR(32) NOT NULL,
    at_ms       BIGINT      NOT NULL,
    CONSTRAINT ${keyvault_prefix}changes_pk PRIMARY KEY (seq)
);
CREATE INDEX IF NOT EXISTS ${keyvault_prefix}changes_at ON ${keyvault_prefix}changes (at_ms);

-- One row. Every feed append increments last_seq inside its transaction, so the row lock is held
-- until commit and sequences become visible in commit order. pruned_through: every entry with a
-- sequence at or below it has been pruned.
CREATE TABLE IF NOT EXISTS ${keyvault_prefix}feed_state (
    id              INTEGER NOT NULL,
    last_seq        BIGINT  NOT NULL,
    pruned_through  BIGINT  NOT NULL,
    CONSTRAINT ${keyvault_prefix}feed_state_pk PRIMARY KEY (id),
    CONSTRAINT ${keyvault_prefix}feed_state_one CHECK (id = 1)
);
INSERT INTO ${keyvault_prefix}feed_state (id, last_seq, pruned_through)
    SELECT 1, 0, 0 WHERE NOT EXISTS (SELECT 1 FROM ${keyvault_prefix}feed_state WHERE id = 1);

-- Usage rollups: one row per key, minute and request shape. No foreign key to keys: usage of ids
-- the store does not hold is kept.
CREATE TABLE IF NOT EXISTS ${keyvault_prefix}usage (
    key_id         VARCHAR(12)  NOT NULL,
    minute_ms      BIGINT       NOT NULL,
    method         VARCHAR(16)  NOT NULL,
    endpoint       VARCHAR(200) NOT NULL,
    client_ip      VARCHAR(64)  NOT NULL,
    user_agent     VARCHAR(256) NOT NULL,
    consumer       VARCHAR(256) NOT NULL,
    http_status    INTEGER      NOT NULL,
    request_count  BIGINT       NOT NULL,
    first_seen_ms  BIGINT       NOT NULL,
    last_seen_ms   BIGINT       NOT NULL,
    CONSTRAINT ${keyvault_prefix}usage_pk
        PRIMARY KEY (key_id, minute_ms, method, endpoint, client_ip, user_agent, consumer, http_status)
);

INSERT INTO ${keyvault_prefix}schema_version (version, description, installed_at)
    SELECT 1, 'keyvault', CURRENT_TIMESTAMP
    WHERE NOT EXISTS (SELECT 1 FROM ${keyvault_prefix}schema_version WHERE version = 1);
