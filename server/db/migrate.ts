/**
 * Applies server/db/migrations/NNN_name.sql in order, each in its own transaction, and
 * records them. The same SQL serves PGlite and Postgres. An advisory lock makes server
 * processes that start together on one Postgres take turns. Migrations are not checksummed:
 * only a file's name says whether it was applied, so an applied file's comments may be
 * edited, never its SQL.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
/** An arbitrary constant naming the migration lock. */
const MIGRATION_LOCK_ID = 7_411_042;

export function migrationFiles(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((name) => /^\d+_.+\.sql$/.test(name))
    .sort();
}

export async function migrate(db: Database): Promise<string[]> {
  // Under the lock too: two processes creating the table at once on an empty database would
  // collide (CREATE TABLE IF NOT EXISTS is not safe against a concurrent creation).
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_ID]);
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
  });
  const applied: string[] = [];
  for (const name of migrationFiles()) {
    const sql = readFileSync(MIGRATIONS_DIR + name, 'utf8');
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_ID]);
      const seen = await tx.query('SELECT 1 FROM schema_migrations WHERE name = $1', [name]);
      if (seen.rowCount > 0) return false;
      await tx.query(sql);
      await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [name]);
      return true;
    });
    if (done) applied.push(name);
  }
  return applied;
}
