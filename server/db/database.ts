/**
 * The one database interface the server codes against: plain SQL, pg-shaped, served by a
 * real Postgres (`pg.Pool`) or by PGlite through its node-postgres adapter.
 */
import type { QueryResultRow } from 'pg';

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/** Anything that runs a statement: the database itself or a transaction's client. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string, params?: unknown[]): Promise<QueryResult<R>>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Runs `fn` inside BEGIN/COMMIT on one dedicated client, rolling back when it throws.
   * Inside `fn` use only `tx`: on PGlite the outer handle waits for this very transaction.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Postgres error codes the server reacts to. */
export const PG_ERRORS = {
  uniqueViolation: '23505',
  checkViolation: '23514',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
} as const;

export function pgErrorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}
