import { Hono } from 'hono';
import { readAccount } from '../accounts.ts';
import { renewIfDue } from '../renewal.ts';
import type { AppEnv } from './env.ts';

export const accountRoutes = new Hono<AppEnv>().get('/v1/account', async (c) => {
  const { db, now } = c.var.deps;
  const caller = c.var.caller;
  const at = now();
  const account = await db.transaction(async (tx) => {
    if (at >= caller.renewsAt) await renewIfDue(tx, caller.poolId, at);
    return readAccount(tx, caller, at);
  });
  return c.json(account);
});
