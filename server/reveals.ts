/**
 * The reveal transaction (R2, R3, R4, R7, R11): for each type with data, claim (pool, lead,
 * type) once with a unique key; a new claim is counted against the member's monthly limit,
 * debited from the pool with a guarded update and written to the ledger; a claim refused by
 * either is undone. However many values a type has, it costs one credit, and a type the pool
 * already paid for is free forever.
 *
 * The work is the SQL function `reveal_lead` (server/db/migrations/004_review_fixes.sql, which
 * replaced 002's and 003's): one round trip that also builds the answer and stores it under the
 * idempotency key, so the pool's balance row, the hot spot, is locked only while Postgres
 * runs it.
 */
import type { RevealType } from '../shared/credits.ts';
import type { Caller } from './auth.ts';
import type { Queryable } from './db/database.ts';

export interface RevealInput {
  /** Canonical slug. */
  lead: string;
  /** In the request's order: the answer lists the results in this order. */
  types: RevealType[];
}

const REVEAL_SQL = 'SELECT reveal_lead($1, $2, $3, $4, $5::text[], $6, $7) AS body';

/** The idempotency key the answer is stored under, and the token of the claim that holds it. */
export interface RevealKey {
  key: string;
  owner: string | null;
}

/**
 * Runs one reveal on `q` and returns the API answer as JSON text (a `RevealResponse`). On the
 * database itself it is its own transaction; on a transaction's handle it joins it. With an
 * idempotency key, the answer is stored as that key's response in the same transaction (the
 * key's in-flight record must exist and be held by `owner`, else the reveal is rolled back
 * with SQLSTATE LL409). A caller removed meanwhile: rolled back with SQLSTATE LL401.
 */
export async function revealLead(
  q: Queryable,
  caller: Pick<Caller, 'poolId' | 'userId'>,
  input: RevealInput,
  now: Date,
  idempotencyKey: RevealKey | null = null,
): Promise<string> {
  const { rows } = await q.query<{ body: string }>(REVEAL_SQL, [
    caller.poolId,
    input.lead,
    caller.userId,
    now,
    input.types,
    idempotencyKey?.key ?? null,
    idempotencyKey?.owner ?? null,
  ]);
  const body = rows[0]?.body;
  if (typeof body !== 'string') throw new Error('reveal_lead returned no answer');
  return body;
}
