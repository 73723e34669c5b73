/**
 * The server tier runs every test on PGlite and on a real Postgres: this starts a private
 * Postgres cluster (or uses TEST_DATABASE_URL) and provides its URL to the test files,
 * each of which creates its own database on it.
 */
import type { TestProject } from 'vitest/node';
import { dropDatabases, startPostgres } from '../support/postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    project.provide('postgresUrl', given);
    return () => dropDatabases(given);
  }
  const cluster = await startPostgres();
  project.provide('postgresUrl', cluster.url);
  return () => cluster.stop();
}
