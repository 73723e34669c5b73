/**
 * The credits API as a Hono app: routes, API-key auth on /v1, and JSON errors with stable
 * codes. Stateless: everything lives in the database, so any number of processes can serve.
 */
import { Hono } from 'hono';
import type { ErrorBody } from '../shared/api.ts';
import { bearerToken, requireCaller } from './auth.ts';
import type { Database } from './db/database.ts';
import { ApiError } from './errors.ts';
import { accountRoutes } from './routes/account.ts';
import { availabilityRoutes } from './routes/availability.ts';
import { exportRoutes } from './routes/exports.ts';
import type { AppEnv } from './routes/env.ts';
import { leadRoutes } from './routes/leads.ts';
import { ledgerRoutes } from './routes/ledger.ts';
import { openapiRoutes } from './routes/openapi.ts';
import { REVEALS_PATH, revealRoutes } from './routes/reveals.ts';
import { workspaceRoutes } from './routes/workspace.ts';

export interface CreateAppDeps {
  db: Database;
  /** The clock; tests move it to exercise renewals. */
  now?: () => Date;
}

export function createApp(deps: CreateAppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const appDeps = { db: deps.db, now: deps.now ?? (() => new Date()) };

  app.use('*', async (c, next) => {
    c.set('deps', appDeps);
    await next();
  });

  app.use('/v1/*', async (c, next) => {
    const token = bearerToken(c.req.header('Authorization'));
    if (!token) throw new ApiError(401, 'unauthorized', 'Send your API key as "Authorization: Bearer <key>".');
    c.set('apiKey', token);
    // A reveal looks its caller up in the statement that records its idempotency key: one
    // round trip fewer on the hot path (server/reveal-request.ts).
    if (!(c.req.method === 'POST' && c.req.path === REVEALS_PATH))
      c.set('caller', await requireCaller(appDeps.db, token));
    await next();
  });

  app.get('/healthz', async (c) => {
    await appDeps.db.query('SELECT 1');
    return c.json({ ok: true });
  });
  app.route('/', openapiRoutes);
  app.route('/', accountRoutes);
  app.route('/', revealRoutes);
  app.route('/', availabilityRoutes);
  app.route('/', ledgerRoutes);
  app.route('/', leadRoutes);
  app.route('/', exportRoutes);
  app.route('/', workspaceRoutes);

  app.notFound((c) => {
    const body: ErrorBody = { error: { code: 'not_found', message: `No route ${c.req.method} ${c.req.path}.` } };
    return c.json(body, 404);
  });

  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json(error.toBody(), error.status);
    console.error('unexpected error on', c.req.method, c.req.path, error);
    const body: ErrorBody = {
      error: { code: 'internal', message: 'Something went wrong on the server; retry later.' },
    };
    return c.json(body, 500);
  });

  return app;
}
