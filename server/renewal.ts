/**
 * Monthly renewal (R10), computed on read inside the caller's transaction, never by a timer:
 * any server process that touches a pool at or after its renewal date renews it first, once,
 * however many periods went by unseen (the period containing now starts; nothing carries
 * over from the skipped ones).
 *
 * What renews: the monthly allotment, with no rollover: what is left of it ends (an `expiry`
 * ledger entry) and the new one is granted (a `renewal` entry). Add-on credits do not expire:
 * they were bought, not granted, so what is left of them stays in the pool as the new
 * period's `addOn`. The allotment is spent first (see 003_teams.sql), so what is left of
 * the add-ons is min(addOn, remaining). Every change is a ledger entry, so the ledger always
 * sums to the balance.
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
 * the pool row, then the pool's balance rows in type order (the order reveals lock them), so
 * concurrent requests renew once. A closed pool (merged by a plan upgrade) never renews.
 * Returns whether it renewed.
 */
export async function renewIfDue(tx: Queryable, poolId: string, now: Date): Promise<boolean> {
  const { rows } = await tx.query<{ renewal_anchor: Date; renews_at: Date; closed: boolean }>(
    'SELECT renewal_anchor, renews_at, closed_at IS NOT NULL AS closed FROM pools WHERE id = $1 FOR UPDATE',
    [poolId],
  );
  const pool = rows[0];
  if (!pool || pool.closed || now < pool.renews_at) return false;
  const { periodStart, renewsAt } = periodAt(pool.renewal_anchor, now);
  // The entries are dated at the start of the period they open: that is when the credits
  // changed, and nothing was written to this pool since (any write would have renewed first).
  await tx.query(
    `WITH before AS (
       SELECT type, remaining, monthly_allotment, least(add_on, remaining) AS add_on_left
         FROM balances WHERE pool_id = $1 ORDER BY type FOR UPDATE
     ), reset AS (
       UPDATE balances b
          SET remaining = before.monthly_allotment + before.add_on_left, add_on = before.add_on_left, used = 0
         FROM before WHERE b.pool_id = $1 AND b.type = before.type
     )
     INSERT INTO ledger (pool_id, type, delta, reason, at)
     SELECT $1, before.type, e.delta, e.reason, $2
       FROM before
      CROSS JOIN LATERAL (VALUES (1, before.add_on_left - before.remaining, 'expiry'),
                                 (2, before.monthly_allotment, 'renewal')) AS e (n, delta, reason)
      WHERE e.delta <> 0
      ORDER BY before.type, e.n`,
    [poolId, periodStart],
  );
  await tx.query('UPDATE pools SET period_start = $2, renews_at = $3 WHERE id = $1', [poolId, periodStart, renewsAt]);
  return true;
}
