/**
 * Errors the API answers with: a stable code from the shared contract, an HTTP status and a
 * message for people. Anything else is a 500 `internal`.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import type { ErrorBody, ErrorCode } from '../shared/api.ts';

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) } };
  }
}

export function badRequest(message: string, field?: string): ApiError {
  return new ApiError(400, 'bad_request', message, field);
}

/** A 400 naming the first field zod rejected. */
export function fromZodError(error: z.ZodError, prefix?: string): ApiError {
  const issue = error.issues[0];
  const pathParts = [...(prefix ? [prefix] : []), ...(issue?.path ?? []).map(String)];
  const field = pathParts.length > 0 ? pathParts.join('.') : undefined;
  const message = issue ? `${field ?? 'request'}: ${issue.message}` : 'invalid request';
  return badRequest(message, field);
}

/** A command-line mistake (server or admin CLI): its message is shown without a stack. */
export class UsageError extends Error {}
