-- LeadLens credits schema. Keep to what Postgres 15 supports (PGlite is 18).

CREATE TABLE workspaces (
  id text PRIMARY KEY,
  name text NOT NULL,
  plan text NOT NULL CHECK (plan IN ('free', 'starter', 'business', 'organization')),
  seats integer NOT NULL CHECK (seats >= 1),
  created_at timestamptz NOT NULL
);

-- What the plan grants each period; copied into each pool's balances (R8, R10).
CREATE TABLE workspace_allotments (
  workspace_id text NOT NULL REFERENCES workspaces (id),
  type text NOT NULL CHECK (type IN ('b2bEmail', 'phone', 'directEmail', 'export')),
  monthly integer NOT NULL CHECK (monthly >= 0),
  PRIMARY KEY (workspace_id, type)
);

-- Free plan: one personal pool per user; paid plans: one shared pool per workspace (R8).
-- Renewal lives on the pool because the pool holds the balances it resets (R10).
CREATE TABLE pools (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces (id),
  kind text NOT NULL CHECK (kind IN ('personal', 'shared')),
  renewal_anchor timestamptz NOT NULL,
  period_start timestamptz NOT NULL,
  renews_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX pools_one_shared_per_workspace ON pools (workspace_id) WHERE kind = 'shared';

CREATE TABLE users (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces (id),
  pool_id text NOT NULL REFERENCES pools (id),
  email text NOT NULL UNIQUE,
  role text NOT NULL CHECK (role IN ('admin', 'member')),
  -- sha256 (hex) of a high-entropy random key: a fast hash is right for such keys.
  api_key_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  removed_at timestamptz
);
CREATE INDEX users_workspace ON users (workspace_id);
CREATE INDEX users_pool ON users (pool_id);

CREATE TABLE balances (
  pool_id text NOT NULL REFERENCES pools (id),
  type text NOT NULL CHECK (type IN ('b2bEmail', 'phone', 'directEmail', 'export')),
  remaining integer NOT NULL CHECK (remaining >= 0),
  monthly_allotment integer NOT NULL CHECK (monthly_allotment >= 0),
  add_on integer NOT NULL DEFAULT 0 CHECK (add_on >= 0),
  used integer NOT NULL DEFAULT 0 CHECK (used >= 0),
  PRIMARY KEY (pool_id, type)
);

-- Append-only: the trigger below refuses UPDATE and DELETE (003 adds TRUNCATE). Nothing in
-- the schema ties a balance change to an entry here: the code writes both in one transaction,
-- and the tests check that each (pool, type)'s entries sum to its balance's remaining.
CREATE TABLE ledger (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  pool_id text NOT NULL REFERENCES pools (id),
  type text NOT NULL CHECK (type IN ('b2bEmail', 'phone', 'directEmail', 'export')),
  delta integer NOT NULL,
  reason text NOT NULL CHECK (reason IN ('allotment', 'renewal', 'addOn', 'reveal', 'export', 'correction')),
  lead text,
  user_id text REFERENCES users (id),
  idempotency_key text,
  at timestamptz NOT NULL
);
CREATE INDEX ledger_pool_newest ON ledger (pool_id, id DESC);

CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only: write a correction entry instead';
END;
$$;
CREATE TRIGGER ledger_no_update BEFORE UPDATE OR DELETE ON ledger
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
-- A row trigger does not fire on TRUNCATE: a statement trigger blocks that too.
CREATE TRIGGER ledger_no_truncate BEFORE TRUNCATE ON ledger
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

-- A pool pays for a (lead, type) at most once (R2, R3).
CREATE TABLE reveals (
  pool_id text NOT NULL REFERENCES pools (id),
  lead text NOT NULL,
  type text NOT NULL CHECK (type IN ('b2bEmail', 'phone', 'directEmail')),
  user_id text REFERENCES users (id),
  revealed_at timestamptz NOT NULL,
  PRIMARY KEY (pool_id, lead, type)
);

CREATE TABLE people (
  slug text PRIMARY KEY,
  full_name text NOT NULL,
  headline text,
  company text,
  location text,
  updated_at timestamptz NOT NULL
);

CREATE TABLE contacts (
  slug text NOT NULL REFERENCES people (slug) ON DELETE CASCADE,
  type text NOT NULL CHECK (type IN ('b2bEmail', 'phone', 'directEmail')),
  position integer NOT NULL,
  value text NOT NULL,
  phone_kind text CHECK (phone_kind IN ('mobile', 'landline')),
  verified_at timestamptz,
  PRIMARY KEY (slug, type, position)
);

-- Responses are stored as json, not jsonb: a replay must return the very same bytes.
CREATE TABLE idempotency_keys (
  pool_id text NOT NULL REFERENCES pools (id),
  key text NOT NULL,
  request_hash text NOT NULL,
  state text NOT NULL CHECK (state IN ('inFlight', 'done')),
  status_code integer,
  response json,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (pool_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
