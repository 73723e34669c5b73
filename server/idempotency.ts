/**
 * Idempotency keys for charging requests (DESIGN section 4), scoped per pool. The key is
 * recorded as in flight, committed, before the work, so a concurrent duplicate sees it; the
 * response is stored in the same transaction as the work. A retry with the same key and body
 * replays the stored status and bytes; a different body is a 422; a request still in flight
 * is a 409. An in-flight record older than a minute was abandoned (its process died) and may
 * be taken over; records are kept at least 24 hours.
 *
 * Each claim records its owner, a random token of the request that made it. Only the owner
 * stores the answer (and so commits the work): a request that was only slow, whose key a
 * retry took over, rolls its work back instead of doing it a second time.
 */
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type Queryable, pgErrorCode, PG_ERRORS } from './db/database.ts';
import { ApiError } from './errors.ts';

export const IN_FLIGHT_TIMEOUT_MS = 60_000;
export const RETENTION_MS = 24 * 60 * 60 * 1000;
const MAX_KEY_LENGTH = 255;
const TRANSACTION_ATTEMPTS = 3;
/** The first retry waits up to this long (random), each later one up to twice as long. */
const RETRY_BACKOFF_MS = 20;

/** A random wait before retry `attempt` (1 = the first retry): full jitter, doubling. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  return random() * RETRY_BACKOFF_MS * 2 ** (attempt - 1);
}

export interface StoredResponse {
  status: ContentfulStatusCode;
  /** The JSON body, byte for byte what the first answer sent. */
  body: string;
  replayed: boolean;
}

export function hashRequest(canonical: unknown): string {
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

export function checkIdempotencyKey(key: string | undefined, header: string): string {
  if (key === undefined || key.trim() === '') {
    throw new ApiError(400, 'idempotency_key_missing', `A charging request needs an ${header} header.`, header);
  }
  if (key.length > MAX_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key)) {
    throw new ApiError(
      400,
      'bad_request',
      `${header} must be 1 to ${MAX_KEY_LENGTH} visible ASCII characters.`,
      header,
    );
  }
  return key;
}

export interface Scope {
  poolId: string;
  key: string;
  requestHash: string;
  now: Date;
  /** The token of this request's claim; made on first use when not given (see ownerOf). */
  owner?: string;
}

const owners = new WeakMap<Omit<Scope, 'poolId'>, string>();

/** This request's owner token: `scope.owner`, or one made for this scope object and kept. */
export function ownerOf(scope: Omit<Scope, 'poolId'>): string {
  if (scope.owner !== undefined) return scope.owner;
  let owner = owners.get(scope);
  if (owner === undefined) {
    owner = randomUUID();
    owners.set(scope, owner);
  }
  return owner;
}

/** The error of a request whose key a retry took over (SQLSTATE LL409, raised by reveal_lead too). */
export const TAKEN_OVER_SQLSTATE = 'LL409';

function takenOver(): ApiError {
  return new ApiError(
    409,
    'idempotency_in_flight',
    'A retry of this request took it over; its answer is the one that counts.',
  );
}

/** Maps a taken-over key's database error to its 409; other errors are returned as they are. */
export function asTakenOver(error: unknown): unknown {
  return pgErrorCode(error) === TAKEN_OVER_SQLSTATE ? takenOver() : error;
}

/**
 * Records the key as in flight unless a live record holds it. A record may be taken over when
 * it is an abandoned in-flight record of the same request, or past retention. `$1` is the
 * pool, `$2` to `$7` the claimParams.
 */
export const CLAIM_CONFLICT_SQL = `ON CONFLICT (pool_id, key) DO UPDATE
       SET request_hash = EXCLUDED.request_hash, state = 'inFlight', status_code = NULL, response = NULL,
           created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at, owner = EXCLUDED.owner
     WHERE (idempotency_keys.state = 'inFlight' AND idempotency_keys.request_hash = EXCLUDED.request_hash
            AND idempotency_keys.updated_at < $5)
        OR idempotency_keys.created_at < $6`;

/**
 * The parameters `$2` to `$7` of a claim: key, request hash, now, in-flight cut-off, retention
 * cut-off, owner token.
 */
export function claimParams(scope: Omit<Scope, 'poolId'>): unknown[] {
  return [
    scope.key,
    scope.requestHash,
    scope.now,
    new Date(scope.now.getTime() - IN_FLIGHT_TIMEOUT_MS),
    new Date(scope.now.getTime() - RETENTION_MS),
    ownerOf(scope),
  ];
}

async function claimKey(db: Queryable, scope: Scope): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO idempotency_keys (pool_id, key, request_hash, state, created_at, updated_at, owner)
     VALUES ($1, $2, $3, 'inFlight', $4, $4, $7)
     ${CLAIM_CONFLICT_SQL}
     RETURNING 1`,
    [scope.poolId, ...claimParams(scope)],
  );
  return result.rowCount > 0;
}

/** What an existing record says to do, or null when it vanished (released) and may be claimed. */
async function existingOutcome(db: Queryable, scope: Scope): Promise<StoredResponse | null> {
  const { rows } = await db.query<{
    request_hash: string;
    state: 'inFlight' | 'done';
    status_code: number | null;
    response: string | null;
  }>(
    'SELECT request_hash, state, status_code, response::text AS response FROM idempotency_keys WHERE pool_id = $1 AND key = $2',
    [scope.poolId, scope.key],
  );
  const record = rows[0];
  if (!record) return null;
  if (record.request_hash !== scope.requestHash) {
    throw new ApiError(
      422,
      'idempotency_key_reused',
      'This Idempotency-Key was already used for a different request; use a new key for a new request.',
    );
  }
  if (record.state === 'done' && record.response !== null) {
    return { status: (record.status_code ?? 200) as ContentfulStatusCode, body: record.response, replayed: true };
  }
  throw new ApiError(409, 'idempotency_in_flight', 'The same request is still being processed; retry shortly.');
}

function isRetryable(error: unknown): boolean {
  const code = pgErrorCode(error);
  return code === PG_ERRORS.deadlockDetected || code === PG_ERRORS.serializationFailure;
}

/**
 * Claims the key, or answers from its record: null when this request now holds the key (do the
 * work), a stored answer to replay, or a 422 (another body) or 409 (still in flight) thrown.
 * `alreadyTried`: the caller's own claim attempt just failed, so look at the record first.
 */
export async function claimOrReplay(db: Queryable, scope: Scope, alreadyTried = false): Promise<StoredResponse | null> {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (!(alreadyTried && attempt === 0) && (await claimKey(db, scope))) return null;
    const outcome = await existingOutcome(db, scope);
    if (outcome) return outcome;
  }
  throw new ApiError(409, 'idempotency_in_flight', 'The same request is being retried; retry shortly.');
}

/**
 * Runs the work of a claimed key: again after a deadlock or serialization failure (it must be
 * one transaction, so a failed attempt left nothing behind), after a short random wait, and
 * on failure releases the key so the client's retry does the work instead of waiting out the
 * in-flight timeout.
 */
export async function runClaimed<T>(db: Queryable, scope: Scope, work: () => Promise<T>): Promise<T> {
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (attempt >= TRANSACTION_ATTEMPTS || !isRetryable(error)) throw error;
        // Transactions that just collided would collide again if they retried in step.
        await sleep(retryDelayMs(attempt));
      }
    }
  } catch (error) {
    // Only our own claim: a key a retry took over is the retry's.
    await db
      .query(
        "DELETE FROM idempotency_keys WHERE pool_id = $1 AND key = $2 AND state = 'inFlight' AND owner IS NOT DISTINCT FROM $3",
        [scope.poolId, scope.key, ownerOf(scope)],
      )
      .catch(() => undefined);
    throw asTakenOver(error);
  }
}

/**
 * Stores the answer of a claimed key: call inside the transaction that did the work, so the
 * work and its answer commit together (reveal_lead does the same in SQL).
 */
export async function storeResponse(tx: Queryable, scope: Scope, status: number, body: string): Promise<void> {
  const result = await tx.query(
    `UPDATE idempotency_keys SET state = 'done', status_code = $3, response = $4::json, updated_at = $5
      WHERE pool_id = $1 AND key = $2 AND owner IS NOT DISTINCT FROM $6`,
    [scope.poolId, scope.key, status, body, scope.now, ownerOf(scope)],
  );
  // A retry took the key over while this request worked: throwing rolls the work back.
  if (result.rowCount === 0) throw takenOver();
}

/** Deletes records past retention; any server process may run it. */
export async function purgeIdempotencyKeys(db: Queryable, now: Date = new Date()): Promise<number> {
  const result = await db.query('DELETE FROM idempotency_keys WHERE created_at < $1', [
    new Date(now.getTime() - RETENTION_MS * 2),
  ]);
  return result.rowCount;
}
