/**
 * Exports (R5, R6): what an export would cost (free) and the charged export itself, which
 * carries an Idempotency-Key like every charging request (server/exports.ts).
 */
import { Hono } from 'hono';
import { ExportQuoteRequestSchema, ExportRequestSchema, IDEMPOTENCY_HEADER } from '../../shared/api.ts';
import { exportLeads, quoteExport } from '../exports.ts';
import { checkIdempotencyKey } from '../idempotency.ts';
import { parseJsonText, readBodyText } from '../validation.ts';
import type { AppEnv } from './env.ts';
import { sendStored } from './stored-response.ts';

/** 10,000 leads (MAX_EXPORT_LEADS) of up to 100 four-byte characters each, quoted, fit. */
const MAX_BODY_BYTES = 6 * 1024 * 1024;

export const exportRoutes = new Hono<AppEnv>()
  .post('/v1/exports/quote', async (c) => {
    const { db, now } = c.var.deps;
    const request = parseJsonText(await readBodyText(c, MAX_BODY_BYTES), ExportQuoteRequestSchema);
    return c.json(await quoteExport(db, c.var.caller, request.leads, now()));
  })
  .post('/v1/exports', async (c) => {
    const { db, now } = c.var.deps;
    const text = await readBodyText(c, MAX_BODY_BYTES);
    const idempotencyKey = checkIdempotencyKey(c.req.header(IDEMPOTENCY_HEADER), IDEMPOTENCY_HEADER);
    const request = parseJsonText(text, ExportRequestSchema);
    const answer = await exportLeads(db, c.var.caller, {
      leads: request.leads,
      target: request.target,
      idempotencyKey,
      now: now(),
    });
    return sendStored(c, answer);
  });
