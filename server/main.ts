/**
 * `npm run server`: the credits API on 127.0.0.1:${PORT:-8787}, on DATABASE_URL or the
 * PGlite folder DATA_DIR (default .data/). Seeds the demo on a fresh database.
 */
import { DataDirLockedError } from './db/data-dir-lock.ts';
import { UsageError } from './errors.ts';
import { startServer } from './serve.ts';

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const dataDir = process.env.DATA_DIR || '.data';
  const port = process.env.PORT ? Number(process.env.PORT) : 8787;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`PORT must be a port number, not ${process.env.PORT}`);
  }
  const server = await startServer({
    databaseUrl,
    dataDir,
    port,
    host: process.env.HOST || '127.0.0.1',
    demoApiKey: process.env.DEMO_API_KEY || undefined,
  });
  const where = databaseUrl ? 'Postgres (DATABASE_URL)' : `PGlite in ${dataDir} (embedded; use Postgres in production)`;
  console.log(`Database: ${where}`);
  if (server.demo) {
    console.log(`Demo workspace ${server.demo.workspaceId}; demo API key: ${server.demo.apiKey}`);
  } else if (server.demoWorkspaceId) {
    console.log(
      `Demo workspace ${server.demoWorkspaceId}: its API key was printed when it was created (set DEMO_API_KEY to give its admin a new one).`,
    );
  }
  console.log(`LeadLens server listening on ${server.url}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('error while stopping:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof DataDirLockedError || error instanceof UsageError) {
    console.error(error.message);
  } else if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
    console.error(`The port is already in use: ${error.message}. Set PORT to another one.`);
  } else {
    console.error('The server could not start:', error);
  }
  process.exit(1);
});
