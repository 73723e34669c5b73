/** Request parsing against the shared zod schemas: a bad request is a 400 naming its field. */
import type { Context } from 'hono';
import type { z } from 'zod';
import { badRequest, fromZodError } from './errors.ts';

export async function parseJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw badRequest('The request body must be JSON.', 'body');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw fromZodError(parsed.error);
  return parsed.data;
}

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix?: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error, prefix);
  return parsed.data;
}
