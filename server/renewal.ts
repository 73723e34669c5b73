/**
 * Monthly renewal (R10), computed on read inside the caller's transaction, never by a timer:
 * any server process that touches a pool at or after its renewal date renews it first.
 * Each type is reset to its allotment (no rollover, add-ons included) and a ledger entry
 * records the change, so the ledger always sums to the balance.
 */
import type { Queryable } from './db/database.ts';

/** `anchor` plus whole months, keeping the anchor's day (clamped to the month's last day). */
export function addMonths(anchor: Date, months: number): Date {
  const result = new Date(anchor.getTime());
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(anchor.getUTCDate(), lastDay));
  return result;
}

/** The period containing `now` for a pool anchored at `anchor`. */
export function periodAt(anchor: Date, now: Date): { periodStart: Date; renewsAt: Date } {
  let months = (now.getUTCFullYear() - anchor.getUTCFullYear()) * 12 + (now.getUTCMonth() - anchor.getUTCMonth()) - 1;
  if (months < 0) months = 0;
  while (addMonths(anchor, months + 1) <= now) months++;
  return { periodStart: addMonths(anchor, months), renewsAt: addMonths(anchor, months + 1) };
}

/**
 * Renews the pool if `now` has reached its renewal date. Call inside a transaction; it locks
 * the pool row so concurrent requests renew once. Returns whether it renewed.
 */
export async function renewIfDue(tx: Queryable, poolId: string, now: Date): Promise<boolean> {
  const { rows } = await tx.query<{ renewal_anchor: Date; renews_at: Date }>(
    'SELECT renewal_anchor, renews_at FROM pools WHERE id = $1 FOR UPDATE',
    [poolId],
  );
  const pool = rows[0];
  if (!pool || now < pool.renews_at) return false;
  const { periodStart, renewsAt } = periodAt(pool.renewal_anchor, now);
  await tx.query(
    `WITH before AS (
       SELECT type, remaining, monthly_allotment FROM balances WHERE pool_id = $1 ORDER BY type FOR UPDATE
     ), reset AS (
       UPDATE balances b SET remaining = b.monthly_allotment, add_on = 0, used = 0
         FROM before WHERE b.pool_id = $1 AND b.type = before.type
     )
     INSERT INTO ledger (pool_id, type, delta, reason, at)
     SELECT $1, type, monthly_allotment - remaining, 'renewal', $2 FROM before
      WHERE monthly_allotment <> remaining`,
    [poolId, now],
  );
  await tx.query('UPDATE pools SET period_start = $2, renews_at = $3 WHERE id = $1', [poolId, periodStart, renewsAt]);
  return true;
}
