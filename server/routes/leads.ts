import { Hono } from 'hono';
import { LeadListQuerySchema } from '../../shared/api.ts';
import { readLeadPage } from '../pool-leads.ts';
import { parseInput } from '../validation.ts';
import type { AppEnv } from './env.ts';

/** The pool's revealed leads, newest first reveal first, in keyset pages (free). */
export const leadRoutes = new Hono<AppEnv>().get('/v1/leads', async (c) => {
  const query = parseInput(LeadListQuerySchema, c.req.query());
  const body = await readLeadPage(c.var.deps.db, c.var.caller.poolId, query);
  return c.body(body, 200, { 'Content-Type': 'application/json' });
});
