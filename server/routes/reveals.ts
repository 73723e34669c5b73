import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { IDEMPOTENCY_HEADER, RevealRequestSchema } from '../../shared/api.ts';
import { REVEAL_TYPES } from '../../shared/credits.ts';
import { ApiError } from '../errors.ts';
import { checkIdempotencyKey, hashRequest, runIdempotent } from '../idempotency.ts';
import { revealInTransaction } from '../reveals.ts';
import { parseJsonBody } from '../validation.ts';
import type { AppEnv } from './env.ts';

export const revealRoutes = new Hono<AppEnv>().post(
  '/v1/reveals',
  bodyLimit({
    maxSize: 16 * 1024,
    onError: () => {
      throw new ApiError(413, 'bad_request', 'The request body is too large.', 'body');
    },
  }),
  async (c) => {
    const { db, now } = c.var.deps;
    const caller = c.var.caller;
    const key = checkIdempotencyKey(c.req.header(IDEMPOTENCY_HEADER), IDEMPOTENCY_HEADER);
    const request = await parseJsonBody(c, RevealRequestSchema);
    const at = now();
    // The canonical request: the same lead and types in any order or spelling is the same body.
    const canonical = { lead: request.lead, types: REVEAL_TYPES.filter((type) => request.types.includes(type)) };
    const answer = await runIdempotent(
      db,
      { poolId: caller.poolId, key, requestHash: hashRequest(canonical), now: at },
      (tx) => revealInTransaction(tx, caller, request, at, key),
    );
    if (answer.replayed) c.header('Idempotent-Replayed', 'true');
    return c.body(answer.body, answer.status, { 'Content-Type': 'application/json' });
  },
);
