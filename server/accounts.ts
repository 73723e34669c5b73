/**
 * Workspaces, members and pools (R8): a free workspace gives each user a personal pool, a
 * paid one has one shared pool; seats cap the members. Every grant of credits is a ledger
 * entry, so a pool's ledger always sums to its balance.
 *
 * An email names at most one active user (003_teams.sql). A removed user keeps their row, so
 * their ledger entries stay theirs, and their address is free again: adding it creates a new
 * user with a new key. On the free plan, an address removed from the same workspace gets its
 * old personal pool back: the leads it paid stay paid (R3), and removing and re-adding a
 * member is no way to a fresh allotment.
 */
import { randomUUID } from 'node:crypto';
import type { Account } from '../shared/api.ts';
import { CREDIT_TYPES, poolKindOf, type CreditType, type Plan } from '../shared/credits.ts';
import { generateApiKey, hashApiKey, type Caller } from './auth.ts';
import { readBalances } from './balances.ts';
import { readLimits } from './members.ts';
import { pgErrorCode, PG_ERRORS, type Database, type Queryable } from './db/database.ts';
import { ApiError } from './errors.ts';
import { addMonths } from './renewal.ts';

export interface CreateWorkspaceInput {
  name: string;
  plan: Plan;
  seats: number;
  credits: Partial<Record<CreditType, number>>;
  adminEmail?: string;
  now?: Date;
}

export interface CreatedWorkspace {
  workspaceId: string;
  admin: { userId: string; email: string; apiKey: string };
}

function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll('-', '')}`;
}

export async function createPool(
  tx: Queryable,
  input: { workspaceId: string; kind: 'personal' | 'shared'; now: Date },
): Promise<string> {
  const poolId = newId('pool');
  await tx.query(
    `INSERT INTO pools (id, workspace_id, kind, renewal_anchor, period_start, renews_at)
     VALUES ($1, $2, $3, $4, $4, $5)`,
    [poolId, input.workspaceId, input.kind, input.now, addMonths(input.now, 1)],
  );
  await tx.query(
    `WITH grant_rows AS (
       INSERT INTO balances (pool_id, type, remaining, monthly_allotment)
       SELECT $1, type, monthly, monthly FROM workspace_allotments WHERE workspace_id = $2
       RETURNING type, remaining
     )
     INSERT INTO ledger (pool_id, type, delta, reason, at)
     SELECT $1, type, remaining, 'allotment', $3 FROM grant_rows WHERE remaining > 0`,
    [poolId, input.workspaceId, input.now],
  );
  return poolId;
}

async function insertUser(
  tx: Queryable,
  input: { workspaceId: string; poolId: string; email: string; role: 'admin' | 'member'; now: Date },
): Promise<{ userId: string; apiKey: string }> {
  const userId = newId('usr');
  const apiKey = generateApiKey();
  try {
    await tx.query(
      `INSERT INTO users (id, workspace_id, pool_id, email, role, api_key_hash, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [userId, input.workspaceId, input.poolId, input.email, input.role, hashApiKey(apiKey), input.now],
    );
  } catch (error) {
    if (pgErrorCode(error) === PG_ERRORS.uniqueViolation) {
      throw new ApiError(
        409,
        'conflict',
        `${input.email} is already an active user (remove them there first, or use another address).`,
        'email',
      );
    }
    throw error;
  }
  return { userId, apiKey };
}

function validEmail(email: string): string {
  const trimmed = email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+$/.test(trimmed)) throw new ApiError(400, 'bad_request', `Not an email: ${email}`, 'email');
  return trimmed;
}

export async function createWorkspace(db: Database, input: CreateWorkspaceInput): Promise<CreatedWorkspace> {
  return db.transaction((tx) => createWorkspaceIn(tx, input));
}

/** createWorkspace inside the caller's transaction `tx`. */
export async function createWorkspaceIn(tx: Queryable, input: CreateWorkspaceInput): Promise<CreatedWorkspace> {
  const now = input.now ?? new Date();
  const name = input.name.trim();
  if (!name) throw new ApiError(400, 'bad_request', 'A workspace needs a name.', 'name');
  if (!Number.isInteger(input.seats) || input.seats < 1) {
    throw new ApiError(400, 'bad_request', 'Seats must be a whole number of at least 1.', 'seats');
  }
  for (const [type, amount] of Object.entries(input.credits)) {
    if (!(CREDIT_TYPES as readonly string[]).includes(type)) {
      throw new ApiError(400, 'bad_request', `Unknown credit type: ${type}`, 'credits');
    }
    if (!Number.isInteger(amount) || (amount ?? 0) < 0) {
      throw new ApiError(400, 'bad_request', `Credits must be whole numbers of at least 0 (${type}).`, 'credits');
    }
  }
  const workspaceId = newId('ws');
  const email = validEmail(input.adminEmail ?? `admin+${workspaceId}@leadlens.test`);
  await tx.query('INSERT INTO workspaces (id, name, plan, seats, created_at) VALUES ($1, $2, $3, $4, $5)', [
    workspaceId,
    name,
    input.plan,
    input.seats,
    now,
  ]);
  await tx.query(
    `INSERT INTO workspace_allotments (workspace_id, type, monthly)
     SELECT $1, type, monthly FROM unnest($2::text[], $3::int[]) AS t (type, monthly)`,
    [workspaceId, [...CREDIT_TYPES], CREDIT_TYPES.map((type) => input.credits[type] ?? 0)],
  );
  const poolId = await createPool(tx, { workspaceId, kind: poolKindOf(input.plan), now });
  const admin = await insertUser(tx, { workspaceId, poolId, email, role: 'admin', now });
  return { workspaceId, admin: { userId: admin.userId, email, apiKey: admin.apiKey } };
}

/** Adds a member, refusing with `seats_full` when every seat is taken (R8). */
export async function addMember(
  db: Database,
  input: { workspaceId: string; email: string; role?: 'admin' | 'member'; now?: Date },
): Promise<{ userId: string; apiKey: string }> {
  return db.transaction((tx) => addMemberIn(tx, input));
}

/** addMember inside the caller's transaction `tx`. */
export async function addMemberIn(
  tx: Queryable,
  input: { workspaceId: string; email: string; role?: 'admin' | 'member'; now?: Date },
): Promise<{ userId: string; apiKey: string }> {
  const now = input.now ?? new Date();
  const email = validEmail(input.email);
  // The row lock makes concurrent additions count seats one at a time.
  const { rows } = await tx.query<{ plan: Plan; seats: number }>(
    'SELECT plan, seats FROM workspaces WHERE id = $1 FOR UPDATE',
    [input.workspaceId],
  );
  const workspace = rows[0];
  if (!workspace) throw new ApiError(404, 'not_found', `No workspace ${input.workspaceId}.`, 'workspace');
  const members = await tx.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM users WHERE workspace_id = $1 AND removed_at IS NULL',
    [input.workspaceId],
  );
  const taken = members.rows[0]?.n ?? 0;
  if (taken >= workspace.seats) {
    throw new ApiError(
      409,
      'seats_full',
      `All ${workspace.seats} seats of this workspace are taken; add seats or remove a member first.`,
    );
  }
  let poolId: string;
  if (poolKindOf(workspace.plan) === 'personal') {
    const before = await tx.query<{ pool_id: string }>(
      `SELECT u.pool_id FROM users u JOIN pools p ON p.id = u.pool_id
        WHERE u.workspace_id = $1 AND u.email = $2 AND u.removed_at IS NOT NULL
          AND p.kind = 'personal' AND p.closed_at IS NULL
        ORDER BY u.removed_at DESC LIMIT 1`,
      [input.workspaceId, email],
    );
    poolId =
      before.rows[0]?.pool_id ?? (await createPool(tx, { workspaceId: input.workspaceId, kind: 'personal', now }));
  } else {
    const shared = await tx.query<{ id: string }>("SELECT id FROM pools WHERE workspace_id = $1 AND kind = 'shared'", [
      input.workspaceId,
    ]);
    const id = shared.rows[0]?.id;
    if (!id) throw new Error(`workspace ${input.workspaceId} has no shared pool`);
    poolId = id;
  }
  return insertUser(tx, { workspaceId: input.workspaceId, poolId, email, role: input.role ?? 'member', now });
}

/**
 * Removes a member: their API key stops working at once (every request looks its key up
 * among active users); their ledger entries, claims and limits stay, attributed to them.
 * With `workspaceId`, only a member of that workspace.
 */
export async function removeMember(
  db: Queryable,
  input: { userId: string; workspaceId?: string; now?: Date },
): Promise<{ removedAt: Date }> {
  const removedAt = input.now ?? new Date();
  const result = await db.query(
    `UPDATE users SET removed_at = $2
      WHERE id = $1 AND removed_at IS NULL AND ($3::text IS NULL OR workspace_id = $3)`,
    [input.userId, removedAt, input.workspaceId ?? null],
  );
  if (result.rowCount === 0) throw new ApiError(404, 'not_found', `No active user ${input.userId}.`, 'user');
  return { removedAt };
}

/** The caller's account: who, which workspace and pool, the pool's balances and the caller's own limits. */
export async function readAccount(tx: Queryable, caller: Caller, now: Date = new Date()): Promise<Account> {
  const { rows } = await tx.query<{
    name: string;
    plan: Plan;
    seats: number;
    members: number;
    kind: 'personal' | 'shared';
    pool_members: number;
    renews_at: Date;
  }>(
    `SELECT w.name, w.plan, w.seats,
            (SELECT count(*)::int FROM users WHERE workspace_id = w.id AND removed_at IS NULL) AS members,
            p.kind,
            (SELECT count(*)::int FROM users WHERE pool_id = p.id AND removed_at IS NULL) AS pool_members,
            p.renews_at
       FROM workspaces w JOIN pools p ON p.id = $2
      WHERE w.id = $1`,
    [caller.workspaceId, caller.poolId],
  );
  const row = rows[0];
  if (!row) throw new Error(`account of ${caller.userId} not found`);
  return {
    user: { id: caller.userId, email: caller.email, role: caller.role },
    workspace: {
      id: caller.workspaceId,
      name: row.name,
      plan: row.plan,
      seats: row.seats,
      members: row.members,
      renewsAt: row.renews_at.toISOString(),
    },
    pool: { id: caller.poolId, kind: row.kind, members: row.pool_members },
    balances: await readBalances(tx, caller.poolId),
    limits: await readLimits(tx, caller.userId, now),
  };
}
