/**
 * What the background's handlers depend on, passed in so unit tests can fake the server
 * (fetch), the clock and the browser's permission prompt, and can simulate a worker restart
 * (a new context on the same IndexedDB).
 */
import type { Badge } from '../../shared/usage.ts';
import type { FetchLike } from './api-client.ts';
import type { Database } from './database.ts';

export interface BackgroundContext {
  db: () => Promise<Database>;
  fetch: FetchLike;
  now: () => number;
  newIdempotencyKey: () => string;
  sleep: (ms: number) => Promise<void>;
  /** Per API request, body included. */
  timeoutMs: number;
  /** Whether the extension holds a host permission (`https://host/*`). */
  hasHostPermission: (pattern: string) => Promise<boolean>;
  /**
   * Last known balances older than this are read again (GET /v1/account, free) before a
   * reveal is refused locally for a 0 balance: an admin may have bought add-ons since.
   */
  balancesMaxAgeMs: number;
  /** Shows the toolbar badge (browser.action in the worker; recorded in unit tests). */
  setBadge: (badge: Badge) => Promise<void>;
}
