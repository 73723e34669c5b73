/**
 * Starts the credits API on a loopback port: opens the database (migrating it), seeds the
 * demo if asked, and listens. Used by `npm run server`, `npm start`, e2e tests and benchmarks.
 */
import { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from './app.ts';
import type { Database } from './db/database.ts';
import { openDatabase } from './db/open.ts';
import { seedDemo } from './demo.ts';
import { purgeIdempotencyKeys } from './idempotency.ts';

export interface StartServerOptions {
  databaseUrl?: string;
  dataDir?: string;
  /** 0 picks a free port. Default 8787. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  demoApiKey?: string;
  /** Seed the demo workspace and people on a fresh database (see seedDemo). Default true. */
  seedDemo?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  db: Database;
  /** The demo workspace, with its API key when known (just created, or given as demoApiKey). */
  demo: { apiKey: string; workspaceId: string } | null;
  /**
   * Set when the demo exists but its key is not known now: printed on an earlier start, or
   * its admin was removed.
   */
  demoWorkspaceId: string | null;
  close(): Promise<void>;
}

const PURGE_EVERY_MS = 60 * 60 * 1000;
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
const REQUEST_TIMEOUT_MS = 30_000;

export async function startServer(opts: StartServerOptions = {}): Promise<RunningServer> {
  const db = await openDatabase({ databaseUrl: opts.databaseUrl, dataDir: opts.dataDir, lockPurpose: 'server' });
  let server: ServerType | undefined;
  try {
    let demo: RunningServer['demo'] = null;
    let demoWorkspaceId: string | null = null;
    if (opts.seedDemo ?? true) {
      const seeded = await seedDemo(db, { apiKey: opts.demoApiKey });
      demoWorkspaceId = seeded?.workspaceId ?? null;
      if (seeded?.apiKey) demo = { apiKey: seeded.apiKey, workspaceId: seeded.workspaceId };
    }
    const app = createApp({ db });
    const host = opts.host ?? '127.0.0.1';
    const port = await new Promise<number>((resolve, reject) => {
      server = serve(
        {
          fetch: app.fetch,
          hostname: host,
          port: opts.port ?? 8787,
          // Answers go out at once (no Nagle delay); TCP keep-alive probes find dead peers.
          serverOptions: { noDelay: true, keepAlive: true },
        },
        (info: AddressInfo) => resolve(info.port),
      );
      if (server instanceof Server) {
        // Keep idle connections longer than Node's 5 s default: a client's next request (the
        // extension's next reveal, a load balancer's pooled connection) reuses its connection
        // instead of paying a new handshake. Above the 60 s idle timeout of common load
        // balancers, so they close first and never send on a connection the server just closed.
        server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
        // Node's rule: longer than keepAliveTimeout.
        server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000;
        server.requestTimeout = REQUEST_TIMEOUT_MS;
      }
      server.once('error', reject);
    });
    let purging: Promise<unknown> = Promise.resolve();
    const purge = () => {
      purging = purgeIdempotencyKeys(db).catch((error: unknown) => console.warn('idempotency purge failed:', error));
    };
    purge();
    const timer = setInterval(purge, PURGE_EVERY_MS);
    timer.unref();
    const urlHost = host.includes(':') ? `[${host}]` : host;
    let closing: Promise<void> | null = null;
    return {
      url: `http://${urlHost}:${port}`,
      port,
      db,
      demo,
      demoWorkspaceId,
      close() {
        closing ??= (async () => {
          clearInterval(timer);
          await purging;
          await new Promise<void>((resolve) => {
            if (!server) return resolve();
            server.close(() => resolve());
            // Idle keep-alive connections would hold close() open.
            if ('closeAllConnections' in server) server.closeAllConnections();
          });
          await db.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    server?.close();
    await db.close();
    throw error;
  }
}
