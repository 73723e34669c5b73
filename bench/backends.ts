/**
 * The two databases every server benchmark measures, one after the other: the embedded
 * default (PGlite in memory) and a private Postgres cluster made for the run and thrown away.
 */
import { startServer, type RunningServer } from '../server/serve.ts';
import { createDatabase, startPostgres } from '../tests/support/postgres.ts';

export type BenchBackend = 'pglite' | 'postgres';

/** Runs `bench` on a fresh server over each backend, in order, and returns its results. */
export async function onEachBackend<T>(
  bench: (backend: BenchBackend, server: RunningServer) => Promise<T>,
): Promise<T[]> {
  const results: T[] = [];
  const pglite = await startServer({ dataDir: 'memory://', port: 0, seedDemo: false });
  try {
    results.push(await bench('pglite', pglite));
  } finally {
    await pglite.close();
  }
  const cluster = await startPostgres();
  try {
    const postgres = await startServer({
      databaseUrl: await createDatabase(cluster.url, 'leadlens_bench'),
      port: 0,
      seedDemo: false,
    });
    try {
      results.push(await bench('postgres', postgres));
    } finally {
      await postgres.close();
    }
  } finally {
    await cluster.stop();
  }
  return results;
}
