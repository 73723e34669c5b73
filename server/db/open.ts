/**
 * Opens the database: a real Postgres when given a URL, otherwise PGlite in a data folder
 * (locked against other processes) or in memory. Both go through `pg`, so the server has a
 * single code path of plain SQL. Migrations run on open.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import pg from 'pg';
import type { Database, Queryable, QueryResult } from './database.ts';
import { lockDataDir, type DataDirLock } from './data-dir-lock.ts';
import { migrate } from './migrate.ts';

export interface OpenDatabaseOptions {
  /** A Postgres connection string; wins over dataDir. */
  databaseUrl?: string;
  /** A PGlite data folder, or 'memory://' for an in-memory database. */
  dataDir?: string;
  /** Connections in the pool (Postgres only; PGlite has one connection). */
  maxConnections?: number;
  /** Written into the data folder lock so a refused process can say who holds it. */
  lockPurpose?: string;
  /** Apply the migrations on open (default). Tests of a migration open without, to start from an older schema. */
  migrate?: boolean;
}

export const MEMORY = 'memory://';

/**
 * Parameterised statements are prepared once per connection under a name derived from their
 * text: re-parsing and re-planning each one cost more than running it (measured: about half
 * of a reveal on PGlite, where every protocol message is a call into WebAssembly).
 */
const statementNames = new Map<string, string>();
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `ll_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return name;
}

function toQuery(text: string, params: unknown[] | undefined): pg.QueryConfig | string {
  return params === undefined ? text : { text, values: params, name: statementName(text) };
}

function wrapPool(pool: pg.Pool, kind: Database['kind'], onClose: () => Promise<void>): Database {
  const query = async <R extends pg.QueryResultRow>(text: string, params?: unknown[]): Promise<QueryResult<R>> => {
    const result = await pool.query<R>(toQuery(text, params));
    return { rows: result.rows, rowCount: result.rowCount ?? 0 };
  };
  let closed = false;
  return {
    kind,
    query,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      const tx: Queryable = {
        async query<R extends pg.QueryResultRow>(text: string, params?: unknown[]) {
          const result = await client.query<R>(toQuery(text, params));
          return { rows: result.rows, rowCount: result.rowCount ?? 0 };
        },
      };
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const value = await fn(tx);
        await client.query('COMMIT');
        return value;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          // A client that cannot roll back is not given back to the pool.
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
      await onClose();
    },
  };
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  let db: Database;
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.maxConnections ?? 16 });
    // An idle client's error (the server restarted) must not crash the process.
    pool.on('error', (error) => console.warn('postgres idle client error:', error.message));
    db = wrapPool(pool, 'postgres', async () => {});
  } else {
    const dataDir = opts.dataDir ?? '.data';
    let lock: DataDirLock | null = null;
    let pglite: PGlite;
    if (dataDir === MEMORY) {
      pglite = await PGlite.create();
    } else {
      mkdirSync(dataDir, { recursive: true });
      lock = lockDataDir(dataDir, opts.lockPurpose ?? 'server');
      try {
        pglite = await PGlite.create({ dataDir: path.join(dataDir, 'pgdata') });
      } catch (error) {
        lock.release();
        throw error;
      }
    }
    // PGlite has one connection: a pool of one serialises transactions on it, and
    // idle clients are never reaped because the connection object cannot be reopened.
    const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1, idleTimeoutMillis: 0 });
    db = wrapPool(pool, 'pglite', async () => {
      await pglite.close();
      lock?.release();
    });
  }
  try {
    if (opts.migrate ?? true) await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
