/**
 * The credits API as the background calls it: every answer parsed with the shared zod
 * schemas, every failure turned into a value with a message that says what happened and
 * what to do. `fetch` is injected so unit tests fake the server's documented answers.
 */
import { plural, t } from '../../i18n/messages.ts';
import type { z } from 'zod';
import {
  AccountSchema,
  AddedMemberSchema,
  AddOnPurchaseSchema,
  AvailabilitySchema,
  ErrorBodySchema,
  ExportQuoteSchema,
  ExportResponseSchema,
  IDEMPOTENCY_HEADER,
  InsufficientExportBodySchema,
  LeadListPageSchema,
  LedgerPageSchema,
  MemberListSchema,
  MemberSchema,
  RemovedMemberSchema,
  RevealResponseSchema,
  type Account,
  type AddedMember,
  type AddMemberRequest,
  type AddOnPurchase,
  type AddOnPurchaseRequest,
  type Availability,
  type ErrorCode,
  type ExportQuote,
  type ExportRequest,
  type ExportResponse,
  type LeadListPage,
  type LedgerPage,
  type Member,
  type MemberList,
  type RevealResponse,
  type SetLimitsRequest,
} from '../../shared/api.ts';
import type { CreditType } from '../../shared/credits.ts';
import type { RevealType } from '../../shared/credits.ts';
import type { MessageError } from '../../shared/protocol.ts';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface ApiFailure extends MessageError {
  /** The HTTP status, when the server answered at all. */
  status: number | null;
  /** The server's stable error code, when it sent a readable error body. */
  apiCode: ErrorCode | null;
  /**
   * Whether the server may have carried the request out (the connection dropped, it timed
   * out, a 5xx, an unreadable 2xx). A charging request's idempotency key must then be kept,
   * so that the retry replays the first answer instead of charging again.
   */
  mayHaveCommitted: boolean;
  /**
   * An export refused for lack of export credits (402, R6): what it needed and what this
   * member can spend, and `reason: 'memberLimit'` when their own monthly limit (R11) is what
   * caps it. Nothing was charged.
   */
  insufficient?: { needed: number; available: number; reason?: 'memberLimit' };
}

export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiFailure };

export interface ApiClientOptions {
  serverUrl: string;
  apiKey: string;
  fetch: FetchLike;
  /** Per request, body included. */
  timeoutMs?: number;
  /** How often a reveal answered 409 idempotency_in_flight is tried again. */
  inFlightRetries?: number;
  /** First wait before such a retry; it doubles each time. */
  inFlightBackoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_TIMEOUT_MS = 20_000;

export interface ApiClient {
  account(): Promise<ApiResult<Account>>;
  /** Whether the database has data of each type for the lead, and what the pool paid (free). */
  availability(lead: string): Promise<ApiResult<Availability>>;
  reveal(lead: string, types: RevealType[], idempotencyKey: string): Promise<ApiResult<RevealResponse>>;
  /** A page of the pool's ledger, newest first (free). */
  ledger(query: { cursor?: string; userId?: string; type?: CreditType }): Promise<ApiResult<LedgerPage>>;
  // Workspace administration: admins only (a member is answered 403).
  members(): Promise<ApiResult<MemberList>>;
  addMember(request: AddMemberRequest): Promise<ApiResult<AddedMember>>;
  removeMember(userId: string): Promise<ApiResult<{ id: string; removedAt: string }>>;
  setLimits(userId: string, limits: SetLimitsRequest['limits']): Promise<ApiResult<Member>>;
  buyAddOns(credits: AddOnPurchaseRequest['credits'], idempotencyKey: string): Promise<ApiResult<AddOnPurchase>>;
  /** A page of the pool's revealed leads, newest first reveal first (free). */
  leadList(query: { limit?: number; cursor?: string }): Promise<ApiResult<LeadListPage>>;
  /** What exporting these leads would cost and how often each was exported (free). */
  exportQuote(leads: string[]): Promise<ApiResult<ExportQuote>>;
  /**
   * Charges an export (R5, R6) and answers its rows. Not enough export credits: an ApiFailure
   * with `insufficient`. The key comes from the confirmed export: a retry replays, never charges twice.
   */
  exportLeads(request: ExportRequest, idempotencyKey: string): Promise<ApiResult<ExportResponse>>;
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const {
    serverUrl,
    apiKey,
    fetch,
    timeoutMs = DEFAULT_TIMEOUT_MS,
    inFlightRetries = 3,
    inFlightBackoffMs = 300,
    sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  } = options;

  async function once<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    schema: S,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResult<z.output<S>>> {
    const init: RequestInit = {
      method,
      headers: {
        Accept: 'application/json',
        Authorization: `Bearer ${apiKey}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      signal: AbortSignal.timeout(timeoutMs),
      // The key is ours to send; nothing else (cookies of a same-host site) should go with it.
      credentials: 'omit',
    };
    if (body !== undefined) init.body = JSON.stringify(body);

    let response: Response;
    let text: string;
    try {
      response = await fetch(`${serverUrl}${path}`, init);
    } catch (error) {
      return failure(transportFailure(serverUrl, error, timeoutMs));
    }
    try {
      text = await response.text();
    } catch (error) {
      return failure(transportFailure(serverUrl, error, timeoutMs));
    }

    if (response.ok) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return failure(invalid(serverUrl, response.status, 'its answer is not JSON'));
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        return failure(invalid(serverUrl, response.status, 'its answer does not have the expected fields'));
      }
      return { ok: true, data: parsed.data };
    }
    return failure(httpFailure(serverUrl, response.status, text));
  }

  return {
    account: () => once('GET', '/v1/account', AccountSchema),
    availability: (lead) => once('GET', `/v1/leads/${encodeURIComponent(lead)}/availability`, AvailabilitySchema),
    ledger(query) {
      const params = new URLSearchParams();
      for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, value);
      // Not `params.size`: Chrome has it from 113, LeadLens runs from 102.
      const search = params.toString() === '' ? '' : `?${params.toString()}`;
      return once('GET', `/v1/ledger${search}`, LedgerPageSchema);
    },
    members: () => once('GET', '/v1/workspace/members', MemberListSchema),
    addMember: (request) => once('POST', '/v1/workspace/members', AddedMemberSchema, request),
    removeMember: (userId) =>
      once('DELETE', `/v1/workspace/members/${encodeURIComponent(userId)}`, RemovedMemberSchema),
    setLimits: (userId, limits) =>
      once('PUT', `/v1/workspace/members/${encodeURIComponent(userId)}/limits`, MemberSchema, { limits }),
    // The key comes from the page's confirmed purchase: a retry of it replays, never buys twice.
    buyAddOns: (credits, idempotencyKey) =>
      once('POST', '/v1/workspace/add-ons', AddOnPurchaseSchema, { credits }, { [IDEMPOTENCY_HEADER]: idempotencyKey }),
    reveal: (lead, types, idempotencyKey) =>
      untilNotInFlight(() =>
        once('POST', '/v1/reveals', RevealResponseSchema, { lead, types }, { [IDEMPOTENCY_HEADER]: idempotencyKey }),
      ),
    leadList(query) {
      const params = new URLSearchParams();
      if (query.limit !== undefined) params.set('limit', String(query.limit));
      if (query.cursor !== undefined) params.set('cursor', query.cursor);
      const search = params.toString() === '' ? '' : `?${params.toString()}`;
      return once('GET', `/v1/leads${search}`, LeadListPageSchema);
    },
    exportQuote: (leads) => once('POST', '/v1/exports/quote', ExportQuoteSchema, { leads }),
    exportLeads: (request, idempotencyKey) =>
      untilNotInFlight(() =>
        once('POST', '/v1/exports', ExportResponseSchema, request, { [IDEMPOTENCY_HEADER]: idempotencyKey }),
      ),
  };

  /**
   * A charging request whose key is still being worked on by the server (an earlier try of
   * ours) is asked again after a wait, with the same key: the server then replays its answer.
   */
  async function untilNotInFlight<T>(send: () => Promise<ApiResult<T>>): Promise<ApiResult<T>> {
    for (let attempt = 0; ; attempt++) {
      const result = await send();
      if (!result.ok && result.error.apiCode === 'idempotency_in_flight' && attempt < inFlightRetries) {
        await sleep(inFlightBackoffMs * 2 ** attempt);
        continue;
      }
      return result;
    }
  }
}

function failure(error: ApiFailure): { ok: false; error: ApiFailure } {
  return { ok: false, error };
}

function transportFailure(serverUrl: string, error: unknown, timeoutMs: number): ApiFailure {
  const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
  return {
    code: 'server_unreachable',
    message: timedOut
      ? t('errServerTimeout', serverUrl, Math.round(timeoutMs / 1000))
      : t('errServerUnreachable', serverUrl),
    status: null,
    apiCode: null,
    mayHaveCommitted: true,
  };
}

function invalid(serverUrl: string, status: number, what: string): ApiFailure {
  return {
    code: 'server_invalid',
    message: t('errServerUnreadable', serverUrl, what),
    status,
    apiCode: null,
    mayHaveCommitted: true,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function httpFailure(serverUrl: string, status: number, text: string): ApiFailure {
  let apiCode: ErrorCode | null = null;
  let serverMessage: string | null = null;
  try {
    const body = ErrorBodySchema.safeParse(JSON.parse(text));
    if (body.success) {
      apiCode = body.data.error.code;
      serverMessage = body.data.error.message;
    }
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  if (status === 401) {
    return {
      code: 'unauthorized',
      message: t('errServerRefusedKey', serverUrl),
      status,
      apiCode,
      mayHaveCommitted: false,
    };
  }
  if (status >= 500) {
    return {
      code: 'server_error',
      message: t('errServerFailed', serverUrl, String(status)),
      status,
      apiCode,
      mayHaveCommitted: true,
    };
  }
  if (status === 402) {
    const refused = InsufficientExportBodySchema.safeParse(parseJson(text));
    if (refused.success) {
      const { needed, available, reason } = refused.data.error;
      const left =
        reason === 'memberLimit' ? plural('exportLimitLeaves', available) : plural('exportCreditsLeft', available);
      return {
        code: 'insufficient_credits',
        message: plural('exportNeedsCredits', needed, left),
        status,
        apiCode,
        mayHaveCommitted: false,
        insufficient: { needed, available, ...(reason ? { reason } : {}) },
      };
    }
  }
  if (apiCode === 'idempotency_in_flight') {
    return {
      code: 'server_error',
      message: t('errServerBusy', serverUrl),
      status,
      apiCode,
      mayHaveCommitted: true,
    };
  }
  return {
    code: 'server_error',
    message: serverMessage
      ? t('errServerRefusedWithReason', serverUrl, String(status), serverMessage)
      : t('errServerRefused', serverUrl, String(status)),
    status,
    apiCode,
    mayHaveCommitted: false,
  };
}
