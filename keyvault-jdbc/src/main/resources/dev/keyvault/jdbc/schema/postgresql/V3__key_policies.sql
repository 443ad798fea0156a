-- keyvault-jdbc schema, version 3, for PostgreSQL: key policies, metadata, changes in place, stored
-- rotation due dates, and usage retention.
--
-- keys.ip_allowlist: the key's CIDR blocks, canonical and space-separated ('' = any address).
-- keys.metadata: the host's labels, "name=value" entries joined by a line feed (names cannot hold
--   '=', values no control character); key_metadata holds them again, indexed, for queries.
-- keys.credit_account: the credit balance the key spends from (credits.account_id), NULL = none.
-- keys.rotation_due_at_ms / rotation_policy: the due date the manager computed and the fingerprint of
--   the policy that computed it; NULL for revoked keys and for keys stored before version 3 (the
--   manager stamps those before it lists due keys). keys_rotation_due makes "rotations due" an index
--   range scan.
-- keys.revision: incremented by every change of the row (in-place update, rotation, compromise,
--   revocation, expiry), so an update or a restamp is a compare-and-set.
-- credits: one balance per rotation chain; generation counts the times it was set (refill, change).
-- usage.refusal: the key policy that refused the requests ('' = none), a dimension of the rollup.
-- usage.address_truncated: the retention has cut client_ip to its network (or looked at it).
-- Runs in one transaction (migrate() and Flyway); every statement is idempotent besides.

ALTER TABLE ${keyvault_prefix}keys ADD COLUMN IF NOT EXISTS ip_allowlist VARCHAR(3000) NOT NULL DEFAULT '';
ALTER TABLE ${keyvault_prefix}keys ADD COLUMN IF NOT EXISTS metadata VARCHAR(5400) NOT NULL DEFAULT '';
ALTER TABLE ${keyvault_prefix}keys ADD COLUMN IF NOT EXISTS credit_account VARCHAR(12) COLLATE "C";
ALTER TABLE ${keyvault_prefix}keys ADD COLUMN IF NOT EXISTS rotation_due_at_ms BIGINT;
ALTER TABLE ${keyvault_prefix}keys ADD COLUMN IF NOT EXISTS rotation_policy VARCHAR(64) COLLATE "C";
ALTER TABLE ${keyvault_prefix}keys ADD COLUMN IF NOT EXISTS revision BIGINT NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS ${keyvault_prefix}keys_rotation_due
    ON ${keyvault_prefix}keys (rotation_due_at_ms, id) WHERE rotation_due_at_ms IS NOT NULL;
CREATE INDEX IF NOT EXISTS ${keyvault_prefix}keys_rotation_policy ON ${keyvault_prefix}keys (rotation_policy, id);

CREATE TABLE IF NOT EXISTS ${keyvault_prefix}key_metadata (
    key_id       VARCHAR(12)  COLLATE "C" NOT NULL,
    entry_name   VARCHAR(64)  COLLATE "C" NOT NULL,
    entry_value  VARCHAR(256) NOT NULL,
    CONSTRAINT ${keyvault_prefix}key_metadata_pk PRIMARY KEY (key_id, entry_name)
);
CREATE INDEX IF NOT EXISTS ${keyvault_prefix}key_metadata_value ON ${keyvault_prefix}key_metadata (entry_name, entry_value, key_id);

CREATE TABLE IF NOT EXISTS ${keyvault_prefix}credits (
    account_id         VARCHAR(12) COLLATE "C" NOT NULL,
    balance            BIGINT      NOT NULL,
    refill             VARCHAR(40) NOT NULL,
    generation         BIGINT      NOT NULL,
    next_refill_at_ms  BIGINT,
    CONSTRAINT ${keyvault_prefix}credits_pk PRIMARY KEY (account_id),
    CONSTRAINT ${keyvault_prefix}credits_balance CHECK (balance >= 0)
);

ALTER TABLE ${keyvault_prefix}usage ADD COLUMN IF NOT EXISTS refusal VARCHAR(32) NOT NULL DEFAULT '';
ALTER TABLE ${keyvault_prefix}usage ADD COLUMN IF NOT EXISTS address_truncated BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE ${keyvault_prefix}usage DROP CONSTRAINT IF EXISTS ${keyvault_prefix}usage_pk;
ALTER TABLE ${keyvault_prefix}usage ADD CONSTRAINT ${keyvault_prefix}usage_pk
    PRIMARY KEY (key_id, minute_ms, method, endpoint, client_ip, user_agent, consumer, http_status, refusal);
CREATE INDEX IF NOT EXISTS ${keyvault_prefix}usage_minute ON ${keyvault_prefix}usage (minute_ms);
CREATE INDEX IF NOT EXISTS ${keyvault_prefix}usage_untruncated
    ON ${keyvault_prefix}usage (minute_ms) WHERE NOT address_truncated;

INSERT INTO ${keyvault_prefix}schema_version (version, description, installed_at)
    SELECT 3, 'key policies', CURRENT_TIMESTAMP
    WHERE NOT EXISTS (SELECT 1 FROM ${keyvault_prefix}schema_version WHERE version = 3);
