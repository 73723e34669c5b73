/**
 * Leads and exports (R5, R6): the leads page's list, the free quote, the charged export and
 * the CRM webhook's settings. An export is charged by the server, all or nothing, before any
 * file is written or any lead is sent; its Idempotency-Key is stored here before the request,
 * so the same export asked again (Retry after a lost answer, a stopped worker) replays the
 * server's first answer instead of charging again.
 */
import { t } from '../../i18n/messages.ts';
import type { ExportQuote, ExportResponse, ExportTarget, PoolLead } from '../../shared/api.ts';
import type { ExportOutcome, MessageError, Reply } from '../../shared/protocol.ts';
import { distinctSlugs } from '../../shared/slug.ts';
import type { ApiFailure } from './api-client.ts';
import type { BackgroundContext } from './context.ts';
import type { Database, PendingExport, PoolScope, WebhookRecord } from './database.ts';
import { describeError } from './describe-error.ts';
import { exportFile } from './export-file.ts';
import { sha256Hex } from './hex-digest.ts';
import { push } from './push.ts';
import { listLeads, storeExportedRows } from './pool-leads.ts';
import type { Handlers } from './router.ts';
import {
  activeSession,
  apiFor,
  recordBalances,
  scopeOf,
  signedOutError,
  signOutUnauthorized,
  type ActiveSession,
} from './session.ts';
import { deliverToWebhook } from './webhook.ts';
import { checkWebhookUrl, getWebhook, readWebhook, setWebhook } from './webhook-settings.ts';

type ExportHandlers = Pick<Handlers, 'leadsList' | 'exportQuote' | 'exportRun' | 'webhookGet' | 'webhookSet'>;

export function exportHandlers(ctx: BackgroundContext): ExportHandlers {
  return {
    leadsList: ({ refresh }) => listLeads(ctx, refresh),
    exportQuote: ({ leads }) => quoteExport(ctx, leads),
    exportRun: (payload) => runExport(ctx, payload),
    webhookGet: () => getWebhook(ctx),
    webhookSet: (payload) => setWebhook(ctx, payload),
  };
}

/** What exporting `leads` would cost and how often each was exported before (free). */
async function quoteExport(ctx: BackgroundContext, raw: string[]): Promise<Reply<ExportQuote>> {
  const session = await activeSession(ctx);
  if (!session) return { ok: false, error: signedOutError() };
  const leads = canonicalLeads(raw);
  if (!leads.ok) return leads;
  const quote = await apiFor(ctx, session).exportQuote(leads.leads);
  if (!quote.ok) return { ok: false, error: await failureMessage(ctx, session, quote.error) };
  return quote;
}

/** Handles `exportRun {exportId, leads, target}`. */
async function runExport(
  ctx: BackgroundContext,
  payload: { exportId: string; leads: string[]; target: ExportTarget },
): Promise<Reply<ExportOutcome>> {
  const session = await activeSession(ctx);
  if (!session) return { ok: false, error: signedOutError() };
  const canonical = canonicalLeads(payload.leads);
  if (!canonical.ok) return canonical;
  const { target } = payload;
  const pool = scopeOf(session);

  // A webhook export with nowhere to go must not be charged: refused before any request.
  let webhook: WebhookRecord | null = null;
  if (target === 'webhook') {
    webhook = await readWebhook(ctx);
    if (!webhook) return { ok: false, error: { code: 'bad_webhook', message: t('errNoWebhook') } };
    // Access to its host may have been withdrawn since it was saved: then every POST would
    // fail after the charge. Checked again before anything is spent.
    const usable = await checkWebhookUrl(ctx, webhook.url);
    if (!usable.ok) return usable;
  }

  // One body per export: leads sorted, so a retry sends the very bytes the key was first used with.
  const sorted = [...canonical.leads].sort();
  const db = await ctx.db();
  let pending: PendingExport;
  try {
    const claimed = await claimExport(db, {
      pool,
      exportId: payload.exportId,
      requestKey: await requestKeyOf(target, sorted),
      target,
      newKey: ctx.newIdempotencyKey,
      now: ctx.now,
    });
    if (!claimed.ok) return { ok: false, error: { code: 'bad_message', message: t('errExportIdReused') } };
    pending = claimed.pending;
  } catch (error) {
    // Without a stored key a retry could charge twice: better not to send at all.
    return { ok: false, error: { code: 'storage_failed', message: t('errExportNotRecorded', describeError(error)) } };
  }

  const api = apiFor(ctx, session);
  const answer = await api.exportLeads({ leads: sorted, target }, pending.idempotencyKey);
  if (!answer.ok) {
    // Keep the key when the server may have charged: the retry then replays (one charge).
    if (!answer.error.mayHaveCommitted) await forgetExport(db, pool, payload.exportId).catch(() => undefined);
    return { ok: false, error: await failureMessage(ctx, session, answer.error) };
  }
  const outcome = await afterCharge(ctx, session, db, {
    pool,
    target,
    asked: canonical.leads,
    response: answer.data,
    webhook,
  });
  return { ok: true, data: outcome };
}

/**
 * The export is paid: the figures and the local list follow, then the file is made or the
 * leads are sent. The pending record (and its key) is kept: the page may never get this
 * answer (it gave up waiting, the widget's frame went away, the worker stopped during a
 * webhook delivery), and its Retry under the same export id must replay the server's answer,
 * free, rebuilding the same file or sending the same delivery ids, not charge a second time.
 * A new export is a new id, charged again (R5). Records are dropped after a day (claimExport),
 * while the server still replays their keys. Nothing from here on can charge again; a failed
 * delivery is reported per lead.
 */
async function afterCharge(
  ctx: BackgroundContext,
  session: ActiveSession,
  db: Database,
  {
    pool,
    target,
    asked,
    response,
    webhook,
  }: {
    pool: PoolScope;
    target: ExportTarget;
    /** The leads in the user's order. */
    asked: string[];
    response: ExportResponse;
    /** Set for a webhook export (read before the request). */
    webhook: WebhookRecord | null;
  },
): Promise<ExportOutcome> {
  await recordBalances(ctx, session, response.balances, response.limits);
  try {
    await storeExportedRows(db, pool, response.rows);
  } catch (error) {
    // The leads page reads the list again on the push; only the counts shown wait for it.
    console.warn('LeadLens: could not store the export counts', error);
  }
  void push({ leadlensPush: 1, kind: 'leadsChanged', pool });

  // The rows in the order the user chose them (the request went sorted).
  const rows = inOrder(response.rows, asked);
  const outcome: ExportOutcome = { ...response, rows };
  if (webhook) {
    outcome.deliveries = await deliverToWebhook({
      url: webhook.url,
      secret: webhook.secret,
      rows,
      // The server's export id: a replayed answer carries the same one, so a retried run
      // sends the same delivery ids and a receiver that keeps them drops the duplicates.
      exportId: response.export.id,
      exportedAt: response.export.at,
      fetch: ctx.fetch,
      sleep: ctx.sleep,
      now: ctx.now,
    });
  } else if (target !== 'webhook') {
    outcome.file = exportFile(rows, target, ctx.now());
  }
  return outcome;
}

function inOrder(rows: PoolLead[], asked: string[]): PoolLead[] {
  const position = new Map(asked.map((lead, index) => [lead, index]));
  const last = asked.length;
  return [...rows].sort((a, b) => (position.get(a.lead) ?? last) - (position.get(b.lead) ?? last));
}

/** Slugs as the server keys them; two spellings of one lead are one lead. */
function canonicalLeads(raw: string[]): { ok: true; leads: string[] } | { ok: false; error: MessageError } {
  const { slugs, invalid } = distinctSlugs(raw);
  // The pages send slugs from the list the background gave them: anything else is a bug or forged.
  if (invalid.length > 0) {
    return {
      ok: false,
      error: { code: 'bad_message', message: `LeadLens rejected a lead that is not a profile slug.` },
    };
  }
  return { ok: true, leads: slugs };
}

/** SHA-256 of the target and the sorted leads: what the stored key was made for. */
function requestKeyOf(target: ExportTarget, sorted: string[]): Promise<string> {
  return sha256Hex(JSON.stringify([target, sorted]));
}

/** How long a pending export is kept: the server keeps idempotency keys at least 24 hours. */
export const PENDING_EXPORT_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * The pending export of `exportId`: the one stored by an earlier try, or a new one with a new
 * Idempotency-Key, stored (durably) before the request is sent. The same id for another
 * request is refused: its key would make the server replay the first export's answer.
 */
async function claimExport(
  db: Database,
  wanted: {
    pool: PoolScope;
    exportId: string;
    requestKey: string;
    target: ExportTarget;
    newKey: () => string;
    now: () => number;
  },
): Promise<{ ok: true; pending: PendingExport } | { ok: false }> {
  const tx = db.transaction('pendingExports', 'readwrite', { durability: 'strict' });
  tx.done.catch(() => undefined);
  // Records past a day are dropped (the server keeps keys at least that long): an export
  // id is made per confirmation, so no page retries one that old.
  const expired = new Date(wanted.now() - PENDING_EXPORT_TTL_MS).toISOString();
  for (let cursor = await tx.store.openCursor(); cursor; cursor = await cursor.continue()) {
    if (cursor.value.createdAt < expired) await cursor.delete();
  }
  const existing = await tx.store.get([wanted.pool, wanted.exportId]);
  if (existing) {
    await tx.done;
    return existing.requestKey === wanted.requestKey ? { ok: true, pending: existing } : { ok: false };
  }
  const pending: PendingExport = {
    pool: wanted.pool,
    exportId: wanted.exportId,
    requestKey: wanted.requestKey,
    target: wanted.target,
    idempotencyKey: wanted.newKey(),
    createdAt: new Date(wanted.now()).toISOString(),
  };
  await tx.store.put(pending);
  await tx.done;
  return { ok: true, pending };
}

async function forgetExport(db: Database, pool: PoolScope, exportId: string): Promise<void> {
  const tx = db.transaction('pendingExports', 'readwrite', { durability: 'strict' });
  tx.done.catch(() => undefined);
  await tx.store.delete([pool, exportId]);
  await tx.done;
}

/**
 * The server's refusal as the pages show it. A refused key signs the user out, as everywhere.
 * Not enough export credits (R6) comes from the API client in words already: "This export
 * needs 5 export credits; 4 are left." (code `insufficient_credits`; nothing was charged).
 */
async function failureMessage(
  ctx: BackgroundContext,
  session: ActiveSession,
  error: ApiFailure,
): Promise<MessageError> {
  if (error.code === 'unauthorized') await signOutUnauthorized(ctx, session, error);
  // The export no longer fits what the server holds (a lead the pool never revealed, the
  // workspace moved to a shared pool): nothing was charged, and the same request would be
  // refused again. `refused` tells the page to quote again rather than offer the same Retry.
  if (error.apiCode === 'not_found' || error.apiCode === 'conflict') return { code: 'refused', message: error.message };
  return { code: error.code, message: error.message };
}
