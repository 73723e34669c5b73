/**
 * The runtime message protocol: one map from message name to request schema and response
 * type. The background validates every request with these schemas and checks the sender;
 * senders are typed from the same map (see messaging/client.ts). UI code imports this file
 * with `import type` only, so zod stays out of the page bundles.
 */
import { z } from 'zod';
import type {
  Account,
  AddedMember,
  AddOnPurchase,
  Balances,
  ContactValue,
  ExportQuote,
  ExportResponse,
  LedgerPage,
  Member,
  MemberLimits,
  MemberList,
  PoolLead,
} from './api.ts';
import {
  AddMemberRequestSchema,
  AddOnPurchaseRequestSchema,
  CreditTypeSchema,
  ExportTargetSchema,
  MAX_EXPORT_LEADS,
  RevealTypeSchema,
  SetLimitsRequestSchema,
} from './api.ts';
import { REVEAL_TYPES, type RevealType } from './credits.ts';
import { MAX_PROFILE_TEXT, type ProfileSnapshot } from './profile.ts';
import { canonicalSlug, MAX_SLUG_LENGTH } from './slug.ts';
import type { DiscoveryView } from './discovery.ts';
import { DiscoverySettingsPatchSchema } from './settings-schema.ts';
import type { DiscoverySettings } from './settings.ts';

/** Re-exported so pages can type what the widget shows from this one module. */
export type { ProfileSnapshot };

/** The only web origin whose pages LeadLens reads profiles from (and takes messages from). */
export const PROFILE_ORIGIN = 'https://www.linkedin.com';

/**
 * The canonical slug of a LinkedIn profile address (`https://www.linkedin.com/in/<slug>`),
 * or null when `raw` is not one (another site, http, a port, credentials, not under /in/).
 */
export function profileSlugOf(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.origin !== PROFILE_ORIGIN || url.username !== '' || url.password !== '') return null;
  return canonicalSlug(url.pathname);
}

const text = z.string().max(MAX_PROFILE_TEXT).nullable();

export const ProfileSnapshotSchema = z
  .object({
    slug: z.string().min(1).max(MAX_SLUG_LENGTH),
    url: z.string().url().max(2000),
    name: text,
    headline: text,
    company: text,
    location: text,
    unreadable: z.array(z.enum(['name', 'headline', 'company', 'location'])).max(4),
  })
  // A snapshot names its lead twice, by slug and by address; both must be the same profile.
  // (Not compared with sender.url: Chrome does not update that on pushState, and LinkedIn
  // moves between profiles without loading a page.)
  .refine((profile) => profileSlugOf(profile.url) === profile.slug, {
    message: 'the slug is not the canonical one of its LinkedIn profile address',
    path: ['url'],
  }) satisfies z.ZodType<ProfileSnapshot>;

/** What the widget shows for one reveal type of one lead. */
export type TypeView =
  | { status: 'unknown' }
  | { status: 'revealed'; values: ContactValue[]; revealedAt: string }
  | { status: 'notFound' }
  | {
      status: 'insufficientCredits';
      remaining: number;
      /** Set when the member's own monthly limit (R11) refused it, not the pool. */
      memberLimit?: { limit: number; used: number };
    }
  | { status: 'error'; code: MessageErrorCode; message: string };

export type LeadView = Record<RevealType, TypeView>;

/**
 * A pool as LeadLens scopes data to it: `"<serverUrl> <poolId>"`. Two servers may both have
 * a pool `p1`; their leads and balances must not show for each other (DESIGN section 3).
 * Built only by the background; pages compare scopes, never build them.
 */
export type PoolScope = string;

export type SessionView =
  | {
      signedIn: false;
      /** Why the user was signed out when it was not their choice (the server refused the key). */
      reason?: MessageError;
    }
  | {
      signedIn: true;
      serverUrl: string;
      account: Account;
      /** The scope of this session's pool, to match `leadUpdated` pushes against. */
      pool: PoolScope;
    };

export interface WidgetState {
  /** The tab the widget is shown in, to pick its own `tabProfileChanged` pushes. */
  tabId?: number;
  profile: ProfileSnapshot | null;
  session: SessionView;
  /** The pool `lead` and `balances` belong to; null when signed out. */
  pool: PoolScope | null;
  lead: LeadView | null;
  balances: Balances | null;
  settings: DiscoverySettings;
  /**
   * What automatic discovery did for this lead in this tab, and what a click on each type
   * costs; null until its plan has run (or when signed out).
   */
  discovery: DiscoveryView | null;
}

/** What the popup shows at once, before it asks the server for fresh figures. */
export interface PopupState {
  session: SessionView;
  settings: DiscoverySettings;
}

export interface RevealOutcome {
  slug: string;
  /**
   * The pool the answer belongs to. When the session changed during the reveal, the new
   * session's pool (with what its cache holds); the widget drops an answer for a pool it
   * no longer shows.
   */
  pool: PoolScope;
  lead: LeadView;
  balances: Balances | null;
  /**
   * Something the user should know although the reveal worked, e.g. `storage_failed`: the
   * values are shown (they were paid) but could not be saved locally.
   */
  warning?: MessageError;
}

/** Error codes that cross the message boundary; the message is for people. */
export type MessageErrorCode =
  | 'bad_message'
  | 'forbidden_sender'
  | 'signed_out'
  | 'no_profile'
  | 'server_unreachable'
  | 'server_error'
  | 'server_invalid'
  | 'unauthorized'
  | 'permission_denied'
  | 'bad_server_url'
  | 'storage_failed'
  /** Workspace administration asked by someone who is not an admin (the server's 403). */
  | 'forbidden'
  /** The server refused a workspace change as it stands (seats full, a member already there…). */
  | 'refused'
  /** Not enough credits for the whole request (an export, R6): nothing was charged. */
  | 'insufficient_credits'
  /** The CRM webhook is not set, or its address cannot be used: nothing was sent or charged. */
  | 'bad_webhook'
  | 'internal';

export interface MessageError {
  code: MessageErrorCode;
  message: string;
}

/** Every reply is a value: errors cross the boundary as data the UI can show. */
export type Reply<T> = { ok: true; data: T } | { ok: false; error: MessageError };

/** Who may send a message: a content script on an allowed page, or an extension page. */
export type SenderKind =
  | 'contentScript'
  | 'extensionPage'
  /** The options page only: the ledger and workspace administration never come from a widget. */
  | 'optionsPage';

const userId = z.string().min(1).max(100);
const slugs = z
  .array(z.string().min(1).max(MAX_SLUG_LENGTH))
  .min(1)
  .max(MAX_EXPORT_LEADS)
  .refine((leads) => new Set(leads).size === leads.length, 'leads must not repeat');
/** Made once per confirmed action by the page, sent as the Idempotency-Key (a retry reuses it). */
const actionId = z.string().min(8).max(100);

/** What the webhook answered for one exported lead. */
export interface WebhookDelivery {
  lead: string;
  status: 'delivered' | 'failed';
  attempts: number;
  /** The receiver's last HTTP status, if it answered. */
  httpStatus?: number;
  /** Why the last attempt failed, for people. */
  error?: string;
}

/** The user's CRM webhook; the secret itself never leaves the background. */
export interface WebhookConfigView {
  url: string | null;
  hasSecret: boolean;
}

export interface ExportOutcome extends ExportResponse {
  /**
   * CSV targets: the file, made by the background from the charged rows (UTF-8 with a
   * byte-order mark); the page saves it. Absent for a webhook export.
   */
  file?: { name: string; mimeType: string; content: string };
  /** Webhook exports only: the result per lead, in the order of `rows`. */
  deliveries?: WebhookDelivery[];
}

/** The pool's revealed leads as the leads page shows them. */
export interface LeadListView {
  pool: PoolScope;
  leads: PoolLead[];
  /** When the list was last read whole from the server; null when never. */
  syncedAt: string | null;
  /** Set when the server could not be read: `leads` is the copy kept locally. */
  stale?: MessageError;
}

export type BulkRowStatus = 'pending' | 'revealed' | 'notFound' | 'insufficientCredits' | 'error';

/** One row of a bulk enrichment, as its result table shows it. */
export interface BulkRowView {
  /** 0-based position among the job's valid, distinct rows. */
  index: number;
  slug: string;
  status: BulkRowStatus;
  /** Types revealed for this row (from the cache, paid before, or charged now). */
  revealed: RevealType[];
  /** Types charged by this job for this row (R2: each at most once). */
  charged: RevealType[];
  /** Types the lead has no data for (R4, nothing charged); set once the row is done. */
  notFound?: RevealType[];
  /** Types refused for lack of credits (R7, nothing charged); set once the row is done. */
  refused?: RevealType[];
  error?: string;
}

export type BulkJobState = 'running' | 'paused' | 'done' | 'failed';

/** A bulk enrichment job and its progress. */
export interface BulkJobView {
  id: string;
  pool: PoolScope;
  state: BulkJobState;
  types: RevealType[];
  total: number;
  /** Rows finished (any status but pending). */
  done: number;
  counts: Record<Exclude<BulkRowStatus, 'pending'>, number>;
  /** Credits this job spent, per type. */
  charged: Record<RevealType, number>;
  createdAt: string;
  updatedAt: string;
  /** Why the job stopped (state failed) or paused itself (signed out, server down). */
  reason?: MessageError;
}

export const protocol = {
  /** The content script read a profile page (or the page changed to another profile). */
  profileSeen: {
    from: 'contentScript',
    request: z.object({ profile: ProfileSnapshotSchema }),
  },
  /** The content script's page stopped being a profile (in-page navigation away). */
  profileLeft: {
    from: 'contentScript',
    request: z.object({}),
  },
  /** The widget asks for its tab's lead and what is known about it. */
  widgetOpened: {
    from: 'extensionPage',
    request: z.object({}),
  },
  /** The widget asks to reveal types of its tab's lead. */
  reveal: {
    from: 'extensionPage',
    request: z.object({
      slug: z.string().min(1).max(MAX_SLUG_LENGTH),
      // As the API's RevealRequestSchema: each type at most once.
      types: z
        .array(RevealTypeSchema)
        .min(1)
        .max(REVEAL_TYPES.length)
        .refine((types) => new Set(types).size === types.length, 'types must not repeat'),
    }),
  },
  sessionGet: { from: 'extensionPage', request: z.object({}) },
  /** Reads the account and balances again from the server (free), e.g. when the popup opens. */
  accountRefresh: { from: 'extensionPage', request: z.object({}) },
  signIn: {
    from: 'extensionPage',
    request: z.object({
      serverUrl: z.string().min(1).max(2000),
      apiKey: z.string().min(1).max(500),
    }),
  },
  signOut: { from: 'extensionPage', request: z.object({}) },
  /** The popup opens: the last known session and figures, and the settings. */
  popupOpened: { from: 'extensionPage', request: z.object({}) },
  /** Changes Automatic discovery settings (only the fields given); answers the settings now. */
  settingsChange: { from: 'extensionPage', request: z.object({ patch: DiscoverySettingsPatchSchema }) },
  /**
   * The widget was collapsed to its handle or expanded again. Stored for every tab (see
   * shared/widget-frame.ts): the content scripts size their frames and the widgets follow.
   */
  widgetCollapse: { from: 'extensionPage', request: z.object({ collapsed: z.boolean() }) },
  /** A page of the pool's ledger (the Usage tab), newest first, filtered by member and type. */
  ledgerPage: {
    from: 'optionsPage',
    request: z.object({
      cursor: z.string().min(1).max(500).optional(),
      userId: userId.optional(),
      type: CreditTypeSchema.optional(),
    }),
  },
  // Workspace administration (the Workspace tab): the server answers admins only.
  workspaceMembers: { from: 'optionsPage', request: z.object({}) },
  memberAdd: { from: 'optionsPage', request: AddMemberRequestSchema },
  memberRemove: { from: 'optionsPage', request: z.object({ userId }) },
  memberLimits: { from: 'optionsPage', request: z.object({ userId, limits: SetLimitsRequestSchema.shape.limits }) },
  /**
   * Buys add-on credits. `purchaseId` is made once per confirmed purchase and sent as the
   * Idempotency-Key: sending it again (Retry after a lost answer) never buys twice.
   */
  addOnBuy: {
    from: 'optionsPage',
    request: z.object({ purchaseId: z.string().min(8).max(100), credits: AddOnPurchaseRequestSchema.shape.credits }),
  },
  /** The pool's revealed leads (the leads page): the local copy, read again from the server. */
  leadsList: { from: 'optionsPage', request: z.object({ refresh: z.boolean().default(true) }) },
  /** What exporting these leads would cost and how often each was exported (free). */
  exportQuote: { from: 'extensionPage', request: z.object({ leads: slugs }) },
  /**
   * Exports leads (R5, R6): charged by the server, then returned as rows; a webhook export is
   * also delivered by the background. The page writes the CSV file from the rows.
   */
  exportRun: {
    from: 'extensionPage',
    request: z.object({ exportId: actionId, leads: slugs, target: ExportTargetSchema }),
  },
  /** The CRM webhook's address (and whether a secret is set). */
  webhookGet: { from: 'optionsPage', request: z.object({}) },
  /** Sets the webhook: a URL (http(s)) or null to remove it; secret: a string, null to clear, absent to keep. */
  webhookSet: {
    from: 'optionsPage',
    request: z.object({
      url: z.string().min(1).max(2000).nullable(),
      secret: z.string().min(1).max(500).nullable().optional(),
    }),
  },
  /** Starts a bulk enrichment of profile addresses or slugs (valid and distinct, checked again here). */
  bulkStart: {
    from: 'optionsPage',
    request: z.object({
      jobId: actionId,
      leads: slugs,
      types: z
        .array(RevealTypeSchema)
        .min(1)
        .max(REVEAL_TYPES.length)
        .refine((types) => new Set(types).size === types.length, 'types must not repeat'),
    }),
  },
  /** Of these leads, how many have each type in this browser's cache for the pool (free to show, R3). */
  bulkQuote: { from: 'optionsPage', request: z.object({ leads: slugs }) },
  bulkPause: { from: 'optionsPage', request: z.object({ jobId: actionId }) },
  bulkResume: { from: 'optionsPage', request: z.object({ jobId: actionId }) },
  /** The current (latest) job of this pool, or null. */
  bulkStatus: { from: 'optionsPage', request: z.object({}) },
  /** A job's rows, in order, `offset` to `offset + limit`. */
  bulkRows: {
    from: 'optionsPage',
    request: z.object({
      jobId: actionId,
      offset: z.number().int().min(0).max(MAX_EXPORT_LEADS),
      limit: z.number().int().min(1).max(MAX_EXPORT_LEADS),
    }),
  },
} as const satisfies Record<string, { from: SenderKind; request: z.ZodType }>;

export type MessageName = keyof typeof protocol;

/** The data each message answers with (inside a `Reply`). */
export interface ResponseMap {
  profileSeen: { signedIn: boolean };
  profileLeft: null;
  widgetOpened: WidgetState;
  reveal: RevealOutcome;
  sessionGet: SessionView;
  accountRefresh: SessionView;
  signIn: SessionView;
  signOut: SessionView;
  popupOpened: PopupState;
  settingsChange: DiscoverySettings;
  widgetCollapse: { collapsed: boolean };
  ledgerPage: LedgerPage;
  workspaceMembers: MemberList;
  memberAdd: AddedMember;
  memberRemove: { id: string; removedAt: string };
  memberLimits: Member;
  addOnBuy: AddOnPurchase;
  leadsList: LeadListView;
  exportQuote: ExportQuote;
  exportRun: ExportOutcome;
  webhookGet: WebhookConfigView;
  webhookSet: WebhookConfigView;
  bulkStart: BulkJobView;
  bulkQuote: { paid: Record<RevealType, number> };
  bulkPause: BulkJobView;
  bulkResume: BulkJobView;
  bulkStatus: BulkJobView | null;
  bulkRows: { jobId: string; rows: BulkRowView[] };
}

export type RequestOf<K extends MessageName> = z.input<(typeof protocol)[K]['request']>;
export type ResponseOf<K extends MessageName> = ResponseMap[K];

/** The envelope on the wire. */
export interface Envelope<K extends MessageName = MessageName> {
  leadlens: 1;
  name: K;
  payload: RequestOf<K>;
}

/**
 * Pushes from the background to extension pages (widgets, popup, options), sent with
 * `runtime.sendMessage`; content scripts never receive them.
 */
export type Push =
  | {
      leadlensPush: 1;
      kind: 'leadUpdated';
      /** The scope of the pool that paid (see `PoolScope`), not the bare pool id. */
      pool: PoolScope;
      slug: string;
      lead: LeadView;
      balances: Balances | null;
    }
  | { leadlensPush: 1; kind: 'sessionChanged'; session: SessionView }
  | { leadlensPush: 1; kind: 'tabProfileChanged'; tabId: number }
  /** The pool's balances changed (a reveal in any tab): popup, badge and every widget update. */
  | {
      leadlensPush: 1;
      kind: 'balancesChanged';
      pool: PoolScope;
      balances: Balances;
      /** The member's own limits and usage (R11), when the account has them. */
      limits?: MemberLimits;
    }
  | { leadlensPush: 1; kind: 'settingsChanged'; settings: DiscoverySettings }
  /** Automatic discovery's plan for the lead in tab `tabId` ran, or its reveal answered. */
  | {
      leadlensPush: 1;
      kind: 'discoveryUpdated';
      tabId: number;
      pool: PoolScope;
      slug: string;
      discovery: DiscoveryView;
    }
  /** A bulk enrichment job moved on (sent at most a few times a second while it runs). */
  | { leadlensPush: 1; kind: 'bulkProgress'; job: BulkJobView }
  /** Leads were exported or revealed: the leads page reads its list again. */
  | { leadlensPush: 1; kind: 'leadsChanged'; pool: PoolScope };
