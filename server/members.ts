/**
 * Members as the admin sees them (R8, R11): who they are, what each spent this period, and
 * their monthly limits. Usage comes from `member_usage`, the per-member counters the reveal
 * transaction keeps beside the pool's balance (003_teams.sql); the limits are enforced there,
 * inside the reveal, never here.
 */
import type { Member, MemberLimits, MemberList } from '../shared/api.ts';
import { CREDIT_TYPES, poolKindOf, type CreditType, type Plan } from '../shared/credits.ts';
import type { Caller } from './auth.ts';
import type { Queryable } from './db/database.ts';
import { ApiError } from './errors.ts';
import { renewIfDue } from './renewal.ts';

interface LimitRow {
  user_id: string;
  type: CreditType;
  monthly_limit: number;
  used: number;
}

function toLimits(rows: LimitRow[]): MemberLimits {
  const limits: MemberLimits = {};
  for (const type of CREDIT_TYPES) {
    const row = rows.find((r) => r.type === type);
    if (row) {
      limits[type] = { limit: row.monthly_limit, used: row.used, remaining: Math.max(0, row.monthly_limit - row.used) };
    }
  }
  return limits;
}

/**
 * The limits of these users with their usage in their pool's current period. A pool past its
 * renewal date is in a later period in which nothing was spent yet (any spending would have
 * renewed it first), so its usage reads 0 without renewing it here.
 */
async function limitRows(tx: Queryable, userIds: string[], now: Date): Promise<LimitRow[]> {
  const { rows } = await tx.query<LimitRow>(
    `SELECT l.user_id, l.type, l.monthly_limit,
            CASE WHEN $2 >= p.renews_at THEN 0 ELSE coalesce(mu.used, 0) END AS used
       FROM member_limits l
       JOIN users u ON u.id = l.user_id
       JOIN pools p ON p.id = u.pool_id
       LEFT JOIN member_usage mu
         ON mu.pool_id = u.pool_id AND mu.user_id = u.id AND mu.type = l.type AND mu.period_start = p.period_start
      WHERE l.user_id = ANY ($1::text[])`,
    [userIds, now],
  );
  return rows;
}

/** One member's limits with their usage this period (the account's `limits`). */
export async function readLimits(tx: Queryable, userId: string, now: Date): Promise<MemberLimits> {
  return toLimits(await limitRows(tx, [userId], now));
}

interface MemberRow {
  id: string;
  email: string;
  role: 'admin' | 'member';
  created_at: Date;
}

/** Active members of the caller's workspace with their usage this period and their limits. */
export async function listMembers(tx: Queryable, caller: Caller, now: Date): Promise<MemberList> {
  // A shared pool is renewed on read here as anywhere, so its renewal date is current.
  if (poolKindOf(caller.plan) === 'shared' && now >= caller.renewsAt) await renewIfDue(tx, caller.poolId, now);
  const workspace = await tx.query<{ id: string; name: string; plan: Plan; seats: number; renews_at: Date | null }>(
    `SELECT w.id, w.name, w.plan, w.seats, p.renews_at
       FROM workspaces w LEFT JOIN pools p ON p.workspace_id = w.id AND p.kind = 'shared'
      WHERE w.id = $1`,
    [caller.workspaceId],
  );
  const ws = workspace.rows[0];
  if (!ws) throw new Error(`workspace ${caller.workspaceId} not found`);
  const members = await tx.query<MemberRow>(
    `SELECT id, email, role, created_at FROM users
      WHERE workspace_id = $1 AND removed_at IS NULL ORDER BY created_at, id`,
    [caller.workspaceId],
  );
  const ids = members.rows.map((m) => m.id);
  const usage = await tx.query<{ user_id: string; type: CreditType; used: number }>(
    `SELECT mu.user_id, mu.type, mu.used
       FROM users u JOIN pools p ON p.id = u.pool_id
       JOIN member_usage mu ON mu.pool_id = u.pool_id AND mu.user_id = u.id AND mu.period_start = p.period_start
      WHERE u.id = ANY ($1::text[]) AND $2 < p.renews_at`,
    [ids, now],
  );
  const limits = await limitRows(tx, ids, now);
  return {
    workspace: {
      id: ws.id,
      name: ws.name,
      plan: ws.plan,
      seats: ws.seats,
      members: ids.length,
      renewsAt: ws.renews_at?.toISOString() ?? null,
    },
    members: members.rows.map((m) =>
      toMember(
        m,
        usage.rows.filter((u) => u.user_id === m.id),
        limits.filter((l) => l.user_id === m.id),
      ),
    ),
  };
}

function toMember(row: MemberRow, usage: Array<{ type: CreditType; used: number }>, limits: LimitRow[]): Member {
  const used = (type: CreditType) => usage.find((u) => u.type === type)?.used ?? 0;
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    createdAt: row.created_at.toISOString(),
    usage: {
      b2bEmail: used('b2bEmail'),
      phone: used('phone'),
      directEmail: used('directEmail'),
      export: used('export'),
    },
    limits: toLimits(limits),
  };
}

/** One active member of the caller's workspace, or a 404. */
export async function readMember(tx: Queryable, workspaceId: string, userId: string, now: Date): Promise<Member> {
  const { rows } = await tx.query<MemberRow>(
    'SELECT id, email, role, created_at FROM users WHERE id = $1 AND workspace_id = $2 AND removed_at IS NULL',
    [userId, workspaceId],
  );
  const row = rows[0];
  if (!row) throw new ApiError(404, 'not_found', `No active member ${userId} in this workspace.`, 'userId');
  const usage = await tx.query<{ type: CreditType; used: number }>(
    `SELECT mu.type, mu.used
       FROM users u JOIN pools p ON p.id = u.pool_id
       JOIN member_usage mu ON mu.pool_id = u.pool_id AND mu.user_id = u.id AND mu.period_start = p.period_start
      WHERE u.id = $1 AND $2 < p.renews_at`,
    [userId, now],
  );
  return toMember(row, usage.rows, await limitRows(tx, [userId], now));
}

/**
 * Sets (a number) or clears (null) a member's monthly limit per type (R11); types left out
 * keep theirs. Paid plans only: on the free plan each member's credits are their own. A
 * limit below what the member already spent this period stops them until the renewal.
 */
export async function setLimits(
  tx: Queryable,
  caller: Caller,
  input: { userId: string; limits: Partial<Record<CreditType, number | null>>; now: Date },
): Promise<Member> {
  if (poolKindOf(caller.plan) !== 'shared') {
    throw new ApiError(409, 'conflict', 'Member limits are for paid plans: on the free plan credits are personal.');
  }
  await readMember(tx, caller.workspaceId, input.userId, input.now);
  const set = CREDIT_TYPES.filter((type) => typeof input.limits[type] === 'number');
  const cleared = CREDIT_TYPES.filter((type) => input.limits[type] === null);
  if (set.length > 0) {
    await tx.query(
      `INSERT INTO member_limits (user_id, type, monthly_limit, set_by, set_at)
       SELECT $1, t.type, t.monthly_limit, $4, $5 FROM unnest($2::text[], $3::int[]) AS t (type, monthly_limit)
       ON CONFLICT (user_id, type) DO UPDATE
         SET monthly_limit = EXCLUDED.monthly_limit, set_by = EXCLUDED.set_by, set_at = EXCLUDED.set_at`,
      [input.userId, set, set.map((type) => input.limits[type]), caller.userId, input.now],
    );
  }
  if (cleared.length > 0) {
    await tx.query('DELETE FROM member_limits WHERE user_id = $1 AND type = ANY ($2::text[])', [input.userId, cleared]);
  }
  return readMember(tx, caller.workspaceId, input.userId, input.now);
}
