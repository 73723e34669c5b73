/**
 * The credits API contract: zod schemas for every request and response, shared by the
 * server (validation, OpenAPI) and the background (validating what the server answers).
 */
import { z } from 'zod';
import { MAX_EXPORT_LEADS } from './export-limits.ts';
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
  /** The request does not fit the workspace as it is (e.g. limits or add-ons on the free plan). */
  'conflict',
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
  /**
   * Add-on credits of this period, included in `remaining` (R10): bought in it, plus those
   * left from earlier periods (add-ons do not expire at renewal; the allotment is spent
   * first). Always `remaining = monthlyAllotment + addOn - used`.
   */
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

/** A member's monthly limit on one credit type (R11) and where they stand this period. */
export const MemberLimitSchema = z.object({
  /** Credits of this type the member may spend per period. */
  limit: z.number().int().min(0),
  /** Credits of this type the member spent this period. */
  used: z.number().int().min(0),
  /**
   * Left under the limit: `max(0, limit - used)`. What the member can still spend is the
   * lower of this and the pool's `remaining`.
   */
  remaining: z.number().int().min(0),
});
export type MemberLimit = z.infer<typeof MemberLimitSchema>;

/** Per type, only the types that have a limit (R11); `{}` when none has. */
export const MemberLimitsSchema = z.object({
  b2bEmail: MemberLimitSchema.optional(),
  phone: MemberLimitSchema.optional(),
  directEmail: MemberLimitSchema.optional(),
  export: MemberLimitSchema.optional(),
});
export type MemberLimits = z.infer<typeof MemberLimitsSchema>;

/** A whole number per credit type. */
export const CreditCountsSchema = z.object({
  b2bEmail: z.number().int().min(0),
  phone: z.number().int().min(0),
  directEmail: z.number().int().min(0),
  export: z.number().int().min(0),
});
export type CreditCounts = z.infer<typeof CreditCountsSchema>;

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
  /**
   * The caller's own monthly limits (R11) with their usage this period, for the types an admin
   * limited. Always sent by this server; optional only so answers of older servers still parse.
   */
  limits: MemberLimitsSchema.optional(),
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
  /**
   * Not enough credits of this type; nothing charged (R7). Without `reason`, the pool ran out
   * and `remaining` is the pool's. With `reason: 'memberLimit'` (R11), the pool may have
   * credits but this member reached their monthly limit: `remaining` is what is left for them
   * (0), `limit` and `used` are their limit and usage this period.
   */
  z.object({
    status: z.literal('insufficientCredits'),
    remaining: z.number().int().min(0),
    reason: z.literal('memberLimit').optional(),
    limit: z.number().int().min(0).optional(),
    used: z.number().int().min(0).optional(),
  }),
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
  /**
   * The pool that answered (and paid): the caller's pool now. A client whose account names
   * another pool (its workspace moved to a paid plan since) reads its account again. Always
   * sent by this server; optional because answers stored before it are replayed without it.
   */
  pool: z.string().optional(),
  results: z.object({
    b2bEmail: RevealResultSchema.optional(),
    phone: RevealResultSchema.optional(),
    directEmail: RevealResultSchema.optional(),
  }),
  balances: BalancesSchema,
  /**
   * The caller's limits after this reveal (as in the account). Always sent by this server;
   * optional because answers stored before limits existed are replayed without it.
   */
  limits: MemberLimitsSchema.optional(),
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

/**
 * Why a balance changed: `allotment`, the plan's credits when a pool is created; `renewal`,
 * the new period's allotment (R10); `expiry`, the unspent allotment ending at renewal (no
 * rollover; add-ons do not expire); `addOn`, credits an admin bought (the entry names them);
 * `reveal` and `export`, spending (the entry names the member); `correction`; `planChange`,
 * personal credits ended when a free workspace moved to a paid plan.
 */
export const LEDGER_REASONS = [
  'allotment',
  'renewal',
  'expiry',
  'addOn',
  'reveal',
  'export',
  'correction',
  'planChange',
] as const;

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
  /** Only the entries of this member (the Usage tab's member filter). */
  userId: z.string().min(1).max(100).optional(),
  /** Only the entries of this credit type. */
  type: CreditTypeSchema.optional(),
});

export const LedgerPageSchema = z.object({
  entries: z.array(LedgerEntrySchema),
  nextCursor: z.string().nullable(),
});
export type LedgerPage = z.infer<typeof LedgerPageSchema>;

/** The header every charging request carries (DESIGN section 4). */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

// Workspace administration (admins only; a member gets 403 `forbidden`).

export const RoleSchema = z.enum(['admin', 'member']);

export const MemberSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: RoleSchema,
  /** ISO date-time the member was added. */
  createdAt: z.string(),
  /** Credits the member spent this period, per type. */
  usage: CreditCountsSchema,
  /** The member's monthly limits (R11), only the types that have one. */
  limits: MemberLimitsSchema,
});
export type Member = z.infer<typeof MemberSchema>;

export const MemberListSchema = z.object({
  workspace: z.object({
    id: z.string(),
    name: z.string(),
    plan: PlanSchema,
    seats: z.number().int().min(1),
    /** Active members: seats used. */
    members: z.number().int().min(0),
    /** The shared pool's next renewal; null on the free plan, where each member's pool renews on its own date. */
    renewsAt: z.string().nullable(),
  }),
  /** Active members, oldest first. */
  members: z.array(MemberSchema),
});
export type MemberList = z.infer<typeof MemberListSchema>;

export const AddMemberRequestSchema = z.object({
  email: z.string().min(3).max(320),
  role: RoleSchema.default('member'),
});
export type AddMemberRequest = z.input<typeof AddMemberRequestSchema>;

export const AddedMemberSchema = z.object({
  member: MemberSchema,
  /** Shown once: the server keeps only its hash. */
  apiKey: z.string(),
});
export type AddedMember = z.infer<typeof AddedMemberSchema>;

export const RemovedMemberSchema = z.object({
  id: z.string(),
  /** ISO date-time; the member's API key stopped working then. */
  removedAt: z.string(),
});

const limitValue = z.number().int().min(0).max(1_000_000).nullable().optional();

/** Per type: a number sets the monthly limit, null clears it, absent leaves it as it is. */
export const SetLimitsRequestSchema = z.object({
  limits: z
    .strictObject({ b2bEmail: limitValue, phone: limitValue, directEmail: limitValue, export: limitValue })
    .refine((limits) => Object.values(limits).some((v) => v !== undefined), 'name at least one credit type'),
});
export type SetLimitsRequest = z.input<typeof SetLimitsRequestSchema>;

const addOnAmount = z.number().int().min(1).max(1_000_000).optional();

/** Add-on credits to buy, per type (R10: phone, direct email and export only). */
export const AddOnPurchaseRequestSchema = z.object({
  credits: z
    .strictObject(
      { phone: addOnAmount, directEmail: addOnAmount, export: addOnAmount },
      {
        error: (issue) =>
          issue.code === 'unrecognized_keys' && issue.keys.includes('b2bEmail')
            ? 'there are no B2B email add-ons (R10)'
            : undefined,
      },
    )
    .refine((credits) => Object.values(credits).some((n) => n !== undefined), 'name at least one credit type'),
});
export type AddOnPurchaseRequest = z.input<typeof AddOnPurchaseRequestSchema>;

export const AddOnPurchaseSchema = z.object({
  purchase: z.object({
    /** ISO date-time of the purchase. */
    at: z.string(),
    /** The admin who bought. */
    by: z.object({ id: z.string(), email: z.string() }),
    /** Credits bought per type (types not bought: 0). */
    credits: z.object({
      phone: z.number().int().min(0),
      directEmail: z.number().int().min(0),
      export: z.number().int().min(0),
    }),
  }),
  /** The pool's balances after the purchase. */
  balances: BalancesSchema,
});
export type AddOnPurchase = z.infer<typeof AddOnPurchaseSchema>;

export const UpgradeRequestSchema = z.object({
  plan: z.enum(['starter', 'business', 'organization']),
  /** At least the number of active members. */
  seats: z.number().int().min(1).max(100_000),
  /** The paid plan's monthly allotment per type; a type left out gets none. */
  credits: z.strictObject({
    b2bEmail: z.number().int().min(0).max(10_000_000).optional(),
    phone: z.number().int().min(0).max(10_000_000).optional(),
    directEmail: z.number().int().min(0).max(10_000_000).optional(),
    export: z.number().int().min(0).max(10_000_000).optional(),
  }),
});
export type UpgradeRequest = z.input<typeof UpgradeRequestSchema>;

/**
 * A free workspace moved to a paid plan: the members' personal pools merged into one new
 * shared pool. The leads they paid are the pool's (free for every member, R3); their
 * personal credits ended (a `planChange` ledger entry each); the paid plan's allotment starts
 * now, and the pool renews a month from now.
 */
export const UpgradeResultSchema = z.object({
  workspaceId: z.string(),
  plan: PlanSchema,
  seats: z.number().int().min(1),
  poolId: z.string(),
  /** Personal pools merged (closed). */
  mergedPools: z.number().int().min(0),
  /** (lead, type) pairs the shared pool now holds as paid. */
  paidLeads: z.number().int().min(0),
  /** Personal credits that ended, per type. */
  personalCreditsEnded: CreditCountsSchema,
});
export type UpgradeResult = z.infer<typeof UpgradeResultSchema>;

export const UpgradeResponseSchema = z.object({
  upgrade: UpgradeResultSchema,
  /** The caller's account on the new plan (its pool changed). */
  account: AccountSchema,
});
export type UpgradeResponse = z.infer<typeof UpgradeResponseSchema>;

// Leads and exports (R5, R6).

/** Where an export goes: a CSV file, a CSV with HubSpot's contact import columns, or the user's webhook. */
export const EXPORT_TARGETS = ['csv', 'hubspotCsv', 'webhook'] as const;
export const ExportTargetSchema = z.enum(EXPORT_TARGETS);
export type ExportTarget = z.infer<typeof ExportTargetSchema>;

// The most leads one export (and one bulk enrichment) may name; defined without zod for the pages.
export { MAX_EXPORT_LEADS };

const distinctLeads = z
  .array(LeadSchema)
  .min(1)
  .max(MAX_EXPORT_LEADS)
  .refine((leads) => new Set(leads).size === leads.length, 'leads must not repeat');

/** The values the pool revealed for one lead, per reveal type (empty: not revealed or not found). */
export const RevealedValuesSchema = z.object({
  b2bEmail: z.array(ContactValueSchema),
  phone: z.array(ContactValueSchema),
  directEmail: z.array(ContactValueSchema),
});
export type RevealedValues = z.infer<typeof RevealedValuesSchema>;

/** A lead the pool has revealed (at least one type), as the leads page and exports show it. */
export const PoolLeadSchema = z.object({
  lead: z.string(),
  /** From the contact database; null when it holds none. */
  name: z.string().nullable(),
  headline: z.string().nullable(),
  company: z.string().nullable(),
  location: z.string().nullable(),
  /** ISO date-time of the pool's first reveal of this lead. */
  revealedAt: z.string(),
  /** ISO date-time of the pool's latest reveal of a type of this lead. */
  lastRevealedAt: z.string(),
  values: RevealedValuesSchema,
  /** How many times the pool exported this lead (every target counts). */
  exports: z.number().int().min(0),
  /** ISO date-time of the latest export, or null. */
  lastExportedAt: z.string().nullable(),
});
export type PoolLead = z.infer<typeof PoolLeadSchema>;

export const LeadListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(500),
  /**
   * Opaque cursor from the previous page's `nextCursor`. It holds the page's last slug (up to
   * 200 characters of up to 4 UTF-8 bytes each), base64url-encoded: up to about 1,100 characters.
   */
  cursor: z.string().max(2000).optional(),
});

/** The pool's revealed leads, newest first reveal first, in keyset pages. */
export const LeadListPageSchema = z.object({
  leads: z.array(PoolLeadSchema),
  nextCursor: z.string().nullable(),
});
export type LeadListPage = z.infer<typeof LeadListPageSchema>;

/** What an export would cost, asked before the user confirms it (free, charges nothing). */
export const ExportQuoteRequestSchema = z.object({ leads: distinctLeads });
export type ExportQuoteRequest = z.input<typeof ExportQuoteRequestSchema>;

export const ExportQuoteSchema = z.object({
  /** Export credits the export would spend: 1 per lead the pool revealed (R5). */
  needed: z.number().int().min(0),
  /** Export credits this member can spend now: the pool's, capped by their own limit (R11). */
  available: z.number().int().min(0),
  /** Set when the member's limit, not the pool, is what caps `available`. */
  memberLimit: z.object({ limit: z.number().int().min(0), used: z.number().int().min(0) }).optional(),
  /** Per lead asked that the pool revealed: how often and when it was last exported. */
  leads: z.array(
    z.object({ lead: z.string(), exports: z.number().int().min(0), lastExportedAt: z.string().nullable() }),
  ),
  /** Leads asked that the pool never revealed: an export naming them is refused. */
  notRevealed: z.array(z.string()),
});
export type ExportQuote = z.infer<typeof ExportQuoteSchema>;

/** A charging request: it carries an Idempotency-Key; a retry with the same key replays it. */
export const ExportRequestSchema = z.object({ leads: distinctLeads, target: ExportTargetSchema });
export type ExportRequest = z.input<typeof ExportRequestSchema>;

/**
 * A charged export (R5): 1 export credit per lead, all or nothing (R6). The rows hold only
 * data the pool revealed, in the order asked; the client writes the file (or calls the
 * webhook) from them, after this answer. Not enough export credits: 402
 * `insufficient_credits` with `needed` and `available`, nothing charged.
 */
export const ExportResponseSchema = z.object({
  export: z.object({
    id: z.string(),
    at: z.string(),
    target: ExportTargetSchema,
    /** Export credits spent: the number of rows. */
    charged: z.number().int().min(0),
  }),
  /** `exports` counts this export too. */
  rows: z.array(PoolLeadSchema),
  balances: BalancesSchema,
  limits: MemberLimitsSchema.optional(),
});
export type ExportResponse = z.infer<typeof ExportResponseSchema>;

/** The body of a 402 for an export: the error plus what was needed and what is left (R6). */
export const InsufficientExportBodySchema = z.object({
  error: z.object({
    code: z.literal('insufficient_credits'),
    message: z.string(),
    needed: z.number().int().min(0),
    available: z.number().int().min(0),
    /** Set when the member's own limit (R11) refused it. */
    reason: z.literal('memberLimit').optional(),
  }),
});
