import { Hono } from 'hono';
import { LedgerQuerySchema } from '../../shared/api.ts';
import { readLedger } from '../ledger.ts';
import { parseInput } from '../validation.ts';
import type { AppEnv } from './env.ts';

export const ledgerRoutes = new Hono<AppEnv>().get('/v1/ledger', async (c) => {
  const query = parseInput(LedgerQuerySchema, c.req.query());
  const page = await readLedger(c.var.deps.db, c.var.caller.poolId, query);
  return c.json(page);
});
