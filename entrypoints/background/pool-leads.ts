/**
 * The pool's lead list as this browser keeps it (the leads page): every lead the pool
 * revealed, read whole from the server and kept per pool, so the page opens at once, works
 * with the server down, and never shows another account's leads (DESIGN section 3).
 */
import { t } from '../../i18n/messages.ts';
import type { PoolLead } from '../../shared/api.ts';
import type { LeadListView, MessageError, Reply } from '../../shared/protocol.ts';
import type { ApiClient, ApiFailure } from './api-client.ts';
import type { BackgroundContext } from './context.ts';
import { settle } from './transactions.ts';
import type { Database, PoolScope } from './database.ts';
import { describeError } from './describe-error.ts';
import { activeSession, apiFor, scopeOf, signedOutError, signOutUnauthorized } from './session.ts';

/** The largest page GET /v1/leads gives: 10,000 leads are ten requests. */
export const LEAD_PAGE_SIZE = 1000;

/**
 * Every key `[pool, lead]` of one pool: arrays sort after strings in IndexedDB, so `[pool, []]`
 * is above every `[pool, "<slug>"]`, and `[pool]` is below them all.
 */
function poolRange(pool: PoolScope): IDBKeyRange {
  return IDBKeyRange.bound([pool], [pool, []]);
}

/** Handles `leadsList {refresh}`. */
export async function listLeads(ctx: BackgroundContext, refresh: boolean): Promise<Reply<LeadListView>> {
  const session = await activeSession(ctx);
  if (!session) return { ok: false, error: signedOutError() };
  const pool = scopeOf(session);
  const db = await ctx.db();

  let stale: MessageError | undefined;
  if (refresh) {
    const read = await readWholeList(apiFor(ctx, session));
    if (read.ok) {
      const syncedAt = new Date(ctx.now()).toISOString();
      try {
        await replaceLeads(db, pool, read.leads, syncedAt);
        // The server's order (newest first reveal first), as the copy would answer it.
        return { ok: true, data: { pool, leads: newestFirst([...read.leads]), syncedAt } };
      } catch (error) {
        // The server's list is in hand: show it, and say that this browser could not keep it.
        return {
          ok: true,
          data: {
            pool,
            leads: read.leads,
            syncedAt: null,
            stale: { code: 'storage_failed', message: t('errLeadsNotSaved', describeError(error)) },
          },
        };
      }
    } else {
      if (read.error.code === 'unauthorized') {
        // A revoked key: signed out like everywhere else; its pool's copy is not shown.
        await signOutUnauthorized(ctx, session, read.error);
        return { ok: false, error: { code: read.error.code, message: read.error.message } };
      }
      // The page says that it shows the local copy, and from when; this says why.
      stale = { code: read.error.code, message: read.error.message };
    }
  }

  const [leads, sync] = await Promise.all([readLeads(db, pool), db.get('leadListSync', pool)]);
  const view: LeadListView = { pool, leads, syncedAt: sync?.syncedAt ?? null };
  if (stale) view.stale = stale;
  return { ok: true, data: view };
}

/** The whole list, page by page; any failing page fails the read (a partial list would drop leads). */
async function readWholeList(
  api: ApiClient,
): Promise<{ ok: true; leads: PoolLead[] } | { ok: false; error: ApiFailure }> {
  const leads: PoolLead[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await api.leadList(
      cursor === undefined ? { limit: LEAD_PAGE_SIZE } : { limit: LEAD_PAGE_SIZE, cursor },
    );
    if (!page.ok) return page;
    leads.push(...page.data.leads);
    if (page.data.nextCursor === null) return { ok: true, leads };
    cursor = page.data.nextCursor;
  }
}

/** The pool's copy, newest first reveal first (the server's order). */
export async function readLeads(db: Database, pool: PoolScope): Promise<PoolLead[]> {
  const records = await db.getAll('poolLeads', poolRange(pool));
  return newestFirst(records.map(withoutPool));
}

/** ISO date-times of one format sort as strings; ties keep one order (by slug). */
function newestFirst(leads: PoolLead[]): PoolLead[] {
  return leads.sort((a, b) =>
    a.revealedAt === b.revealedAt ? (a.lead < b.lead ? -1 : 1) : a.revealedAt < b.revealedAt ? 1 : -1,
  );
}

/**
 * Makes the pool's copy `leads`, in one transaction: leads gone from the server go, and only
 * leads that changed are written. Chrome's IndexedDB took 2 to 3 s to write 10,000 leads on
 * a 2-core machine, and about 150 ms to read and compare them; a refresh usually changes a
 * few leads (new reveals, export counts), so it usually writes a few records.
 */
async function replaceLeads(db: Database, pool: PoolScope, leads: PoolLead[], syncedAt: string): Promise<void> {
  const tx = db.transaction(['poolLeads', 'leadListSync'], 'readwrite', { durability: 'strict' });
  const store = tx.objectStore('poolLeads');
  await settle(tx, async () => {
    const writes: Array<Promise<unknown>> = [];
    const kept = new Map<string, string>();
    for (const record of await store.getAll(poolRange(pool))) kept.set(record.lead, fingerprint(record));
    // Requests are queued without awaiting each one: 10,000 awaits would cost a task each.
    for (const lead of leads) {
      if (kept.get(lead.lead) !== fingerprint(lead)) writes.push(store.put({ ...lead, pool }));
      kept.delete(lead.lead);
    }
    for (const gone of kept.keys()) writes.push(store.delete([pool, gone]));
    writes.push(tx.objectStore('leadListSync').put({ pool, syncedAt }));
    await Promise.all(writes);
  });
}

/** A lead's content in one string, its fields in one order whatever order they were stored in. */
function fingerprint(lead: PoolLead): string {
  return JSON.stringify(withoutPool(lead));
}

/**
 * Stores the rows an export answered with (their export counts include it) over the pool's
 * copy, so the leads page shows the new counts before it reads the list again.
 */
export async function storeExportedRows(db: Database, pool: PoolScope, rows: PoolLead[]): Promise<void> {
  const tx = db.transaction('poolLeads', 'readwrite', { durability: 'strict' });
  // Queued without awaiting each one, then awaited together.
  await settle(tx, () => Promise.all(rows.map((row) => tx.store.put({ ...row, pool }))));
}

/** A lead as pages see it: the pool scope is the background's own key, never sent. */
function withoutPool(record: PoolLead): PoolLead {
  return {
    lead: record.lead,
    name: record.name,
    headline: record.headline,
    company: record.company,
    location: record.location,
    revealedAt: record.revealedAt,
    lastRevealedAt: record.lastRevealedAt,
    values: record.values,
    exports: record.exports,
    lastExportedAt: record.lastExportedAt,
  };
}
