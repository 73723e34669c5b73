/**
 * Add-on credits (R10): an admin of a paid workspace buys phone, direct email or export
 * credits for the shared pool (there are no B2B email add-ons). No payment provider here, but
 * the purchase is a real ledger entry per type (`addOn`, naming the admin, the time and the
 * amount), and it is idempotent like a reveal: the Idempotency-Key is recorded before the
 * work, the answer stored with it in the same transaction, and a retry replays it.
 *
 * Add-ons do not expire at renewal (server/renewal.ts): the allotment is spent first, and
 * what is left of the add-ons carries into the next period.
 */
import type { AddOnPurchase } from '../shared/api.ts';
import { ADD_ON_TYPES, poolKindOf, type AddOnType } from '../shared/credits.ts';
import type { Caller } from './auth.ts';
import { readBalances } from './balances.ts';
import type { Database } from './db/database.ts';
import { ApiError } from './errors.ts';
import { claimOrReplay, hashRequest, runClaimed, storeResponse, type StoredResponse } from './idempotency.ts';
import { renewIfDue } from './renewal.ts';

/** The most credits of one type a pool can hold (balances are Postgres `integer`). */
export const MAX_BALANCE = 2_147_483_647;

export interface AddOnInput {
  credits: Partial<Record<AddOnType, number>>;
  idempotencyKey: string;
  now: Date;
}

export async function buyAddOns(db: Database, caller: Caller, input: AddOnInput): Promise<StoredResponse> {
  if (poolKindOf(caller.plan) !== 'shared') {
    throw new ApiError(
      409,
      'conflict',
      'Add-on credits are for paid plans: they add to the shared pool. Upgrade the workspace first.',
    );
  }
  const { now } = input;
  const amounts = ADD_ON_TYPES.map((type) => input.credits[type] ?? 0);
  // `kind` keeps a purchase and a reveal under one key from ever hashing alike.
  const scope = {
    poolId: caller.poolId,
    key: input.idempotencyKey,
    requestHash: hashRequest({ kind: 'addOns', types: ADD_ON_TYPES, amounts }),
    now,
  };
  const replay = await claimOrReplay(db, scope);
  if (replay) return replay;
  const body = await runClaimed(db, scope, () =>
    db.transaction(async (tx) => {
      if (now >= caller.renewsAt) await renewIfDue(tx, caller.poolId, now);
      const bought = ADD_ON_TYPES.filter((_, i) => (amounts[i] ?? 0) > 0);
      // Balance rows in type order, as reveals and renewals lock them.
      await tx.query(
        'SELECT 1 FROM balances WHERE pool_id = $1 AND type = ANY ($2::text[]) ORDER BY type FOR NO KEY UPDATE',
        [caller.poolId, bought],
      );
      // Balances are 32-bit integers: a purchase that would pass 2,147,483,647 credits of a type
      // is refused whole (the sums are compared as bigint, so they cannot overflow themselves).
      const { rows } = await tx.query<{ n: number }>(
        `WITH bought AS (
           UPDATE balances b SET add_on = b.add_on + t.amount, remaining = b.remaining + t.amount
             FROM unnest($2::text[], $3::int[]) AS t (type, amount)
            WHERE b.pool_id = $1 AND b.type = t.type
              AND b.add_on::bigint + t.amount <= ${MAX_BALANCE} AND b.remaining::bigint + t.amount <= ${MAX_BALANCE}
           RETURNING b.type, t.amount
         ), entries AS (
           INSERT INTO ledger (pool_id, type, delta, reason, user_id, idempotency_key, at)
           SELECT $1, type, amount, 'addOn', $4, $5, $6 FROM bought ORDER BY type
         )
         SELECT count(*)::int AS n FROM bought`,
        [caller.poolId, bought, bought.map((type) => input.credits[type]), caller.userId, input.idempotencyKey, now],
      );
      if ((rows[0]?.n ?? 0) < bought.length) {
        throw new ApiError(
          409,
          'conflict',
          `The pool cannot hold that many add-on credits: at most ${MAX_BALANCE.toLocaleString('en')} of a type. Buy fewer.`,
        );
      }
      const answer: AddOnPurchase = {
        purchase: {
          at: now.toISOString(),
          by: { id: caller.userId, email: caller.email },
          credits: {
            phone: input.credits.phone ?? 0,
            directEmail: input.credits.directEmail ?? 0,
            export: input.credits.export ?? 0,
          },
        },
        balances: await readBalances(tx, caller.poolId),
      };
      const text = JSON.stringify(answer);
      await storeResponse(tx, scope, 200, text);
      return text;
    }),
  );
  return { status: 200, body, replayed: false };
}
