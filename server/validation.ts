/** Request parsing against the shared zod schemas: a bad request is a 400 naming its field. */
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { Context } from 'hono';
import type { z } from 'zod';
import { ApiError, badRequest, fromZodError } from './errors.ts';

function tooLarge(): ApiError {
  return new ApiError(413, 'payload_too_large', 'The request body is too large.', 'body');
}

/** Node's request stream, when the app is served by @hono/node-server and nothing has read it yet. */
function nodeIncoming(c: Context): IncomingMessage | null {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  return incoming instanceof Readable && !incoming.readableDidRead ? (incoming as IncomingMessage) : null;
}

function readIncoming(incoming: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit, keep draining (so the 413 can still be sent) but keep nothing.
      if (size > maxBytes) fail(tooLarge());
      else if (!settled) chunks.push(chunk);
    });
    incoming.once('end', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    incoming.once('error', fail);
    incoming.once('close', () => fail(badRequest('The request body was cut short.', 'body')));
  });
}

/**
 * The body as text, at most `maxBytes` (a 413 beyond). Served by Node, it reads the request
 * stream itself: asking Hono for the body makes the adapter build a web Request (undici, web
 * streams, an AbortSignal), which cost more server CPU than the rest of a reveal's HTTP
 * handling. Elsewhere (app.request in tests) it asks Hono.
 */
export async function readBodyText(c: Context, maxBytes: number): Promise<string> {
  const declared = c.req.header('content-length');
  if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge();
  const incoming = nodeIncoming(c);
  if (incoming) return readIncoming(incoming, maxBytes);
  const text = await c.req.text();
  if (Buffer.byteLength(text, 'utf8') > maxBytes) throw tooLarge();
  return text;
}

/** A body read by readBodyText, parsed as a JSON object against `schema`. */
export function parseJsonText<S extends z.ZodType>(text: string, schema: S): z.output<S> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw badRequest('The request body must be JSON.', 'body');
  }
  // `null`, `[]`, `7`: the fault is the body itself, not a field of it.
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('The request body must be a JSON object.', 'body');
  }
  return parseInput(schema, body);
}

/** `input` parsed against `schema`, or a 400 naming the field at fault (under `prefix`). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix?: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error, prefix);
  return parsed.data;
}
