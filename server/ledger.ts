/**
 * A pool's ledger, newest first, with keyset pagination on the entry id, optionally only one
 * member's entries and one type's (the Usage tab's filters).
 */
import type { LedgerEntry, LedgerPage } from '../shared/api.ts';
import type { Queryable } from './db/database.ts';
import { badRequest } from './errors.ts';

interface LedgerRow {
  id: string;
  at: Date;
  type: LedgerEntry['type'];
  delta: number;
  reason: LedgerEntry['reason'];
  lead: string | null;
  user_id: string | null;
  user_email: string | null;
}

export function encodeCursor(id: string): string {
  return Buffer.from(`ledger:${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^ledger:(\d{1,19})$/.exec(decoded);
  if (!match?.[1]) throw badRequest('cursor is not a cursor from a previous page', 'cursor');
  return match[1];
}

export async function readLedger(
  db: Queryable,
  poolId: string,
  page: { limit: number; cursor?: string; userId?: string; type?: LedgerEntry['type'] },
): Promise<LedgerPage> {
  const before = page.cursor === undefined ? null : decodeCursor(page.cursor);
  // Only the filters asked for are in the statement: each combination is its own prepared
  // statement with its own plan (a member's entries come from ledger_pool_user_newest).
  const params: unknown[] = [poolId, before, page.limit + 1];
  let filters = '';
  if (page.userId !== undefined) filters += ` AND l.user_id = $${params.push(page.userId)}`;
  if (page.type !== undefined) filters += ` AND l.type = $${params.push(page.type)}`;
  const { rows } = await db.query<LedgerRow>(
    `SELECT l.id::text AS id, l.at, l.type, l.delta, l.reason, l.lead, l.user_id, u.email AS user_email
       FROM ledger l LEFT JOIN users u ON u.id = l.user_id
      WHERE l.pool_id = $1 AND ($2::bigint IS NULL OR l.id < $2::bigint)${filters}
      ORDER BY l.id DESC
      LIMIT $3`,
    params,
  );
  const entries = rows.slice(0, page.limit).map((row): LedgerEntry => ({
    id: row.id,
    at: row.at.toISOString(),
    type: row.type,
    delta: row.delta,
    reason: row.reason,
    lead: row.lead,
    userId: row.user_id,
    userEmail: row.user_email,
  }));
  const last = entries[entries.length - 1];
  return { entries, nextCursor: rows.length > page.limit && last ? encodeCursor(last.id) : null };
}
