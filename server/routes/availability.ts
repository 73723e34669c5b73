import { Hono } from 'hono';
import { LeadSchema, type Availability } from '../../shared/api.ts';
import { REVEAL_TYPES, type RevealType } from '../../shared/credits.ts';
import { parseInput } from '../validation.ts';
import type { AppEnv } from './env.ts';

/** Free: which types have data for the lead and which the pool already paid, never the values. */
export const availabilityRoutes = new Hono<AppEnv>().get('/v1/leads/:lead/availability', async (c) => {
  const { db } = c.var.deps;
  const lead = parseInput(LeadSchema, c.req.param('lead'), 'lead');
  const { rows } = await db.query<{ type: RevealType; available: boolean; paid: boolean }>(
    `SELECT t.type,
            EXISTS (SELECT 1 FROM contacts WHERE slug = $1 AND type = t.type) AS available,
            EXISTS (SELECT 1 FROM reveals WHERE pool_id = $2 AND lead = $1 AND type = t.type) AS paid
       FROM unnest($3::text[]) AS t (type)`,
    [lead, c.var.caller.poolId, [...REVEAL_TYPES]],
  );
  const flags = (key: 'available' | 'paid') =>
    Object.fromEntries(
      REVEAL_TYPES.map((type) => [type, rows.find((row) => row.type === type)?.[key] ?? false]),
    ) as Record<RevealType, boolean>;
  const body: Availability = { lead, available: flags('available'), paid: flags('paid') };
  return c.json(body);
});
