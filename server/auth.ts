/**
 * API keys: `ll_live_<base64url>` from 24 random bytes, stored as their sha256. A fast hash is
 * right for keys this random (no dictionary to guess from), and it lets a request find its
 * user with one indexed lookup.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Plan } from '../shared/credits.ts';
import type { Queryable } from './db/database.ts';

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

interface CallerRow {
  user_id: string;
  email: string;
  role: 'admin' | 'member';
  workspace_id: string;
  plan: Plan;
  pool_id: string;
  renews_at: Date;
}

/** The active user holding this key, or null (unknown key, or a removed user). */
export async function findCaller(db: Queryable, apiKey: string): Promise<Caller | null> {
  const { rows } = await db.query<CallerRow>(
    `SELECT u.id AS user_id, u.email, u.role, u.workspace_id, w.plan, u.pool_id, p.renews_at
       FROM users u
       JOIN workspaces w ON w.id = u.workspace_id
       JOIN pools p ON p.id = u.pool_id
      WHERE u.api_key_hash = $1 AND u.removed_at IS NULL`,
    [hashApiKey(apiKey)],
  );
  const row = rows[0];
  if (!row) return null;
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

/** Reads `Authorization: Bearer <key>`; null when absent or malformed. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}
