import { Hono } from 'hono';
import { IDEMPOTENCY_HEADER, RevealRequestSchema } from '../../shared/api.ts';
import { requireCaller } from '../auth.ts';
import { checkIdempotencyKey } from '../idempotency.ts';
import { revealRequest } from '../reveal-request.ts';
import { parseJsonText, readBodyText } from '../validation.ts';
import type { AppEnv } from './env.ts';
import { sendStored } from './stored-response.ts';

export const REVEALS_PATH = '/v1/reveals';
const MAX_BODY_BYTES = 16 * 1024;

/**
 * The auth middleware leaves this route's caller lookup to revealRequest, which folds it into
 * the statement that records the idempotency key. A bad request is still answered 401 before
 * 400 or 413 when its API key is not valid, as on every other route.
 */
export const revealRoutes = new Hono<AppEnv>().post(REVEALS_PATH, async (c) => {
  const { db, now } = c.var.deps;
  const apiKey = c.var.apiKey;
  let key: string;
  let request: ReturnType<typeof RevealRequestSchema.parse>;
  try {
    const text = await readBodyText(c, MAX_BODY_BYTES);
    key = checkIdempotencyKey(c.req.header(IDEMPOTENCY_HEADER), IDEMPOTENCY_HEADER);
    request = parseJsonText(text, RevealRequestSchema);
  } catch (error) {
    await requireCaller(db, apiKey);
    throw error;
  }
  const answer = await revealRequest(db, { apiKey, idempotencyKey: key, request, now: now() });
  return sendStored(c, answer);
});
