/**
 * The OpenAPI 3.1 document, generated from the shared zod schemas, so the contract the
 * extension validates against and the one published here cannot drift apart.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import {
  AccountSchema,
  AvailabilitySchema,
  ErrorBodySchema,
  IDEMPOTENCY_HEADER,
  LedgerPageSchema,
  LedgerQuerySchema,
  RevealRequestSchema,
  RevealResponseSchema,
} from '../../shared/api.ts';
import type { AppEnv } from './env.ts';

type JsonObject = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  // Inside an OpenAPI document a schema carries no $schema of its own.
  const generated = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonObject;
  delete generated.$schema;
  return generated;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: JsonObject, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [String(status), json(ref('ErrorBody'), 'An error with a stable code')]));

function buildDocument(): JsonObject {
  const ledgerQuery = schemaOf(LedgerQuerySchema, 'input') as { properties?: Record<string, JsonObject> };
  const paths: Record<string, Record<string, JsonObject>> = {
    '/healthz': {
      get: {
        summary: 'Liveness: the server and its database answer',
        security: [],
        responses: {
          '200': json({ type: 'object', properties: { ok: { type: 'boolean' } } }, 'Healthy'),
          ...errors(500),
        },
      },
    },
    '/openapi.json': {
      get: {
        summary: 'This document',
        security: [],
        responses: { '200': json({ type: 'object' }, 'The OpenAPI document') },
      },
    },
    '/v1/account': {
      get: {
        summary: 'The caller, their workspace and pool, and the pool balances',
        responses: { '200': json(ref('Account'), 'The account'), ...errors(401, 500) },
      },
    },
    '/v1/reveals': {
      post: {
        summary: 'Reveal contact data of a lead; each (pool, lead, type) is charged at most once',
        parameters: [
          {
            name: IDEMPOTENCY_HEADER,
            in: 'header',
            required: true,
            description: 'A retry with the same key replays the first answer',
            schema: { type: 'string', minLength: 1, maxLength: 255 },
          },
        ],
        requestBody: { required: true, content: { 'application/json': { schema: ref('RevealRequest') } } },
        responses: {
          '200': json(ref('RevealResponse'), 'Per type: revealed, not found or insufficient credits; balances after'),
          ...errors(400, 401, 409, 413, 422, 500),
        },
      },
    },
    '/v1/leads/{lead}/availability': {
      get: {
        summary: 'Which types have data for a lead and which the pool already paid (free)',
        parameters: [{ name: 'lead', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': json(ref('Availability'), 'Availability'), ...errors(400, 401, 500) },
      },
    },
    '/v1/ledger': {
      get: {
        summary: "The pool's ledger, newest first",
        parameters: Object.entries(ledgerQuery.properties ?? {}).map(([name, schema]) => ({
          name,
          in: 'query',
          required: false,
          schema,
        })),
        responses: { '200': json(ref('LedgerPage'), 'A page of entries'), ...errors(400, 401, 500) },
      },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'LeadLens credits API',
      version: '1.0.0',
      description: 'Contact data reveals paid with credits; every charge is recorded in an append-only ledger.',
    },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }],
    paths,
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer ll_live_...' } },
      schemas: {
        Account: schemaOf(AccountSchema, 'output'),
        RevealRequest: schemaOf(RevealRequestSchema, 'input'),
        RevealResponse: schemaOf(RevealResponseSchema, 'output'),
        Availability: schemaOf(AvailabilitySchema, 'output'),
        LedgerPage: schemaOf(LedgerPageSchema, 'output'),
        ErrorBody: schemaOf(ErrorBodySchema, 'output'),
      },
    },
  };
}

let cached: string | null = null;

export const openapiRoutes = new Hono<AppEnv>().get('/openapi.json', (c) => {
  cached ??= JSON.stringify(buildDocument());
  return c.body(cached, 200, { 'Content-Type': 'application/json' });
});
