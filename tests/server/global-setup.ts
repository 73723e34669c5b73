/**
 * The server tier runs every test on PGlite and on a real Postgres: this starts a private
 * Postgres cluster (or uses TEST_DATABASE_URL) and provides its URL to the test files,
 * each of which creates its own database on it, named with this run's prefix.
 *
 * The private cluster is stopped by the teardown, and also when this process exits without
 * one (a crash, Ctrl-C), so no run leaves a Postgres behind.
 */
import type { TestProject } from 'vitest/node';
import { dropDatabases, runDatabasePrefix, startPostgres } from '../support/postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
    /** The prefix of this run's database names (createTestDatabase in harness.ts). */
    postgresDbPrefix: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const prefix = runDatabasePrefix();
  project.provide('postgresDbPrefix', prefix);
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    project.provide('postgresUrl', given);
    return () => dropDatabases(given, prefix);
  }
  const cluster = await startPostgres();
  project.provide('postgresUrl', cluster.url);
  const onExit = () => cluster.stopNow();
  const onSignal = (signal: NodeJS.Signals) => {
    cluster.stopNow();
    // Die of the signal as we would have, unless someone else (Vitest) handles it.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  process.once('exit', onExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  return async () => {
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    await cluster.stop();
  };
}
