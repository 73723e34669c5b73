/**
 * POST /v1/reveals minus HTTP: who is calling, the idempotency key, and the reveal. The route
 * calls it, and so does the in-process benchmark, so the two measure the same work.
 *
 * In the common case this is two round trips: one statement finds the caller by API key and
 * records the idempotency key as in flight (committed, so a concurrent duplicate sees it and
 * gets a 409), then one call of `reveal_lead` does the reveal and stores its answer under the
 * key, as one transaction. A renewal that is due, a key already recorded, a deadlock: the
 * slower paths below, with the same guarantees.
 */
import { randomUUID } from 'node:crypto';
import { REVEAL_TYPES } from '../shared/credits.ts';
import { CALLER_SQL, hashApiKey, toCaller, unauthorized, type Caller, type CallerRow } from './auth.ts';
import { pgErrorCode, type Database } from './db/database.ts';
import { ApiError } from './errors.ts';
import {
  CLAIM_CONFLICT_SQL,
  claimOrReplay,
  claimParams,
  hashRequest,
  runClaimed,
  type Scope,
  type StoredResponse,
} from './idempotency.ts';
import { renewIfDue } from './renewal.ts';
import { revealLead, type RevealInput } from './reveals.ts';

/** The caller, and whether the key is now recorded as in flight for this request. */
const CALLER_AND_CLAIM_SQL = `WITH caller AS (
       ${CALLER_SQL}
     ), claim AS (
       INSERT INTO idempotency_keys (pool_id, key, request_hash, state, created_at, updated_at, owner)
       SELECT caller.pool_id, $2, $3, 'inFlight', $4, $4, $7 FROM caller
       ${CLAIM_CONFLICT_SQL}
       RETURNING 1
     )
     SELECT caller.*, EXISTS (SELECT 1 FROM claim) AS claimed FROM caller`;

export interface RevealRequestInput {
  apiKey: string;
  idempotencyKey: string;
  /** Validated (RevealRequestSchema): a canonical slug and distinct types. */
  request: RevealInput;
  now: Date;
}

/** The answer to send: status and JSON bytes, replayed or new. Throws ApiError (401, 409, 422). */
export async function revealRequest(db: Database, input: RevealRequestInput): Promise<StoredResponse> {
  const { request, now } = input;
  // The canonical request: the same lead and types in any order or spelling is the same body.
  const canonical = { lead: request.lead, types: REVEAL_TYPES.filter((type) => request.types.includes(type)) };
  const scope = { key: input.idempotencyKey, requestHash: hashRequest(canonical), now, owner: randomUUID() };
  const { rows } = await db.query<CallerRow & { claimed: boolean }>(CALLER_AND_CLAIM_SQL, [
    hashApiKey(input.apiKey),
    ...claimParams(scope),
  ]);
  const row = rows[0];
  if (!row) throw unauthorized();
  const caller = toCaller(row);
  const poolScope: Scope = { ...scope, poolId: caller.poolId };
  if (!row.claimed) {
    // The key has a record: replay it, 422 or 409, or take it over if it was released meanwhile.
    const replay = await claimOrReplay(db, poolScope, true);
    if (replay) return replay;
  }
  const body = await runClaimed(db, poolScope, () => reveal(db, caller, request, poolScope));
  return { status: 200, body, replayed: false };
}

/** reveal_lead's SQLSTATE for a caller removed before their reveal could commit. */
const REMOVED_SQLSTATE = 'LL401';
/** reveal_lead's SQLSTATE for a caller whose workspace moved to a shared pool meanwhile. */
const POOL_MOVED_SQLSTATE = 'LL412';

async function reveal(db: Database, caller: Caller, request: RevealInput, scope: Scope): Promise<string> {
  const { now } = scope;
  const key = { key: scope.key, owner: scope.owner ?? null };
  try {
    // Renewal on read (R10), in the same transaction as the reveal it precedes.
    if (now >= caller.renewsAt) {
      return await db.transaction(async (tx) => {
        await renewIfDue(tx, caller.poolId, now);
        return revealLead(tx, caller, request, now, key);
      });
    }
    return await revealLead(db, caller, request, now, key);
  } catch (error) {
    // Removed while this request was on its way: the key stopped working "at once".
    if (pgErrorCode(error) === REMOVED_SQLSTATE) throw unauthorized();
    // Nothing was charged; a retry (any key) finds the member's new pool.
    if (pgErrorCode(error) === POOL_MOVED_SQLSTATE) {
      throw new ApiError(
        409,
        'idempotency_in_flight',
        'Your workspace moved to a shared pool (a plan change) while this reveal ran; nothing was charged. Retry.',
      );
    }
    throw error;
  }
}
