/**
 * The OpenAPI 3.1 document, generated from the shared zod schemas, so the contract the
 * extension validates against and the one published here cannot drift apart.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import {
  AccountSchema,
  AddedMemberSchema,
  AddMemberRequestSchema,
  AddOnPurchaseRequestSchema,
  AddOnPurchaseSchema,
  AvailabilitySchema,
  ErrorBodySchema,
  ExportQuoteRequestSchema,
  ExportQuoteSchema,
  ExportRequestSchema,
  ExportResponseSchema,
  IDEMPOTENCY_HEADER,
  InsufficientExportBodySchema,
  LeadListPageSchema,
  LeadListQuerySchema,
  LedgerPageSchema,
  LedgerQuerySchema,
  MemberListSchema,
  MemberSchema,
  RemovedMemberSchema,
  RevealRequestSchema,
  RevealResponseSchema,
  SetLimitsRequestSchema,
  UpgradeRequestSchema,
  UpgradeResponseSchema,
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
const body = (name: string) => ({ required: true, content: { 'application/json': { schema: ref(name) } } });
const idempotencyKey = {
  name: IDEMPOTENCY_HEADER,
  in: 'header',
  required: true,
  description: 'A retry with the same key replays the first answer',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};
const userIdParam = { name: 'userId', in: 'path', required: true, schema: { type: 'string' } };
const ADMIN_ONLY = 'Workspace admins only: a member gets 403 `forbidden`.';
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [String(status), json(ref('ErrorBody'), 'An error with a stable code')]));

function buildDocument(): JsonObject {
  const ledgerQuery = schemaOf(LedgerQuerySchema, 'input') as { properties?: Record<string, JsonObject> };
  const leadListQuery = schemaOf(LeadListQuerySchema, 'input') as { properties?: Record<string, JsonObject> };
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
        summary: 'The caller, their workspace and pool, the pool balances and their own limits',
        responses: { '200': json(ref('Account'), 'The account'), ...errors(401, 500) },
      },
    },
    '/v1/reveals': {
      post: {
        summary: 'Reveal contact data of a lead; each (pool, lead, type) is charged at most once',
        description:
          "A type refused because the pool ran out answers `insufficientCredits` with the pool's `remaining`; " +
          "one refused by the member's monthly limit (R11) adds `reason: 'memberLimit'`, `limit` and `used`, " +
          "with `remaining` 0 (what is left for this member). `limits` lists the caller's limits after the reveal.",
        parameters: [idempotencyKey],
        requestBody: body('RevealRequest'),
        responses: {
          '200': json(
            ref('RevealResponse'),
            "Per type: revealed, not found or insufficient credits; the pool's balances and the caller's limits after",
          ),
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
        summary: "The pool's ledger, newest first: who spent or granted what, on which lead, when",
        parameters: Object.entries(ledgerQuery.properties ?? {}).map(([name, schema]) => ({
          name,
          in: 'query',
          required: false,
          schema,
        })),
        responses: { '200': json(ref('LedgerPage'), 'A page of entries'), ...errors(400, 401, 500) },
      },
    },
    '/v1/leads': {
      get: {
        summary: "The pool's revealed leads, newest first reveal first, in keyset pages (free)",
        description:
          'Each lead once: who they are, when the pool first and last revealed a type, the values of the types ' +
          'the pool revealed only, and how often the pool exported them.',
        parameters: Object.entries(leadListQuery.properties ?? {}).map(([name, schema]) => ({
          name,
          in: 'query',
          required: false,
          schema,
        })),
        responses: { '200': json(ref('LeadListPage'), 'A page of leads'), ...errors(400, 401, 500) },
      },
    },
    '/v1/exports/quote': {
      post: {
        summary: 'What exporting these leads would cost and how often each was exported (free, charges nothing)',
        requestBody: body('ExportQuoteRequest'),
        responses: { '200': json(ref('ExportQuote'), 'The cost'), ...errors(400, 401, 413, 500) },
      },
    },
    '/v1/exports': {
      post: {
        summary: 'Export leads: 1 export credit per lead per export, all or nothing (R5, R6)',
        description:
          'The rows hold only data the pool revealed, in the order asked; the client writes the file or calls ' +
          'its webhook from them. Leads the pool never revealed: 404 `not_found`, nothing charged. Not enough ' +
          "export credits (the pool's, or the member's monthly limit: `reason: 'memberLimit'`): 402 with " +
          '`needed` and `available`, nothing charged. A refusal is not kept under the key: the same export ' +
          'retried later is charged once it can be paid.',
        parameters: [idempotencyKey],
        requestBody: body('ExportRequest'),
        responses: {
          '200': json(ref('ExportResponse'), "The export, its rows, the pool's balances and the caller's limits after"),
          '402': json(ref('InsufficientExportBody'), 'Not enough export credits; nothing charged'),
          ...errors(400, 401, 404, 409, 413, 422, 500),
        },
      },
    },
    '/v1/workspace/members': {
      get: {
        summary: 'Active members with their usage this period and their monthly limits',
        description: ADMIN_ONLY,
        responses: { '200': json(ref('MemberList'), 'The members'), ...errors(401, 403, 500) },
      },
      post: {
        summary: 'Add a member; its API key is shown once',
        description: `${ADMIN_ONLY} Past the seats: 409 \`seats_full\`. An address of an active user: 409 \`conflict\`.`,
        requestBody: body('AddMemberRequest'),
        responses: { '201': json(ref('AddedMember'), 'The new member'), ...errors(400, 401, 403, 404, 409, 500) },
      },
    },
    '/v1/workspace/members/{userId}': {
      delete: {
        summary: 'Remove a member: their API key stops working at once; their ledger entries stay theirs',
        description: `${ADMIN_ONLY} An admin cannot remove themselves (409 \`conflict\`).`,
        parameters: [userIdParam],
        responses: { '200': json(ref('RemovedMember'), 'Removed'), ...errors(401, 403, 404, 409, 500) },
      },
    },
    '/v1/workspace/members/{userId}/limits': {
      put: {
        summary: "Set (a number) or clear (null) a member's monthly limit per credit type (R11)",
        description: `${ADMIN_ONLY} Paid plans only (409 \`conflict\` on the free plan).`,
        parameters: [userIdParam],
        requestBody: body('SetLimitsRequest'),
        responses: { '200': json(ref('Member'), 'The member after'), ...errors(400, 401, 403, 404, 409, 500) },
      },
    },
    '/v1/workspace/add-ons': {
      post: {
        summary: 'Buy add-on credits for the shared pool: phone, direct email, export (R10)',
        description:
          `${ADMIN_ONLY} Paid plans only. Recorded as an \`addOn\` ledger entry per type naming the admin. ` +
          'Add-on credits do not expire at renewal: the monthly allotment is spent first and renews without ' +
          'rollover; what is left of the add-ons carries into the next period.',
        parameters: [idempotencyKey],
        requestBody: body('AddOnPurchaseRequest'),
        responses: {
          '200': json(ref('AddOnPurchase'), 'The purchase and the balances after'),
          ...errors(400, 401, 403, 409, 413, 422, 500),
        },
      },
    },
    '/v1/workspace/upgrade': {
      post: {
        summary: 'Move a free workspace to a paid plan: personal pools merge into one shared pool',
        description:
          `${ADMIN_ONLY} Leads any member paid become the shared pool's (free for everyone); personal credits ` +
          'end with a `planChange` ledger entry; the paid allotment starts now and renews monthly from now. ' +
          'Only free to paid: a paid workspace answers 409 `conflict` (so a retry never upgrades twice).',
        requestBody: body('UpgradeRequest'),
        responses: { '200': json(ref('UpgradeResponse'), 'The upgrade'), ...errors(400, 401, 403, 409, 500) },
      },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'LeadLens credits API',
      version: '1.0.0',
      description:
        'Contact data reveals paid with credits; every charge is recorded in an append-only ledger. ' +
        'Balances: `remaining = monthlyAllotment + addOn - used`. The monthly allotment renews on the renewal ' +
        'date with no rollover (an `expiry` and a `renewal` ledger entry); add-on credits do not expire (the ' +
        'allotment is spent first). Admins may limit a member per type and month (R11); the reveal refuses ' +
        "a member at their limit with `reason: 'memberLimit'` while the pool may still have credits.",
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
        MemberList: schemaOf(MemberListSchema, 'output'),
        Member: schemaOf(MemberSchema, 'output'),
        AddMemberRequest: schemaOf(AddMemberRequestSchema, 'input'),
        AddedMember: schemaOf(AddedMemberSchema, 'output'),
        RemovedMember: schemaOf(RemovedMemberSchema, 'output'),
        SetLimitsRequest: schemaOf(SetLimitsRequestSchema, 'input'),
        AddOnPurchaseRequest: schemaOf(AddOnPurchaseRequestSchema, 'input'),
        AddOnPurchase: schemaOf(AddOnPurchaseSchema, 'output'),
        UpgradeRequest: schemaOf(UpgradeRequestSchema, 'input'),
        UpgradeResponse: schemaOf(UpgradeResponseSchema, 'output'),
        LeadListPage: schemaOf(LeadListPageSchema, 'output'),
        ExportQuoteRequest: schemaOf(ExportQuoteRequestSchema, 'input'),
        ExportQuote: schemaOf(ExportQuoteSchema, 'output'),
        ExportRequest: schemaOf(ExportRequestSchema, 'input'),
        ExportResponse: schemaOf(ExportResponseSchema, 'output'),
        InsufficientExportBody: schemaOf(InsufficientExportBodySchema, 'output'),
      },
    },
  };
}

let cached: string | null = null;

export const openapiRoutes = new Hono<AppEnv>().get('/openapi.json', (c) => {
  cached ??= JSON.stringify(buildDocument());
  return c.body(cached, 200, { 'Content-Type': 'application/json' });
});
