-- keyvault-jdbc schema, version 2, for H2: keys imported from the system keyvault replaced.
--
-- imported_at_ms: when the key was imported (NULL for keys keyvault issued).
-- legacy_lookup: the value a token of the old system finds its key by (its lookup id, or a digest
--   of it); unique among keys, NULL for keys keyvault issued.
-- import_ref: the key's id in the old system; unique, which makes a bulk import idempotent.
-- Every statement is idempotent, so a script interrupted half-way can simply be run again.

ALTER TABLE ${keyvault_prefix}keys ADD COLUMN IF NOT EXISTS imported_at_ms BIGINT;
ALTER TABLE ${keyvault_prefix}keys ADD COLUMN IF NOT EXISTS legacy_lookup VARCHAR(200);
ALTER TABLE ${keyvault_prefix}keys ADD COLUMN IF NOT EXISTS import_ref VARCHAR(200);
CREATE UNIQUE INDEX IF NOT EXISTS ${keyvault_prefix}keys_legacy_lookup ON ${keyvault_prefix}keys (legacy_lookup);
CREATE UNIQUE INDEX IF NOT EXISTS ${keyvault_prefix}keys_import_ref ON ${keyvault_prefix}keys (import_ref);

INSERT INTO ${keyvault_prefix}schema_version (version, description, installed_at)
    SELECT 2, 'imports', CURRENT_TIMESTAMP
    WHERE NOT EXISTS (SELECT 1 FROM ${keyvault_prefix}schema_version WHERE version = 2);
