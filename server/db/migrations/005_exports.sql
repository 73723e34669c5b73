-- Exports (R5, R6, R11) and the pool's lead list. Keep to what Postgres 15 supports (PGlite is 18).
--
-- An export is charged in one transaction (server/exports.ts): the member's usage row counts
-- N export credits under their limit (R11), the pool's export balance is debited N with one
-- guarded update (`remaining >= N`: all or nothing, R6), the ledger gets one 'export' entry
-- per lead naming the member and the idempotency key, `exports` records the export and
-- `lead_exports` counts it per lead. A refused export leaves none of these behind.

-- One row per charged export: who exported what many leads, where to, under which key.
CREATE TABLE exports (
  id text PRIMARY KEY,
  pool_id text NOT NULL REFERENCES pools (id),
  user_id text NOT NULL REFERENCES users (id),
  target text NOT NULL CHECK (target IN ('csv', 'hubspotCsv', 'webhook')),
  lead_count integer NOT NULL CHECK (lead_count >= 1),
  idempotency_key text NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX exports_pool_newest ON exports (pool_id, at DESC);

-- How often a pool exported each lead and when it last did: the confirmation says so before
-- spending (R5), the leads page shows it. A counter beside the ledger, written in the export
-- transaction, so 10,000 leads are read with one index probe each instead of summing the
-- ledger; the ledger's 'export' entries of a (pool, lead) always count to `exports`.
CREATE TABLE lead_exports (
  pool_id text NOT NULL REFERENCES pools (id),
  lead text NOT NULL,
  exports integer NOT NULL CHECK (exports >= 1),
  last_exported_at timestamptz NOT NULL,
  PRIMARY KEY (pool_id, lead)
);

-- The lead list walks a pool's reveals newest first (keyset on revealed_at, lead) and keeps a
-- lead's first reveal only; this index serves that walk backwards and the cursor's bound.
CREATE INDEX reveals_pool_revealed ON reveals (pool_id, revealed_at, lead);
