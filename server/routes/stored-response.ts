/** The answer of a charging request as the client gets it: the stored bytes, marked when replayed. */
import type { Context } from 'hono';
import type { StoredResponse } from '../idempotency.ts';

export function sendStored(c: Context, answer: StoredResponse): Response {
  if (answer.replayed) c.header('Idempotent-Replayed', 'true');
  return c.body(answer.body, answer.status, { 'Content-Type': 'application/json' });
}
