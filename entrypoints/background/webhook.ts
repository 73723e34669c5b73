/**
 * Export to a CRM through the user's webhook (R5): each lead of a charged export is POSTed as
 * JSON, signed when the user set a secret, retried with backoff, and reported per lead.
 *
 * The export is paid before delivery starts (the server charged the rows), so a delivery
 * that fails is reported, never charged again; a retried export run (same export id) sends
 * the same `X-LeadLens-Delivery` ids, so a receiver that keeps them drops the duplicates.
 *
 * The request, documented for receivers in the README:
 * - body: {@link WebhookPayload}, UTF-8 JSON;
 * - `X-LeadLens-Event: lead.exported`;
 * - `X-LeadLens-Delivery`: stable per (export, lead), the same on every attempt;
 * - `X-LeadLens-Timestamp`: Unix seconds when the attempt was sent;
 * - with a secret, `X-LeadLens-Signature: sha256=<hex>`, the HMAC-SHA256 of
 *   `<timestamp>.<body>` keyed with the secret (as Stripe and GitHub sign theirs). Signing
 *   the timestamp with the body lets a receiver refuse an old request replayed by someone who
 *   recorded it; each attempt is signed afresh with its own timestamp.
 *
 * WebCrypto (`crypto.subtle`) signs: it is there in the service worker and in Node 20.
 */
import { t } from '../../i18n/messages.ts';
import type { ContactValue, PoolLead } from '../../shared/api.ts';
import { profileUrl } from '../../shared/slug.ts';
import type { WebhookDelivery } from '../../shared/protocol.ts';
import type { FetchLike } from './api-client.ts';
import { sha256Hex, toHex } from './hex-digest.ts';

export const WEBHOOK_EVENT = 'lead.exported';

/** What the receiver gets for each lead. */
export interface WebhookPayload {
  event: typeof WEBHOOK_EVENT;
  /** The export's id (the server's): one per export run, kept by a retry of that run. */
  exportId: string;
  /** ISO date-time of the export (when the server charged it). */
  exportedAt: string;
  lead: {
    /** The canonical LinkedIn profile slug: the lead's identity. */
    slug: string;
    profileUrl: string;
    name: string | null;
    headline: string | null;
    company: string | null;
    location: string | null;
    /** Professional (B2B) emails. */
    emails: string[];
    phones: { number: string; kind: 'mobile' | 'landline' | null }[];
    personalEmails: string[];
  };
}

export interface DeliverToWebhookOptions {
  url: string;
  /** Signs each request when set (non-empty). */
  secret?: string | null;
  /** The charged rows, as the export answered them. */
  rows: readonly PoolLead[];
  exportId: string;
  /** ISO date-time of the export. */
  exportedAt: string;
  fetch: FetchLike;
  sleep: (ms: number) => Promise<void>;
  /** Milliseconds since the epoch, for `X-LeadLens-Timestamp`. */
  now: () => number;
  /** Attempts per lead, the first included. */
  maxAttempts?: number;
  /** Leads in flight at once. */
  concurrency?: number;
  /** Per attempt, until the receiver's answer (status line and headers). */
  timeoutMs?: number;
  /** Wait before the first retry; each retry waits twice as long, with jitter. */
  backoffMs?: number;
  /** Longest wait a receiver's `Retry-After` may ask for; a longer one is cut to this. */
  maxRetryAfterMs?: number;
  /** In [0, 1): the jitter's source (Math.random by default; fixed in tests). */
  random?: () => number;
}

export const WEBHOOK_DEFAULTS = {
  maxAttempts: 4,
  concurrency: 4,
  timeoutMs: 10_000,
  backoffMs: 500,
  maxRetryAfterMs: 30_000,
} as const;

/**
 * Delivers every row to the webhook and answers one result per row, in row order. Never
 * throws: a lead that could not be delivered is `failed`, with the receiver's last status
 * and a reason for people.
 */
export async function deliverToWebhook(options: DeliverToWebhookOptions): Promise<WebhookDelivery[]> {
  const settings: Settings = { ...WEBHOOK_DEFAULTS, random: Math.random, ...withoutUndefined(options) };
  const { rows } = options;
  const results: WebhookDelivery[] = new Array<WebhookDelivery>(rows.length);

  let target: URL | null = null;
  try {
    target = new URL(options.url);
  } catch {
    // Reported per lead below.
  }
  if (target === null || (target.protocol !== 'https:' && target.protocol !== 'http:')) {
    const error = t('webhookFailBadUrl');
    return rows.map((row) => ({ lead: row.lead, status: 'failed', attempts: 0, error }));
  }

  const key = options.secret ? await hmacKey(options.secret) : null;
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const index = next++;
      const row = rows[index];
      if (row) results[index] = await deliverOne(row, key, target, settings);
    }
  };
  const workers = Math.max(1, Math.min(settings.concurrency, rows.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}

type Settings = Required<Omit<DeliverToWebhookOptions, 'url' | 'secret' | 'rows'>>;

/** Why one attempt did not deliver, and whether another may. */
interface AttemptFailure {
  retry: boolean;
  httpStatus?: number;
  /** From the receiver's `Retry-After`, when it sent one. */
  retryAfterMs?: number;
  error: string;
}

async function deliverOne(
  row: PoolLead,
  key: CryptoKey | null,
  target: URL,
  settings: Settings,
): Promise<WebhookDelivery> {
  const body = JSON.stringify(webhookPayload(row, settings.exportId, settings.exportedAt));
  const deliveryId = await deliveryIdOf(settings.exportId, row.lead);
  let failure: AttemptFailure | null = null;
  let attempts = 0;
  while (attempts < settings.maxAttempts) {
    if (failure) await settings.sleep(retryDelay(attempts, failure, settings));
    attempts += 1;
    failure = await attempt(target, body, deliveryId, key, settings);
    if (failure === null) return { lead: row.lead, status: 'delivered', attempts };
    if (!failure.retry) break;
  }
  const delivery: WebhookDelivery = { lead: row.lead, status: 'failed', attempts };
  if (failure?.httpStatus !== undefined) delivery.httpStatus = failure.httpStatus;
  if (failure) delivery.error = failure.error;
  return delivery;
}

async function attempt(
  target: URL,
  body: string,
  deliveryId: string,
  key: CryptoKey | null,
  settings: Settings,
): Promise<AttemptFailure | null> {
  const timestamp = String(Math.floor(settings.now() / 1000));
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'X-LeadLens-Event': WEBHOOK_EVENT,
    'X-LeadLens-Delivery': deliveryId,
    'X-LeadLens-Timestamp': timestamp,
  };
  if (key) headers['X-LeadLens-Signature'] = `sha256=${toHex(await hmac(key, `${timestamp}.${body}`))}`;

  let response: Response;
  try {
    response = await settings.fetch(target.href, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(settings.timeoutMs),
      credentials: 'omit',
      // A redirected POST becomes a GET on the way: the lead would be lost without an error.
      redirect: 'manual',
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return {
      retry: true,
      error: timedOut
        ? t('webhookFailTimeout', settings.timeoutMs / 1000)
        : t('webhookFailNetwork', target.host, describeNetworkError(error)),
    };
  }
  // The answer's body means nothing to us; let the connection go.
  response.body?.cancel().catch(() => undefined);

  const status = response.status;
  if (status >= 200 && status < 300) return null;
  if (response.type === 'opaqueredirect' || (status >= 300 && status < 400)) {
    return { retry: false, ...(status > 0 ? { httpStatus: status } : {}), error: t('webhookFailRedirect') };
  }
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(response.headers.get('Retry-After'), settings.now());
    return {
      retry: true,
      httpStatus: status,
      ...(retryAfterMs === null ? {} : { retryAfterMs }),
      error: t('webhookFailHttp', status),
    };
  }
  return { retry: false, httpStatus: status, error: t('webhookFailRefused', status) };
}

/**
 * Exponential backoff with jitter: 0.5 s, 1 s, 2 s… each taken at random between 75% and
 * 125%, so leads that failed together do not all come back at the same instant. A receiver's
 * `Retry-After` is honoured when it asks for longer, up to `maxRetryAfterMs`.
 */
function retryDelay(attemptsMade: number, failure: AttemptFailure, settings: Settings): number {
  const base = settings.backoffMs * 2 ** (attemptsMade - 1);
  const backoff = Math.round(base * (0.75 + settings.random() * 0.5));
  const asked = Math.min(failure.retryAfterMs ?? 0, settings.maxRetryAfterMs);
  return Math.max(backoff, asked);
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds from now; null when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number): number | null {
  if (header === null) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** The JSON body sent for one lead. */
export function webhookPayload(row: PoolLead, exportId: string, exportedAt: string): WebhookPayload {
  return {
    event: WEBHOOK_EVENT,
    exportId,
    exportedAt,
    lead: {
      slug: row.lead,
      profileUrl: profileUrl(row.lead),
      name: row.name,
      headline: row.headline,
      company: row.company,
      location: row.location,
      emails: row.values.b2bEmail.map(valueOf),
      phones: row.values.phone.map((phone) => ({ number: phone.value, kind: phone.phoneKind ?? null })),
      personalEmails: row.values.directEmail.map(valueOf),
    },
  };
}

const valueOf = (value: ContactValue) => value.value;

/**
 * `X-LeadLens-Delivery`: a digest of the export id and the lead, since a slug may hold
 * characters an HTTP header cannot carry. The same export and lead always give the same id.
 */
async function deliveryIdOf(exportId: string, lead: string): Promise<string> {
  return (await sha256Hex(`${exportId}\n${lead}`)).slice(0, 32);
}

/**
 * Checks a request's `X-LeadLens-Signature` header against the secret, for receivers (and
 * tests). `timestamp` and `body` exactly as received. With `now` (milliseconds) it also
 * refuses a timestamp more than `toleranceSeconds` (default 300) away from it, so a recorded
 * request cannot be replayed later. WebCrypto's verify compares in constant time.
 */
export async function verifyWebhookSignature(
  secret: string,
  timestamp: string,
  body: string,
  header: string | null | undefined,
  options: { now?: number; toleranceSeconds?: number } = {},
): Promise<boolean> {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '');
  if (!match?.[1] || !/^\d+$/.test(timestamp)) return false;
  if (options.now !== undefined) {
    const age = Math.abs(options.now / 1000 - Number(timestamp));
    if (age > (options.toleranceSeconds ?? 300)) return false;
  }
  const signature = fromHex(match[1]);
  const key = await hmacKey(secret, ['verify']);
  return crypto.subtle.verify('HMAC', key, signature, new TextEncoder().encode(`${timestamp}.${body}`));
}

function hmacKey(secret: string, usages: KeyUsage[] = ['sign']): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    usages,
  );
}

function hmac(key: CryptoKey, data: string): Promise<ArrayBuffer> {
  return crypto.subtle.sign('HMAC', key, new TextEncoder().encode(data));
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(hex.length / 2);
  for (let index = 0; index < bytes.length; index += 1)
    bytes[index] = parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  return bytes;
}

/** The cause of a failed fetch in a few words (Node names it in `cause.code`; browsers say "Failed to fetch"). */
function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: { code?: unknown } }).cause;
    if (cause && typeof cause.code === 'string') return cause.code;
    return error.message;
  }
  return String(error);
}

function withoutUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
