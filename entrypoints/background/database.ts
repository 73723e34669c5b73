/**
 * The background's IndexedDB (extension origin; only the background opens it): the paid
 * leads cache, the session with the API key, and the idempotency keys of reveals not yet
 * confirmed. Content scripts cannot reach it, unlike `storage.local`.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Account, ContactValue, ExportTarget, PoolLead } from '../../shared/api.ts';
import type { RevealType } from '../../shared/credits.ts';
import type { BulkJobView, BulkRowView, PoolScope } from '../../shared/protocol.ts';

export const DB_NAME = 'leadlens';
export const DB_VERSION = 2;

export type { PoolScope };

/**
 * A pool as the cache knows it: the server's address and the pool id. Two servers may
 * both have a pool `p1`; their leads must not look paid to each other (DESIGN section 3).
 */
export function poolScope(serverUrl: string, poolId: string): PoolScope {
  return `${serverUrl} ${poolId}`;
}

/** One type the server confirmed as revealed for the pool: paid, free to show forever (R3). */
export interface CachedType {
  values: ContactValue[];
  revealedAt: string;
}

export interface LeadRecord {
  pool: PoolScope;
  slug: string;
  /** Only types the server answered `revealed`; notFound and errors are not paid. */
  types: Partial<Record<RevealType, CachedType>>;
  updatedAt: string;
}

export type SessionRecord =
  | {
      id: 'current';
      state: 'signedIn';
      serverUrl: string;
      apiKey: string;
      account: Account;
      /** When `account.balances` was last read from the server (ms since epoch). */
      balancesAt: number;
    }
  | {
      id: 'current';
      state: 'signedOut';
      /** Why the user was signed out (for example the server refused the key), to show them. */
      reason: { code: 'unauthorized'; message: string } | null;
    };

export interface PendingReveal {
  pool: PoolScope;
  slug: string;
  /** The requested types, sorted and joined: the same key always goes with the same body. */
  typesKey: string;
  idempotencyKey: string;
  createdAt: string;
}

/** The pool's lead list as last read from the server (the leads page), one record per lead. */
export interface PoolLeadRecord extends PoolLead {
  pool: PoolScope;
}

/** When a pool's lead list was last read whole. */
export interface LeadListSync {
  pool: PoolScope;
  syncedAt: string;
}

/**
 * An export the page asked for, recorded before the request: the same `exportId` (a retry
 * after a lost answer, a stopped worker) sends the same Idempotency-Key, so it is charged once.
 */
export interface PendingExport {
  pool: PoolScope;
  exportId: string;
  /** sha of target + leads: a different export under the same id is refused locally. */
  requestKey: string;
  target: ExportTarget;
  idempotencyKey: string;
  createdAt: string;
}

/** The CRM webhook (kept here, not in storage.local: the secret signs what is sent). */
export interface WebhookRecord {
  id: 'webhook';
  url: string;
  secret: string | null;
}

/** A bulk enrichment job: its state and counters; its rows are in `bulkRows`. */
export type BulkJobRecord = BulkJobView;

export interface BulkRowRecord extends BulkRowView {
  jobId: string;
}

export interface LeadLensDB extends DBSchema {
  leads: { key: [string, string]; value: LeadRecord };
  session: { key: 'current'; value: SessionRecord };
  pendingReveals: { key: [string, string, string]; value: PendingReveal };
  poolLeads: { key: [string, string]; value: PoolLeadRecord };
  leadListSync: { key: string; value: LeadListSync };
  pendingExports: { key: [string, string]; value: PendingExport };
  settingsRecords: { key: 'webhook'; value: WebhookRecord };
  bulkJobs: { key: string; value: BulkJobRecord; indexes: { byPool: [string, string] } };
  bulkRows: { key: [string, number]; value: BulkRowRecord; indexes: { byStatus: [string, string] } };
}

export type Database = IDBPDatabase<LeadLensDB>;

/**
 * Opens the database lazily and reopens it after the browser closed it (`terminated`) or a
 * newer version asked for it (`blocking`). A connection is a cache, not state that must survive.
 */
export function createDatabase(name = DB_NAME): () => Promise<Database> {
  let opening: Promise<Database> | null = null;
  const open = (): Promise<Database> => {
    const connection: Promise<Database> = openDB<LeadLensDB>(name, DB_VERSION, {
      upgrade(db, oldVersion) {
        if (oldVersion < 1) {
          db.createObjectStore('leads', { keyPath: ['pool', 'slug'] });
          db.createObjectStore('session', { keyPath: 'id' });
          db.createObjectStore('pendingReveals', { keyPath: ['pool', 'slug', 'typesKey'] });
        }
        if (oldVersion < 2) {
          // Leads and exports (issue 5): the pool's lead list, exports in flight, the
          // webhook, bulk enrichment jobs and their rows.
          db.createObjectStore('poolLeads', { keyPath: ['pool', 'lead'] });
          db.createObjectStore('leadListSync', { keyPath: 'pool' });
          db.createObjectStore('pendingExports', { keyPath: ['pool', 'exportId'] });
          db.createObjectStore('settingsRecords', { keyPath: 'id' });
          const jobs = db.createObjectStore('bulkJobs', { keyPath: 'id' });
          jobs.createIndex('byPool', ['pool', 'createdAt']);
          const rows = db.createObjectStore('bulkRows', { keyPath: ['jobId', 'index'] });
          rows.createIndex('byStatus', ['jobId', 'status']);
        }
      },
      blocked() {
        console.warn('LeadLens: the cache upgrade waits for an older connection to close.');
      },
      blocking() {
        // A newer version of the extension needs the database: let it upgrade, reopen on next
        // use. `blocking` only fires on an open connection, so `connection` has resolved.
        void connection.then((db) => db.close());
        forget(connection);
      },
      terminated() {
        forget(connection);
      },
    });
    connection.catch(() => forget(connection));
    return connection;
  };
  const forget = (connection: Promise<Database>) => {
    if (opening === connection) opening = null;
  };
  return () => (opening ??= open());
}
