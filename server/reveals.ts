/**
 * The reveal transaction (R2, R3, R4, R7): for each type with data, claim (pool, lead, type)
 * once with a unique key; a new claim is debited with a guarded update and written to the
 * ledger; a claim that finds no credit is undone. However many values a type has, it costs
 * one credit, and a type the pool already paid for is free forever.
 */
import type { ContactValue, RevealResponse, RevealResult } from '../shared/api.ts';
import { REVEAL_TYPES, type CreditType, type RevealType } from '../shared/credits.ts';
import type { Caller } from './auth.ts';
import { readBalances, toBalances, type BalanceRow } from './balances.ts';
import type { Queryable } from './db/database.ts';
import { renewIfDue } from './renewal.ts';

export interface RevealInput {
  /** Canonical slug. */
  lead: string;
  types: RevealType[];
}

interface StepRow {
  step: 'value' | 'claimed' | 'debited' | 'balance';
  type: CreditType;
  position: number | null;
  value: string | null;
  phone_kind: 'mobile' | 'landline' | null;
  /** ISO text, formatted by Postgres as JavaScript's toISOString does. */
  verified_at: string | null;
  remaining: number | null;
  monthly_allotment: number | null;
  add_on: number | null;
  used: number | null;
}

function toBalanceRow(row: StepRow): BalanceRow {
  return {
    type: row.type,
    remaining: row.remaining ?? 0,
    monthly_allotment: row.monthly_allotment ?? 0,
    add_on: row.add_on ?? 0,
    used: row.used ?? 0,
  };
}

/** Runs one reveal inside the caller's transaction `tx` and returns the API response. */
export async function revealInTransaction(
  tx: Queryable,
  caller: Caller,
  input: RevealInput,
  now: Date,
  idempotencyKey: string | null = null,
): Promise<RevealResponse> {
  if (now >= caller.renewsAt) await renewIfDue(tx, caller.poolId, now);

  // Work in one fixed type order so concurrent reveals lock rows in the same order.
  const wanted = REVEAL_TYPES.filter((type) => input.types.includes(type));
  // One statement: read the values, claim each type that has data, debit the new claims
  // where credit remains, write the ledger, read the balances. Fewer round trips keep the
  // pool's balance row locked for less time, and that row is the hot spot.
  const { rows } = await tx.query<StepRow>(
    `WITH found AS (
       SELECT type, position, value, phone_kind, verified_at FROM contacts
        WHERE slug = $2 AND type = ANY($5::text[])
     ), claimed AS (
       INSERT INTO reveals (pool_id, lead, type, user_id, revealed_at)
       SELECT DISTINCT $1, $2, type, $3, $4::timestamptz FROM found ORDER BY 3
       ON CONFLICT DO NOTHING RETURNING type
     ), debited AS (
       UPDATE balances SET remaining = remaining - 1, used = used + 1
        WHERE pool_id = $1 AND type IN (SELECT type FROM claimed) AND remaining >= 1
       RETURNING type, remaining, monthly_allotment, add_on, used
     ), entries AS (
       INSERT INTO ledger (pool_id, type, delta, reason, lead, user_id, idempotency_key, at)
       SELECT $1, type, -1, 'reveal', $2, $3, $6, $4 FROM debited
     )
     SELECT 'value' AS step, type, position, value, phone_kind,
            to_char(verified_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS verified_at,
            NULL::int AS remaining, NULL::int AS monthly_allotment, NULL::int AS add_on, NULL::int AS used
       FROM found
     UNION ALL SELECT 'claimed', type, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM claimed
     UNION ALL SELECT 'debited', type, NULL, NULL, NULL, NULL, remaining, monthly_allotment, add_on, used FROM debited
     UNION ALL SELECT 'balance', type, NULL, NULL, NULL, NULL, remaining, monthly_allotment, add_on, used
       FROM balances WHERE pool_id = $1`,
    [caller.poolId, input.lead, caller.userId, now, wanted, idempotencyKey],
  );

  const values = new Map<RevealType, ContactValue[]>();
  const claims: RevealType[] = [];
  const debited = new Set<RevealType>();
  // The balance rows come from the statement's snapshot; debited rows carry the new values.
  const balanceRows = new Map<CreditType, BalanceRow>();
  const valueRows = rows.filter((row) => row.step === 'value').sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
  for (const row of valueRows) {
    const type = row.type as RevealType;
    const list = values.get(type) ?? [];
    list.push({
      value: row.value ?? '',
      ...(type === 'phone' && row.phone_kind ? { phoneKind: row.phone_kind } : {}),
      verifiedAt: row.verified_at,
    });
    values.set(type, list);
  }
  for (const row of rows) {
    if (row.step === 'claimed') claims.push(row.type as RevealType);
    else if (row.step === 'debited') {
      debited.add(row.type as RevealType);
      balanceRows.set(row.type, toBalanceRow(row));
    } else if (row.step === 'balance' && !balanceRows.has(row.type)) balanceRows.set(row.type, toBalanceRow(row));
  }

  const refused = new Set(claims.filter((type) => !debited.has(type)));
  if (refused.size > 0) {
    // Out of credits (R7): the claim goes too, so nothing says this pool paid.
    await tx.query('DELETE FROM reveals WHERE pool_id = $1 AND lead = $2 AND type = ANY($3::text[])', [
      caller.poolId,
      input.lead,
      [...refused],
    ]);
  }
  // After a refusal, read the balances again: the statement's snapshot may predate the
  // concurrent debit that took the last credit, and the refusal must report what is left.
  const balances = refused.size > 0 ? await readBalances(tx, caller.poolId) : toBalances([...balanceRows.values()]);
  const results: RevealResponse['results'] = {};
  for (const type of input.types) {
    const found = values.get(type);
    let result: RevealResult;
    if (!found) result = { status: 'notFound' };
    else if (refused.has(type)) result = { status: 'insufficientCredits', remaining: balances[type].remaining };
    else result = { status: 'revealed', charged: debited.has(type), values: found };
    results[type] = result;
  }
  return { lead: input.lead, results, balances };
}
