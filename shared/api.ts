/**
 * The credits API contract: zod schemas for every request and response, shared by the
 * server (validation, OpenAPI) and the background (validating what the server answers).
 */
import { z } from 'zod';
import { CREDIT_TYPES, PLANS, REVEAL_TYPES } from './credits.ts';
import { normalizeSlug } from './slug.ts';

export const CreditTypeSchema = z.enum(CREDIT_TYPES);
export const RevealTypeSchema = z.enum(REVEAL_TYPES);
export const PlanSchema = z.enum(PLANS);

/** A lead's canonical slug; the server canonicalises what it is given. */
export const LeadSchema = z
  .string()
  .min(1)
  .max(400)
  .transform((raw, ctx) => {
    const slug = normalizeSlug(raw);
    if (slug === null) {
      ctx.addIssue({ code: 'custom', message: 'not a profile slug' });
      return z.NEVER;
    }
    return slug;
  });

/** Error codes are stable: clients branch on them, the message is for people. */
export const ERROR_CODES = [
  'bad_request',
  'payload_too_large',
  'unauthorized',
  'forbidden',
  'not_found',
  'idempotency_key_missing',
  'idempotency_key_reused',
  'idempotency_in_flight',
  'insufficient_credits',
  'seats_full',
  'internal',
] as const;
export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const ErrorBodySchema = z.object({
  error: z.object({
    code: ErrorCodeSchema,
    message: z.string(),
    /** The request field at fault, for a 400. */
    field: z.string().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

export const BalanceSchema = z.object({
  remaining: z.number().int().min(0),
  /** Credits granted each period by the plan (R10). */
  monthlyAllotment: z.number().int().min(0),
  /** Add-on credits bought this period, included in `remaining` (R10). */
  addOn: z.number().int().min(0),
  /** Credits spent this period. */
  used: z.number().int().min(0),
});
export type Balance = z.infer<typeof BalanceSchema>;

export const BalancesSchema = z.object({
  b2bEmail: BalanceSchema,
  phone: BalanceSchema,
  directEmail: BalanceSchema,
  export: BalanceSchema,
});
export type Balances = z.infer<typeof BalancesSchema>;

export const AccountSchema = z.object({
  user: z.object({
    id: z.string(),
    email: z.string(),
    role: z.enum(['admin', 'member']),
  }),
  workspace: z.object({
    id: z.string(),
    name: z.string(),
    plan: PlanSchema,
    seats: z.number().int().min(1),
    members: z.number().int().min(1),
    /** ISO date-time of the next renewal (R10). */
    renewsAt: z.string(),
  }),
  pool: z.object({
    id: z.string(),
    kind: z.enum(['personal', 'shared']),
    members: z.number().int().min(1),
  }),
  balances: BalancesSchema,
});
export type Account = z.infer<typeof AccountSchema>;

export const ContactValueSchema = z.object({
  value: z.string(),
  /** Phones only. */
  phoneKind: z.enum(['mobile', 'landline']).optional(),
  /** ISO date-time when the data was last verified, if known. */
  verifiedAt: z.string().nullable(),
});
export type ContactValue = z.infer<typeof ContactValueSchema>;

export const RevealResultSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('revealed'),
    /** False when the pool had already paid for this (lead, type) (R2, R3). */
    charged: z.boolean(),
    values: z.array(ContactValueSchema).min(1),
  }),
  /** No data of this type for the lead; nothing charged (R4). */
  z.object({ status: z.literal('notFound') }),
  /** Not enough credits of this type; nothing charged (R7). */
  z.object({ status: z.literal('insufficientCredits'), remaining: z.number().int().min(0) }),
]);
export type RevealResult = z.infer<typeof RevealResultSchema>;

export const RevealRequestSchema = z.object({
  lead: LeadSchema,
  types: z
    .array(RevealTypeSchema)
    .min(1)
    .max(REVEAL_TYPES.length)
    .refine((types) => new Set(types).size === types.length, 'types must not repeat'),
});
export type RevealRequest = z.input<typeof RevealRequestSchema>;

export const RevealResponseSchema = z.object({
  lead: z.string(),
  results: z.object({
    b2bEmail: RevealResultSchema.optional(),
    phone: RevealResultSchema.optional(),
    directEmail: RevealResultSchema.optional(),
  }),
  balances: BalancesSchema,
});
export type RevealResponse = z.infer<typeof RevealResponseSchema>;

export const AvailabilitySchema = z.object({
  lead: z.string(),
  /** Whether the database holds data of each type for this lead. */
  available: z.object({ b2bEmail: z.boolean(), phone: z.boolean(), directEmail: z.boolean() }),
  /** Whether this pool already paid for each type (then revealing it is free). */
  paid: z.object({ b2bEmail: z.boolean(), phone: z.boolean(), directEmail: z.boolean() }),
});
export type Availability = z.infer<typeof AvailabilitySchema>;

export const LEDGER_REASONS = ['allotment', 'renewal', 'addOn', 'reveal', 'export', 'correction'] as const;

export const LedgerEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  type: CreditTypeSchema,
  /** Negative for spending, positive for grants. */
  delta: z.number().int(),
  reason: z.enum(LEDGER_REASONS),
  lead: z.string().nullable(),
  userId: z.string().nullable(),
  userEmail: z.string().nullable(),
});
export type LedgerEntry = z.infer<typeof LedgerEntrySchema>;

export const LedgerQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor: z.string().optional(),
});

export const LedgerPageSchema = z.object({
  entries: z.array(LedgerEntrySchema),
  nextCursor: z.string().nullable(),
});
export type LedgerPage = z.infer<typeof LedgerPageSchema>;

/** The header every charging request carries (DESIGN section 4). */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
