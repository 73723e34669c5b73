/**
 * Upgrading a free workspace to a paid plan (R8): the members' personal pools merge into one
 * new shared pool, in one transaction.
 *
 * - Leads already paid stay paid: every (lead, type) any personal pool of the workspace paid
 *   becomes the shared pool's (the earliest payer is kept as who revealed it), so it is free
 *   for every member from now on (R2, R3).
 * - Personal credits end: what each personal pool had left is written off with a
 *   `planChange` ledger entry naming who upgraded, and the pool is closed (it never renews
 *   again; its ledger stays as history). The free plan has no add-ons, so nothing bought is
 *   lost.
 * - The paid plan starts now: the shared pool gets the paid plan's allotment (an `allotment`
 *   entry per type) and renews a month from the upgrade.
 * - Active members move to the shared pool; removed ones stay where they were.
 *
 * Only free → paid: a workspace already on a paid plan is refused (409 `conflict`), so a
 * retried upgrade never runs twice. A reveal racing the upgrade either committed first (its
 * claim is copied, its debit written off) or finds its personal pool locked, then empty, and
 * is refused with nothing charged; the member's next request finds the shared pool.
 */
import type { UpgradeResult } from '../shared/api.ts';
import { CREDIT_TYPES, type CreditType, type Plan } from '../shared/credits.ts';
import { createPool } from './accounts.ts';
import type { Queryable } from './db/database.ts';
import { ApiError, badRequest } from './errors.ts';

export interface UpgradeInput {
  workspaceId: string;
  plan: Exclude<Plan, 'free'>;
  seats: number;
  credits: Partial<Record<CreditType, number>>;
  /** The admin who upgraded (the ledger names them); null from the admin command. */
  byUserId: string | null;
  now: Date;
}

export async function upgradeWorkspace(tx: Queryable, input: UpgradeInput): Promise<UpgradeResult> {
  const { workspaceId, now } = input;
  if ((input.plan as Plan) === 'free')
    throw badRequest('Upgrade to a paid plan: starter, business or organization.', 'plan');
  if (!Number.isInteger(input.seats) || input.seats < 1) {
    throw badRequest('Seats must be a whole number of at least 1.', 'seats');
  }
  for (const [type, amount] of Object.entries(input.credits)) {
    if (!(CREDIT_TYPES as readonly string[]).includes(type))
      throw badRequest(`Unknown credit type: ${type}`, 'credits');
    if (!Number.isInteger(amount) || (amount ?? 0) < 0) {
      throw badRequest(`Credits must be whole numbers of at least 0 (${type}).`, 'credits');
    }
  }
  // The workspace row first: adding a member takes it too, so none joins a personal pool
  // that is being merged.
  const { rows } = await tx.query<{ plan: Plan }>('SELECT plan FROM workspaces WHERE id = $1 FOR UPDATE', [
    workspaceId,
  ]);
  const workspace = rows[0];
  if (!workspace) throw new ApiError(404, 'not_found', `No workspace ${workspaceId}.`, 'workspace');
  if (workspace.plan !== 'free') {
    throw new ApiError(409, 'conflict', `This workspace is already on the ${workspace.plan} plan.`, 'plan');
  }
  const members = await tx.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM users WHERE workspace_id = $1 AND removed_at IS NULL',
    [workspaceId],
  );
  const active = members.rows[0]?.n ?? 0;
  if (input.seats < active) {
    throw badRequest(`The workspace has ${active} members: it needs at least ${active} seats.`, 'seats');
  }

  // The members' rows first, in id order: reveals and exports lock their caller's row
  // (FOR SHARE) before the pool and its balances, so taking them in the same order never
  // deadlocks. A reveal or export in flight finishes first; one that comes after finds its
  // member moved to the shared pool and is told to retry (reveal_lead, server/exports.ts).
  await tx.query('SELECT 1 FROM users WHERE workspace_id = $1 AND removed_at IS NULL ORDER BY id FOR UPDATE', [
    workspaceId,
  ]);
  // Then the personal pools, then their balances, in a fixed order (pool rows, then balance
  // rows by pool and type: the order renewals take): a reveal that has not debited yet waits,
  // then finds nothing left.
  const pools = await tx.query<{ id: string }>(
    `SELECT id FROM pools WHERE workspace_id = $1 AND kind = 'personal' AND closed_at IS NULL
      ORDER BY id FOR UPDATE`,
    [workspaceId],
  );
  const personal = pools.rows.map((p) => p.id);
  const ending = await tx.query<{ type: CreditType; ended: number }>(
    `WITH locked AS (
       SELECT pool_id, type, remaining FROM balances WHERE pool_id = ANY ($1::text[])
        ORDER BY pool_id, type FOR UPDATE
     ), entries AS (
       INSERT INTO ledger (pool_id, type, delta, reason, user_id, at)
       SELECT pool_id, type, -remaining, 'planChange', $2, $3 FROM locked WHERE remaining > 0
        ORDER BY pool_id, type
     ), emptied AS (
       UPDATE balances b SET remaining = 0, monthly_allotment = 0, add_on = 0, used = 0
         FROM locked WHERE b.pool_id = locked.pool_id AND b.type = locked.type
     )
     SELECT type, sum(remaining)::int AS ended FROM locked GROUP BY type`,
    [personal, input.byUserId, now],
  );
  await tx.query('UPDATE pools SET closed_at = $2 WHERE id = ANY ($1::text[])', [personal, now]);

  await tx.query('UPDATE workspaces SET plan = $2, seats = $3 WHERE id = $1', [workspaceId, input.plan, input.seats]);
  await tx.query(
    `UPDATE workspace_allotments a SET monthly = t.monthly
       FROM unnest($2::text[], $3::int[]) AS t (type, monthly)
      WHERE a.workspace_id = $1 AND a.type = t.type`,
    [workspaceId, [...CREDIT_TYPES], CREDIT_TYPES.map((type) => input.credits[type] ?? 0)],
  );
  const poolId = await createPool(tx, { workspaceId, kind: 'shared', now });

  // Claims read after the balances were locked: every reveal that debited has committed.
  const copied = await tx.query(
    `INSERT INTO reveals (pool_id, lead, type, user_id, revealed_at)
     SELECT DISTINCT ON (r.lead, r.type) $1, r.lead, r.type, r.user_id, r.revealed_at
       FROM reveals r WHERE r.pool_id = ANY ($2::text[])
      ORDER BY r.lead, r.type, r.revealed_at
     ON CONFLICT DO NOTHING`,
    [poolId, personal],
  );
  // How often each lead was exported (R5: the export dialog says so) stays true in the new pool.
  await tx.query(
    `INSERT INTO lead_exports (pool_id, lead, exports, last_exported_at)
     SELECT $1, lead, sum(exports)::int, max(last_exported_at)
       FROM lead_exports WHERE pool_id = ANY ($2::text[])
      GROUP BY lead`,
    [poolId, personal],
  );
  await tx.query('UPDATE users SET pool_id = $2 WHERE workspace_id = $1 AND removed_at IS NULL', [workspaceId, poolId]);

  const ended = (type: CreditType) => ending.rows.find((row) => row.type === type)?.ended ?? 0;
  return {
    workspaceId,
    plan: input.plan,
    seats: input.seats,
    poolId,
    mergedPools: personal.length,
    paidLeads: copied.rowCount,
    personalCreditsEnded: {
      b2bEmail: ended('b2bEmail'),
      phone: ended('phone'),
      directEmail: ended('directEmail'),
      export: ended('export'),
    },
  };
}
