/**
 * Exports (R5, R6, R11): 1 export credit per lead per export, to a CSV file or a CRM, however
 * often the lead was exported before; all or nothing. The server charges and answers the
 * rows (only data the pool revealed); the client writes the file or calls the webhook from
 * them, after this answer, so nothing is written for an export that was not paid.
 *
 * One transaction (005_exports.sql says what it writes): the caller's user row and the pool
 * row are share-locked first, and the period read under that lock, so a removal waits for
 * the export and a renewal racing it cannot make it count in the period that just ended;
 * then, in the order reveals lock them (003_teams.sql), the member's
 * usage row (a guarded upsert: `used + N <= limit`), then the pool's export balance (a
 * guarded debit: `remaining >= N`), both in one statement; then the ledger (one entry per
 * lead), the export and the per-lead counters, and the answer, stored under the
 * idempotency key before the commit. Exports of one pool take turns at its export balance
 * row, which nothing but exports locks, so reveals never wait for an export.
 *
 * A refusal (leads the pool never revealed: 404; not enough credits: 402) charges nothing
 * and is not stored under the key: the key is released, so the same export retried after an
 * admin bought credits goes through, once.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { ExportQuote, ExportTarget, InsufficientExportBodySchema } from '../shared/api.ts';
import { unauthorized, type Caller } from './auth.ts';
import { readBalances } from './balances.ts';
import type { Database, Queryable } from './db/database.ts';
import { ApiError } from './errors.ts';
import {
  claimOrReplay,
  hashRequest,
  runClaimed,
  storeResponse,
  type Scope,
  type StoredResponse,
} from './idempotency.ts';
import { readLimits } from './members.ts';
import { ROW_PLANNING_SQL, readLeadRows } from './pool-leads.ts';
import { renewIfDue } from './renewal.ts';

/** The body of a 402: ErrorBody plus what the export needed and what this member has (InsufficientExportBodySchema). */
export class InsufficientExportCredits extends ApiError {
  constructor(
    readonly needed: number,
    readonly available: number,
    readonly reason: 'memberLimit' | undefined,
    message: string,
  ) {
    super(402, 'insufficient_credits', message);
  }

  override toBody(): z.infer<typeof InsufficientExportBodySchema> {
    return {
      error: {
        code: 'insufficient_credits',
        message: this.message,
        needed: this.needed,
        available: this.available,
        ...(this.reason ? { reason: this.reason } : {}),
      },
    };
  }
}

const exportCredits = (n: number) => `${n} export credit${n === 1 ? '' : 's'}`;

/**
 * The caller and the pool, share-locked, the pool's period, and the asked leads it never
 * revealed, in the order asked. The caller's row as reveal_lead locks it (004): a removal
 * waits for an export under way, and an export after a removal finds the member gone. The
 * pool's row so that a renewal waits for this export, and this export for a renewal under way.
 */
const LOCK_POOL_SQL = `WITH member AS (
       SELECT u.id FROM users u WHERE u.id = $3 AND u.removed_at IS NULL FOR SHARE
     )
     SELECT p.period_start, p.closed_at IS NOT NULL AS closed, EXISTS (SELECT 1 FROM member) AS active,
            (SELECT coalesce(array_agg(a.lead ORDER BY a.n), '{}')
               FROM unnest($2::text[]) WITH ORDINALITY AS a (lead, n)
              WHERE NOT EXISTS (SELECT 1 FROM reveals r WHERE r.pool_id = $1 AND r.lead = a.lead)) AS not_revealed
       FROM pools p WHERE p.id = $1
        FOR SHARE OF p`;

/**
 * R11 then R6 in one statement: the member's usage row counts N only while it stays within
 * their limit (a concurrent export of the same member waits on the row, and READ COMMITTED
 * re-checks the guard against the count it waited for); the pool's balance is debited N only
 * if it holds N. Either refusing leaves the other undone once the transaction rolls back.
 */
const CHARGE_SQL = `WITH counted AS (
       INSERT INTO member_usage AS u (pool_id, user_id, type, period_start, used)
       SELECT $1, $2, 'export', $3, $4::int
        WHERE $4::int <= coalesce(
                (SELECT l.monthly_limit FROM member_limits l WHERE l.user_id = $2 AND l.type = 'export'), 2147483647)
       ON CONFLICT (pool_id, user_id, type, period_start) DO UPDATE SET used = u.used + EXCLUDED.used
        WHERE u.used + EXCLUDED.used <= coalesce(
                (SELECT l.monthly_limit FROM member_limits l WHERE l.user_id = u.user_id AND l.type = u.type),
                2147483647)
       RETURNING u.used
     ), debited AS (
       UPDATE balances b SET remaining = b.remaining - $4::int, used = b.used + $4::int
        WHERE b.pool_id = $1 AND b.type = 'export' AND b.remaining >= $4::int AND EXISTS (SELECT 1 FROM counted)
       RETURNING b.remaining
     )
     SELECT EXISTS (SELECT 1 FROM counted) AS counted, EXISTS (SELECT 1 FROM debited) AS debited`;

/**
 * What was spent, and on what: one ledger entry per lead in the order asked (who spent
 * each credit, under which key), the per-lead counters (rows locked in lead order), the export.
 */
const RECORD_SQL = `WITH asked AS (
       SELECT lead, n FROM unnest($2::text[]) WITH ORDINALITY AS a (lead, n)
     ), counters AS (
       INSERT INTO lead_exports AS e (pool_id, lead, exports, last_exported_at)
       SELECT $1, a.lead, 1, $4 FROM asked a ORDER BY a.lead
       ON CONFLICT (pool_id, lead) DO UPDATE
         SET exports = e.exports + 1, last_exported_at = greatest(e.last_exported_at, EXCLUDED.last_exported_at)
     ), entries AS (
       INSERT INTO ledger (pool_id, type, delta, reason, lead, user_id, idempotency_key, at)
       SELECT $1, 'export', -1, 'export', a.lead, $3, $5, $4 FROM asked a ORDER BY a.n
     )
     INSERT INTO exports (id, pool_id, user_id, target, lead_count, idempotency_key, at)
     VALUES ($6, $1, $3, $7, cardinality($2::text[]), $5, $4)`;

/** What the member can spend of export credits now: the pool's, capped by their limit. */
const SPENDABLE_SQL = `SELECT coalesce(b.remaining, 0) AS pool_remaining, l.monthly_limit, coalesce(u.used, 0) AS used
       FROM pools p
       LEFT JOIN balances b ON b.pool_id = p.id AND b.type = 'export'
       LEFT JOIN member_limits l ON l.user_id = $2 AND l.type = 'export'
       LEFT JOIN member_usage u
         ON u.pool_id = p.id AND u.user_id = $2 AND u.type = 'export' AND u.period_start = p.period_start
      WHERE p.id = $1`;

interface Spendable {
  available: number;
  /** Set when the member's limit caps what they can spend below the pool's balance. */
  memberLimit?: { limit: number; used: number };
}

async function readSpendable(tx: Queryable, poolId: string, userId: string): Promise<Spendable> {
  const { rows } = await tx.query<{ pool_remaining: number; monthly_limit: number | null; used: number }>(
    SPENDABLE_SQL,
    [poolId, userId],
  );
  const row = rows[0];
  if (!row) throw new Error(`pool ${poolId} not found`);
  if (row.monthly_limit === null) return { available: row.pool_remaining };
  const left = Math.max(0, row.monthly_limit - row.used);
  if (left >= row.pool_remaining) return { available: row.pool_remaining };
  return { available: left, memberLimit: { limit: row.monthly_limit, used: row.used } };
}

/**
 * What exporting `leads` would cost and how often each was exported (free, charges
 * nothing). A pool past its renewal date is renewed first, as any read of balances does.
 */
export async function quoteExport(db: Database, caller: Caller, leads: string[], now: Date): Promise<ExportQuote> {
  return db.transaction(async (tx) => {
    // Each lead's counter is a primary-key probe (a LATERAL subquery, as in server/pool-leads.ts).
    await tx.query(ROW_PLANNING_SQL);
    if (now >= caller.renewsAt) await renewIfDue(tx, caller.poolId, now);
    const { rows } = await tx.query<{ leads: ExportQuote['leads']; not_revealed: string[] }>(
      `WITH flagged AS (
         SELECT a.lead, a.n, EXISTS (SELECT 1 FROM reveals r WHERE r.pool_id = $1 AND r.lead = a.lead) AS revealed
           FROM unnest($2::text[]) WITH ORDINALITY AS a (lead, n)
       )
       SELECT (SELECT coalesce(json_agg(json_build_object('lead', f.lead, 'exports', coalesce(e.exports, 0),
                        'lastExportedAt', to_char(e.last_exported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
                        ORDER BY f.n), '[]'::json)
                 FROM flagged f
                 LEFT JOIN LATERAL (
                   SELECT e.exports, e.last_exported_at FROM lead_exports e
                    WHERE e.pool_id = $1 AND e.lead = f.lead LIMIT 1
                 ) e ON true
                WHERE f.revealed) AS leads,
              (SELECT coalesce(array_agg(f.lead ORDER BY f.n), '{}') FROM flagged f WHERE NOT f.revealed) AS not_revealed`,
      [caller.poolId, leads],
    );
    const row = rows[0];
    if (!row) throw new Error('the export quote returned no row');
    const spendable = await readSpendable(tx, caller.poolId, caller.userId);
    return {
      needed: row.leads.length,
      available: spendable.available,
      ...(spendable.memberLimit ? { memberLimit: spendable.memberLimit } : {}),
      leads: row.leads,
      notRevealed: row.not_revealed,
    };
  });
}

export interface ExportInput {
  /** Canonical, distinct slugs (ExportRequestSchema); the rows come back in this order. */
  leads: string[];
  target: ExportTarget;
  idempotencyKey: string;
  now: Date;
}

/** The answer to send: status and JSON bytes, replayed or new. Throws ApiError (402, 404, 409, 422). */
export async function exportLeads(db: Database, caller: Caller, input: ExportInput): Promise<StoredResponse> {
  const { now } = input;
  // `kind` keeps an export and another charging request under one key from ever hashing alike.
  const scope: Scope = {
    poolId: caller.poolId,
    key: input.idempotencyKey,
    requestHash: hashRequest({ kind: 'export', target: input.target, leads: input.leads }),
    now,
    owner: randomUUID(),
  };
  const replay = await claimOrReplay(db, scope);
  if (replay) return replay;
  const body = await runClaimed(db, scope, () =>
    db.transaction(async (tx) => {
      const text = await chargeExport(tx, caller, input);
      await storeResponse(tx, scope, 200, text);
      return text;
    }),
  );
  return { status: 200, body, replayed: false };
}

async function chargeExport(tx: Queryable, caller: Caller, input: ExportInput): Promise<string> {
  const { poolId, userId } = caller;
  const { leads, now } = input;
  await tx.query(ROW_PLANNING_SQL);
  // Renewal on read (R10): the export is charged in the period it happens in.
  if (now >= caller.renewsAt) await renewIfDue(tx, poolId, now);
  const locked = await tx.query<{ period_start: Date; closed: boolean; active: boolean; not_revealed: string[] }>(
    LOCK_POOL_SQL,
    [poolId, leads, userId],
  );
  const pool = locked.rows[0];
  if (!pool) throw new Error(`pool ${poolId} not found`);
  // Removed while this request was on its way: the key stopped working "at once".
  if (!pool.active) throw unauthorized();
  if (pool.closed) {
    throw new ApiError(
      409,
      'conflict',
      'Your workspace just moved to a paid plan and shares a new pool; retry the export.',
    );
  }
  if (pool.not_revealed.length > 0) throw notRevealed(pool.not_revealed);

  const needed = leads.length;
  const charge = await tx.query<{ counted: boolean; debited: boolean }>(CHARGE_SQL, [
    poolId,
    userId,
    pool.period_start,
    needed,
  ]);
  const outcome = charge.rows[0];
  if (!outcome?.debited) {
    // Whichever guard tripped, the answer names what binds: the member's limit when it leaves
    // them less than the pool holds, else the pool (the limit is then no tighter than it).
    const { available, memberLimit } = await readSpendable(tx, poolId, userId);
    throw new InsufficientExportCredits(
      needed,
      available,
      memberLimit ? 'memberLimit' : undefined,
      memberLimit
        ? `This export needs ${exportCredits(needed)}; your monthly limit of ${exportCredits(memberLimit.limit)} ` +
            `leaves you ${available}. Nothing was charged.`
        : `This export needs ${exportCredits(needed)}; ${available} ${available === 1 ? 'is' : 'are'} left. ` +
            'Nothing was charged.',
    );
  }

  const exportId = `exp_${randomUUID().replaceAll('-', '')}`;
  await tx.query(RECORD_SQL, [poolId, leads, userId, now, input.idempotencyKey, exportId, input.target]);
  const rows = await readLeadRows(tx, poolId, leads);
  const head = { id: exportId, at: now.toISOString(), target: input.target, charged: needed };
  const balances = await readBalances(tx, poolId);
  const limits = await readLimits(tx, userId, now);
  // ExportResponse, its rows as Postgres wrote them (see server/pool-leads.ts).
  return `{"export":${JSON.stringify(head)},"rows":${rows},"balances":${JSON.stringify(balances)},"limits":${JSON.stringify(limits)}}`;
}

function notRevealed(leads: string[]): ApiError {
  const shown = leads.slice(0, 5).join(', ') + (leads.length > 5 ? ', …' : '');
  const count = leads.length === 1 ? '1 of these leads was' : `${leads.length} of these leads were`;
  return new ApiError(
    404,
    'not_found',
    `${count} never revealed by your pool (${shown}): an export holds only revealed data. ` +
      'Reveal them first or leave them out. Nothing was charged.',
    'leads',
  );
}
