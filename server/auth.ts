/**
 * API keys: `ll_live_<base64url>` from 24 random bytes, stored as their sha256. A fast hash is
 * right for keys this random (no dictionary to guess from), and it lets a request find its
 * user with one indexed lookup.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Plan } from '../shared/credits.ts';
import type { Queryable } from './db/database.ts';
import { ApiError } from './errors.ts';

export const API_KEY_PREFIX = 'll_live_';

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(24).toString('base64url');
}

export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

/** Who is calling: resolved from the API key on every request. */
export interface Caller {
  userId: string;
  email: string;
  role: 'admin' | 'member';
  workspaceId: string;
  plan: Plan;
  poolId: string;
  /** When the caller's pool renews next (R10); a request at or after it renews first. */
  renewsAt: Date;
}

export interface CallerRow {
  user_id: string;
  email: string;
  role: 'admin' | 'member';
  workspace_id: string;
  plan: Plan;
  pool_id: string;
  renews_at: Date;
}

/** The active user holding the key whose hash is `$1`, as a CallerRow (no row: unknown or removed). */
export const CALLER_SQL = `SELECT u.id AS user_id, u.email, u.role, u.workspace_id, w.plan, u.pool_id, p.renews_at
       FROM users u
       JOIN workspaces w ON w.id = u.workspace_id
       JOIN pools p ON p.id = u.pool_id
      WHERE u.api_key_hash = $1 AND u.removed_at IS NULL`;

export function toCaller(row: CallerRow): Caller {
  return {
    userId: row.user_id,
    email: row.email,
    role: row.role,
    workspaceId: row.workspace_id,
    plan: row.plan,
    poolId: row.pool_id,
    renewsAt: row.renews_at,
  };
}

/** The active user holding this key, or null (unknown key, or a removed user). */
export async function findCaller(db: Queryable, apiKey: string): Promise<Caller | null> {
  const { rows } = await db.query<CallerRow>(CALLER_SQL, [hashApiKey(apiKey)]);
  const row = rows[0];
  return row ? toCaller(row) : null;
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'unauthorized', 'This API key is not valid (unknown, or its user was removed).');
}

/** The caller, or a 401. */
export async function requireCaller(db: Queryable, apiKey: string): Promise<Caller> {
  const caller = await findCaller(db, apiKey);
  if (!caller) throw unauthorized();
  return caller;
}

/** Reads `Authorization: Bearer <key>`; null when absent or malformed. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}
