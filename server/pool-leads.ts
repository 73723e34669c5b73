/**
 * The leads a pool revealed, as the leads page and exports show them (PoolLead in
 * shared/api.ts): who the lead is (from `people`), when the pool first and last revealed a
 * type of them, the values of the types the pool revealed (from `contacts`; a type the pool
 * never paid for stays empty even when the database holds it), and how often the pool
 * exported them (`lead_exports`, 005_exports.sql).
 *
 * Rows are built as JSON by Postgres in one statement for a whole page or a whole export
 * (10,000 leads: one index probe per lead and table, no query per lead), and sent as the
 * text Postgres made: an export's answer is stored and replayed byte for byte, and parsing
 * 10,000 rows only to print them again would cost the server's thread for nothing.
 */
import type { Database, Queryable } from './db/database.ts';
import { badRequest } from './errors.ts';

/**
 * Run first in a transaction that builds rows, for the planner settings these statements need.
 *
 * `plan_cache_mode`: the server prepares every statement under a name (server/db/open.ts), and
 * after five runs Postgres may switch a prepared statement to a generic plan, made without the
 * pool and the page size. For these statements that plan walks every pool's reveals: a page of
 * 1,000 leads went from 80 ms to 2,000 ms of CPU at its sixth run (PGlite, measured). Custom
 * plans cost a planning per run (under a millisecond), nothing next to the rows.
 *
 * `jit`: these statements probe a few index rows per lead, but for thousands of leads the
 * planner's cost passes `jit_above_cost` and Postgres compiles them with LLVM first: 250 ms of
 * a 440 ms statement for 10,000 leads (Postgres 15). PGlite has no JIT; the setting is
 * harmless there.
 */
export const ROW_PLANNING_SQL =
  "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), set_config('jit', 'off', true)";

/** ISO 8601 in UTC with milliseconds, as `Date.toISOString()` writes it. */
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/**
 * The JSON array (text) of PoolLead rows for the leads of a CTE `asked (lead, n)`, in `n`
 * order, for the pool `$1`. Leads the pool never revealed are left out.
 *
 * Every table is read per lead through a LATERAL subquery the planner cannot turn into a
 * join, so each is one primary-key probe per lead whatever the statistics say. As plain
 * joins, a planner without statistics (PGlite never analyzes; a fresh Postgres table) took
 * `lead_exports` for a few dozen rows and rescanned all of the pool's for every lead: 4.5 s
 * instead of 40 ms for a page of 1,000 after one export of 10,000 (measured on PGlite); and
 * `people`, the whole contact database, would be hashed for every page.
 */
export const POOL_LEAD_ROWS_SQL = `SELECT coalesce(json_agg(json_build_object(
           'lead', a.lead,
           'name', p.full_name,
           'headline', p.headline,
           'company', p.company,
           'location', p.location,
           'revealedAt', to_char(rv.first_at AT TIME ZONE 'UTC', ${ISO}),
           'lastRevealedAt', to_char(rv.last_at AT TIME ZONE 'UTC', ${ISO}),
           'values', json_build_object('b2bEmail', coalesce(v.b2b_email, '[]'::json),
                                       'phone', coalesce(v.phone, '[]'::json),
                                       'directEmail', coalesce(v.direct_email, '[]'::json)),
           'exports', coalesce(e.exports, 0),
           'lastExportedAt', to_char(e.last_exported_at AT TIME ZONE 'UTC', ${ISO})
         ) ORDER BY a.n), '[]'::json)::text AS rows
    FROM asked a
    CROSS JOIN LATERAL (
      SELECT min(r.revealed_at) AS first_at, max(r.revealed_at) AS last_at, array_agg(r.type) AS types
        FROM reveals r WHERE r.pool_id = $1 AND r.lead = a.lead
    ) rv
    LEFT JOIN LATERAL (
      SELECT p.full_name, p.headline, p.company, p.location FROM people p WHERE p.slug = a.lead LIMIT 1
    ) p ON true
    LEFT JOIN LATERAL (
      SELECT e.exports, e.last_exported_at FROM lead_exports e WHERE e.pool_id = $1 AND e.lead = a.lead LIMIT 1
    ) e ON true
    CROSS JOIN LATERAL (
      SELECT json_agg(c.v ORDER BY c.position) FILTER (WHERE c.type = 'b2bEmail') AS b2b_email,
             json_agg(c.v ORDER BY c.position) FILTER (WHERE c.type = 'phone') AS phone,
             json_agg(c.v ORDER BY c.position) FILTER (WHERE c.type = 'directEmail') AS direct_email
        FROM (SELECT c.type, c.position,
                     CASE WHEN c.type = 'phone' AND c.phone_kind IS NOT NULL
                       THEN json_build_object('value', c.value, 'phoneKind', c.phone_kind,
                              'verifiedAt', to_char(c.verified_at AT TIME ZONE 'UTC', ${ISO}))
                       ELSE json_build_object('value', c.value,
                              'verifiedAt', to_char(c.verified_at AT TIME ZONE 'UTC', ${ISO}))
                     END AS v
                FROM contacts c WHERE c.slug = a.lead AND c.type = ANY (rv.types)) c
    ) v
   WHERE rv.first_at IS NOT NULL`;

/**
 * The page walk: the pool's reveals newest first, each lead once, at its first reveal (a
 * reveal row is kept when no row of the same lead came before it; two types revealed in one
 * request share a time, and the type breaks the tie). A lead's first reveal never moves, so
 * the keyset (first revealed, lead) is stable while new reveals arrive: every lead is listed
 * once across pages. One variant per page kind: `$3 IS NULL OR ...` would keep the planner
 * from starting the index scan at the cursor, and every page would walk from the newest.
 */
const pageSql = (afterCursor: boolean) => `WITH page AS (
       SELECT r.lead, r.revealed_at FROM reveals r
        WHERE r.pool_id = $1${afterCursor ? ' AND (r.revealed_at, r.lead) < ($3::timestamptz, $4::text)' : ''}
          AND NOT EXISTS (SELECT 1 FROM reveals f WHERE f.pool_id = r.pool_id AND f.lead = r.lead
                           AND (f.revealed_at < r.revealed_at OR (f.revealed_at = r.revealed_at AND f.type < r.type)))
        ORDER BY r.revealed_at DESC, r.lead DESC
        LIMIT $2::int + 1
     ), numbered AS (
       SELECT lead, revealed_at, row_number() OVER (ORDER BY revealed_at DESC, lead DESC) AS n FROM page
     ), asked AS (
       SELECT lead, n FROM numbered WHERE n <= $2::int
     )
     SELECT (${POOL_LEAD_ROWS_SQL}) AS rows,
            (SELECT count(*) FROM page) > $2::int AS more,
            (SELECT json_build_array(to_char(revealed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), lead)
               FROM numbered WHERE n = $2::int)::text AS last`;

const FIRST_PAGE_SQL = pageSql(false);
const NEXT_PAGE_SQL = pageSql(true);

/** The keyset of the last lead of a page: its first reveal (to the microsecond) and slug. */
type Keyset = [revealedAt: string, lead: string];

export function encodeLeadCursor(keyset: Keyset): string {
  return Buffer.from(`leads:${JSON.stringify(keyset)}`).toString('base64url');
}

export function decodeLeadCursor(cursor: string): Keyset {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const refused = () => badRequest('cursor is not a cursor from a previous page of leads', 'cursor');
  if (!decoded.startsWith('leads:')) throw refused();
  let keyset: unknown;
  try {
    keyset = JSON.parse(decoded.slice('leads:'.length));
  } catch {
    throw refused();
  }
  if (
    !Array.isArray(keyset) ||
    keyset.length !== 2 ||
    typeof keyset[0] !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(keyset[0]) ||
    typeof keyset[1] !== 'string'
  ) {
    throw refused();
  }
  return [keyset[0], keyset[1]];
}

/**
 * One page of the pool's revealed leads, newest first reveal first, as the JSON text of a
 * LeadListPage: one statement, whatever the page size.
 */
export async function readLeadPage(
  db: Database,
  poolId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<string> {
  const after = page.cursor === undefined ? null : decodeLeadCursor(page.cursor);
  const { rows } = await db.transaction(async (tx) => {
    await tx.query(ROW_PLANNING_SQL);
    return tx.query<{ rows: string; more: boolean; last: string | null }>(
      after ? NEXT_PAGE_SQL : FIRST_PAGE_SQL,
      after ? [poolId, page.limit, after[0], after[1]] : [poolId, page.limit],
    );
  });
  const row = rows[0];
  if (!row) throw new Error('the lead page query returned no row');
  const next = row.more && row.last ? encodeLeadCursor(JSON.parse(row.last) as Keyset) : null;
  return `{"leads":${row.rows},"nextCursor":${JSON.stringify(next)}}`;
}

/**
 * The PoolLead rows (JSON text) of `leads`, in that order, for the pool: an export's rows.
 * Leads the pool never revealed are left out (an export refuses them before this). Inside a
 * transaction, after ROW_PLANNING_SQL.
 */
export async function readLeadRows(db: Queryable, poolId: string, leads: string[]): Promise<string> {
  const { rows } = await db.query<{ rows: string }>(
    `WITH asked AS (SELECT lead, n FROM unnest($2::text[]) WITH ORDINALITY AS a (lead, n))
     ${POOL_LEAD_ROWS_SQL}`,
    [poolId, leads],
  );
  return rows[0]?.rows ?? '[]';
}
