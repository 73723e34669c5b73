/**
 * Bulk enrichment (issue 5): reveal chosen types for up to 10,000 profiles in the
 * background, through the very reveal path a click takes (`revealLead`): the cache first
 * (paid types free, R3), in-flight sharing, local refusal of a type that ran out (R7), and an
 * idempotency key persisted before each request, so each (pool, lead, type) is charged at
 * most once (R2) even when the worker is stopped mid-request.
 *
 * Everything that must survive is in IndexedDB: the job (`bulkJobs`: state, counters) and
 * one record per row (`bulkRows`: pending until it has a result). The runner is the worker's
 * own and starts again from storage: when the worker starts (index.ts, after `ready` and on
 * `runtime.onStartup`) and on an `alarms` alarm every 30 s while a job runs, which wakes a
 * stopped worker. A row that was in flight is still pending, so it is revealed again: the
 * persisted key replays the server's first answer instead of charging again.
 *
 * Decisions:
 * - Rows are distinct leads: the background canonicalises what the page sends and keeps the
 *   first of each lead, so a lead written twice in a file is one row (R2 by construction).
 * - A type that ran out is refused for that row without a reveal request (the reveal path's
 *   own check, which still asks the free availability endpoint, so data the pool already
 *   paid stays free), and the job goes on for the other types. When every chosen type has
 *   run out the job pauses and says so: going on would only mark every remaining row "out of
 *   credits". Resume (after adding credits) also tries again the rows refused for lack of
 *   credits and the rows that failed.
 * - Charges are counted exactly: the types the server charged are noted on the row before
 *   the cache records them (`onCharged`), so a worker stopped between the two still counts
 *   the charge once; a row's result adds to the job's counters only on its way from pending
 *   to done, in one transaction.
 * - Server down or failing (5xx): the row is tried again after 1, 2, 4 and 8 s, then the job
 *   pauses with the reason. Signed out, or signed in to another account: the job pauses with
 *   the reason at once (a job spends only in the pool it was started in).
 * - One running job per pool; starting a new job removes that pool's older, stopped jobs and
 *   their rows (the page shows the latest job only), so storage stays bounded.
 */
import { browser } from 'wxt/browser';
import { formatList, t, typeWord } from '../../i18n/messages.ts';
import { REVEAL_TYPES, type RevealType } from '../../shared/credits.ts';
import { spendable } from '../../shared/limits.ts';
import type { BulkJobView, BulkRowStatus, BulkRowView, MessageError, Reply, TypeView } from '../../shared/protocol.ts';
import { canonicalSlug, distinctSlugs, normalizeSlug } from '../../shared/slug.ts';
import { sortTypes } from './cache.ts';
import type { BackgroundContext } from './context.ts';
import type { BulkJobRecord, BulkRowRecord, Database, PoolScope } from './database.ts';
import { describeError } from './describe-error.ts';
import type { TrackTask } from './handlers.ts';
import { push } from './push.ts';
import { revealLead, type InFlight } from './reveal.ts';
import type { Handlers } from './router.ts';
import { activeSession, announceFigures, refreshAccount, scopeOf, signedOutError } from './session.ts';

type BulkHandlers = Pick<Handlers, 'bulkStart' | 'bulkQuote' | 'bulkPause' | 'bulkResume' | 'bulkStatus' | 'bulkRows'>;

/**
 * Rows revealed at once. Measured in Chromium with the built extension and the local server
 * (600 rows, B2B email and phone, every row charged; a 2-core machine under a load of 6):
 * 1 → 28-30 rows/s, 2 → 31, 4 → 31-34, 8 → 35, 16 → 34-42. Past 1 the worker's own part of
 * a row (about 15 ms: three strict IndexedDB commits of the reveal path, the cache and
 * session reads, two pushes, the badge), which the browser runs one at a time, is the limit,
 * not the server. 4 keeps most of the gain while few rows are in flight when the job is paused
 * or the worker stops (each of those is replayed, never charged again), and asks a shared
 * server for little.
 */
export const BULK_CONCURRENCY = 4;
/** Rows written per transaction when a job starts: 10,000 rows start in a few transactions. */
const WRITE_CHUNK = 1000;
/** Pending rows read from storage at a time. */
const READ_BATCH = 200;
/** At most this often a `bulkProgress` push while rows finish (5 a second). */
const PROGRESS_INTERVAL_MS = 200;
/** Waits before trying a row again after the server failed: then the job pauses. */
const BACKOFF_MS = [1000, 2000, 4000, 8000];
/** Wakes a stopped worker while a job runs (Chrome's shortest period for a packed extension). */
export const BULK_ALARM = 'leadlens-bulk';
const ALARM_PERIOD_MINUTES = 0.5;

/**
 * A row as stored: the view plus charges noted before the cache recorded them, not yet
 * added to the job's counters.
 */
interface StoredRow extends BulkRowRecord {
  noted?: RevealType[];
}

/** What the runner keeps in memory: lost with the worker, rebuilt from storage. */
interface Runner {
  /** Jobs this worker is running now. */
  running: Map<string, Promise<void>>;
  /** Jobs to start again as soon as their loop ends (resumed while it was stopping). */
  again: Set<string>;
  /** Jobs paused in this worker: their loop starts no new row. */
  stopping: Set<string>;
  lastPush: Map<string, number>;
  trailing: Map<string, ReturnType<typeof setTimeout>>;
  ctx: BackgroundContext;
  inFlight: InFlight;
  track: TrackTask;
}

/** One runner per worker (per context), shared by the handlers and the worker's start. */
const runners = new WeakMap<BackgroundContext, Runner>();

function runnerFor(ctx: BackgroundContext, inFlight: InFlight, track: TrackTask = (task) => void task): Runner {
  let runner = runners.get(ctx);
  if (!runner) {
    runner = {
      running: new Map(),
      again: new Set(),
      stopping: new Set(),
      lastPush: new Map(),
      trailing: new Map(),
      ctx,
      inFlight,
      track,
    };
    runners.set(ctx, runner);
  }
  return runner;
}

export function bulkHandlers(ctx: BackgroundContext, inFlight: InFlight, track?: TrackTask): BulkHandlers {
  const runner = runnerFor(ctx, inFlight, track);
  return {
    async bulkStart({ jobId, leads, types }) {
      const session = await activeSession(ctx);
      if (!session) return { ok: false, error: signedOutError() };
      const pool = scopeOf(session);
      const db = await ctx.db();
      const existing = await db.get('bulkJobs', jobId);
      // The page's retry after a lost answer: the job it started, not a second one.
      if (existing) {
        if (existing.pool !== pool) return { ok: false, error: otherAccount() };
        return { ok: true, data: existing };
      }
      const slugs = distinctLeads(leads);
      if (!slugs.ok) return slugs;
      const jobs = await jobsOf(db, pool);
      if (jobs.some((job) => job.state === 'running')) {
        return { ok: false, error: { code: 'refused', message: t('bulkAlreadyRunning') } };
      }
      let job: BulkJobRecord;
      try {
        await removeJobs(db, jobs);
        job = await createJob(ctx, db, jobId, pool, slugs.data, sortTypes(types));
      } catch (error) {
        return { ok: false, error: { code: 'storage_failed', message: t('bulkNotSaved', describeError(error)) } };
      }
      start(runner, job.id);
      return { ok: true, data: job };
    },

    async bulkQuote({ leads }) {
      const session = await activeSession(ctx);
      if (!session) return { ok: false, error: signedOutError() };
      const pool = scopeOf(session);
      // One read of the pool's cached leads beats 10,000 lookups; the cache holds paid leads only.
      const cached = await (await ctx.db()).getAll('leads', IDBKeyRange.bound([pool, ''], [pool, '\uffff']));
      const asked = new Set(leads.map((lead) => canonicalSlug(lead) ?? normalizeSlug(lead)));
      const paid: Record<RevealType, number> = { b2bEmail: 0, phone: 0, directEmail: 0 };
      for (const lead of cached) {
        if (!asked.has(lead.slug)) continue;
        for (const type of REVEAL_TYPES) if (lead.types[type]) paid[type] += 1;
      }
      return { ok: true, data: { paid } };
    },

    async bulkPause({ jobId }) {
      const found = await ownJob(ctx, jobId);
      if (!found.ok) return found;
      if (found.data.state !== 'running') return { ok: true, data: found.data };
      // Rows in flight finish; no new row starts.
      runner.stopping.add(jobId);
      const job = await changeJob(await ctx.db(), jobId, (current) =>
        current.state === 'running' ? withoutReason({ ...current, state: 'paused' }) : current,
      );
      if (job) announce(runner, job, true);
      return { ok: true, data: job ?? found.data };
    },

    async bulkResume({ jobId }) {
      const found = await ownJob(ctx, jobId);
      if (!found.ok) return found;
      if (found.data.state !== 'paused') return { ok: true, data: found.data };
      runner.stopping.delete(jobId);
      // The user may have added credits since the job paused for want of them: read the
      // figures again (free), or the reveal path would refuse on the old 0 for a minute.
      const session = await activeSession(ctx);
      if (session) await refreshAccount(ctx, session);
      const job = await requeue(ctx, await ctx.db(), jobId);
      if (!job) return { ok: false, error: { code: 'internal', message: t('bulkNotFound') } };
      start(runner, jobId);
      announce(runner, job, true);
      return { ok: true, data: job };
    },

    async bulkStatus() {
      const session = await activeSession(ctx);
      if (!session) return { ok: false, error: signedOutError() };
      const jobs = await jobsOf(await ctx.db(), scopeOf(session));
      return { ok: true, data: jobs.at(-1) ?? null };
    },

    async bulkRows({ jobId, offset, limit }) {
      const found = await ownJob(ctx, jobId);
      if (!found.ok) return found;
      const db = await ctx.db();
      const last = Math.min(offset + limit, found.data.total) - 1;
      if (last < offset) return { ok: true, data: { jobId, rows: [] } };
      const rows = await db.getAll('bulkRows', IDBKeyRange.bound([jobId, offset], [jobId, last]));
      return { ok: true, data: { jobId, rows: rows.map(viewOfRow) } };
    },
  };
}

/**
 * Starts again every job left running (the worker was stopped, the browser restarted). Called
 * when the worker starts and on the bulk alarm; a job already running here is left alone.
 */
export async function resumeBulkJobs(ctx: BackgroundContext, inFlight: InFlight): Promise<void> {
  const runner = runnerFor(ctx, inFlight);
  const db = await ctx.db();
  const jobs = await db.getAll('bulkJobs');
  const running = jobs.filter((job) => job.state === 'running');
  for (const job of running) start(runner, job.id);
  if (running.length === 0) await clearAlarm();
}

// ---------------------------------------------------------------- the page's requests

function distinctLeads(leads: string[]): Reply<string[]> {
  const { slugs, invalid } = distinctSlugs(leads, (raw) => canonicalSlug(raw) ?? normalizeSlug(raw));
  if (invalid.length > 0) {
    return {
      ok: false,
      error: { code: 'bad_message', message: t('bulkBadLeads', invalid.length, invalid[0]?.slice(0, 100) ?? '') },
    };
  }
  return { ok: true, data: slugs };
}

/** The pool's jobs, oldest first. */
async function jobsOf(db: Database, pool: PoolScope): Promise<BulkJobRecord[]> {
  return db.getAllFromIndex('bulkJobs', 'byPool', IDBKeyRange.bound([pool, ''], [pool, '\uffff']));
}

async function ownJob(ctx: BackgroundContext, jobId: string): Promise<Reply<BulkJobRecord>> {
  const session = await activeSession(ctx);
  if (!session) return { ok: false, error: signedOutError() };
  const job = await (await ctx.db()).get('bulkJobs', jobId);
  if (!job) return { ok: false, error: { code: 'refused', message: t('bulkNotFound') } };
  if (job.pool !== scopeOf(session)) return { ok: false, error: otherAccount() };
  return { ok: true, data: job };
}

function otherAccount(): MessageError {
  return { code: 'refused', message: t('bulkOtherAccount') };
}

/** Removes stopped jobs and their rows (the page shows only the latest job of a pool). */
async function removeJobs(db: Database, jobs: BulkJobRecord[]): Promise<void> {
  for (const job of jobs) {
    const tx = db.transaction(['bulkJobs', 'bulkRows'], 'readwrite');
    await Promise.all([
      tx.objectStore('bulkRows').delete(IDBKeyRange.bound([job.id, 0], [job.id, Infinity])),
      tx.objectStore('bulkJobs').delete(job.id),
      tx.done,
    ]);
  }
}

/**
 * Writes the rows in chunks, then the job: a job is only seen once all its rows are stored
 * (a worker stopped half way leaves rows nobody reads, replaced when the page retries).
 */
async function createJob(
  ctx: BackgroundContext,
  db: Database,
  id: string,
  pool: PoolScope,
  slugs: string[],
  types: RevealType[],
): Promise<BulkJobRecord> {
  for (let from = 0; from < slugs.length; from += WRITE_CHUNK) {
    const tx = db.transaction('bulkRows', 'readwrite');
    const writes = slugs.slice(from, from + WRITE_CHUNK).map((slug, offset) => {
      const row: StoredRow = { jobId: id, index: from + offset, slug, status: 'pending', revealed: [], charged: [] };
      return tx.store.put(row);
    });
    await Promise.all([...writes, tx.done]);
  }
  const at = new Date(ctx.now()).toISOString();
  const job: BulkJobRecord = {
    id,
    pool,
    state: 'running',
    types,
    total: slugs.length,
    done: 0,
    counts: { revealed: 0, notFound: 0, insufficientCredits: 0, error: 0 },
    charged: { b2bEmail: 0, phone: 0, directEmail: 0 },
    createdAt: at,
    updatedAt: at,
  };
  await db.put('bulkJobs', job);
  return job;
}

/** Resume: refused and failed rows go back to pending, and the job runs again. */
async function requeue(ctx: BackgroundContext, db: Database, jobId: string): Promise<BulkJobRecord | null> {
  const tx = db.transaction(['bulkJobs', 'bulkRows'], 'readwrite');
  const jobs = tx.objectStore('bulkJobs');
  const rows = tx.objectStore('bulkRows');
  const job = await jobs.get(jobId);
  if (!job) {
    await tx.done;
    return null;
  }
  const counts = { ...job.counts };
  let done = job.done;
  for (const status of ['insufficientCredits', 'error'] as const) {
    const again = await rows.index('byStatus').getAll([jobId, status]);
    for (const row of again) {
      await rows.put(withoutRowError({ ...row, status: 'pending' }));
      counts[status] -= 1;
      done -= 1;
    }
  }
  const resumed = withoutReason({
    ...job,
    state: 'running',
    counts,
    done,
    updatedAt: new Date(ctx.now()).toISOString(),
  });
  await jobs.put(resumed);
  await tx.done;
  return resumed;
}

// ---------------------------------------------------------------- the runner

function start(runner: Runner, jobId: string): void {
  if (runner.running.has(jobId)) {
    runner.again.add(jobId);
    return;
  }
  runner.stopping.delete(jobId);
  void setAlarm();
  const loop = runLoop(runner, jobId)
    .catch((error: unknown) => console.error('LeadLens: a bulk enrichment stopped', error))
    .finally(() => {
      runner.running.delete(jobId);
      if (runner.again.delete(jobId)) start(runner, jobId);
    });
  runner.running.set(jobId, loop);
  runner.track(loop);
}

type RowResult =
  | {
      kind: 'done';
      status: Exclude<BulkRowStatus, 'pending'>;
      views: Partial<Record<RevealType, TypeView>>;
      charged: RevealType[];
      error?: string;
    }
  /** The server failed in a way worth another try (unreachable, 5xx). */
  | { kind: 'retry'; error: MessageError }
  /** Signed out or another account: the job pauses. */
  | { kind: 'pause'; reason: MessageError };

async function runLoop(runner: Runner, jobId: string): Promise<void> {
  const { ctx } = runner;
  const db = await ctx.db();
  for (;;) {
    const job = await db.get('bulkJobs', jobId);
    if (job?.state !== 'running' || runner.stopping.has(jobId)) return;
    const session = await activeSession(ctx);
    if (!session) {
      await pause(runner, jobId, signedOutPause());
      return;
    }
    if (scopeOf(session) !== job.pool) {
      await pause(runner, jobId, { code: 'signed_out', message: t('bulkPausedAccountSwitched') });
      return;
    }
    const rows = (await db.getAllFromIndex('bulkRows', 'byStatus', [jobId, 'pending'], READ_BATCH)) as StoredRow[];
    if (rows.length === 0) {
      const finished = await changeJob(db, jobId, (current) =>
        current.state === 'running'
          ? { ...current, state: 'done', updatedAt: new Date(ctx.now()).toISOString() }
          : current,
      );
      if (finished) announce(runner, finished, true);
      await clearAlarmUnlessRunning(db);
      return;
    }
    let next = 0;
    let halted = false;
    const worker = async () => {
      while (!halted && !runner.stopping.has(jobId)) {
        const row = rows[next++];
        if (!row) return;
        const outcome = await rowWithRetries(runner, job, row);
        if (outcome.kind === 'pause') {
          halted = true;
          await pause(runner, jobId, outcome.reason);
          return;
        }
        const updated = await finishRow(ctx, db, jobId, row.index, outcome);
        if (!updated) continue;
        announce(runner, updated, false);
        const outOfAll = outcome.status === 'insufficientCredits' && (await everyTypeRanOut(ctx, updated));
        if (outOfAll) {
          halted = true;
          await pause(runner, jobId, outOfAll);
          return;
        }
      }
    };
    await Promise.all(Array.from({ length: BULK_CONCURRENCY }, worker));
    if (halted) return;
  }
}

/** One row, tried again after transient server failures; the last failure pauses the job. */
async function rowWithRetries(
  runner: Runner,
  job: BulkJobRecord,
  row: StoredRow,
): Promise<Exclude<RowResult, { kind: 'retry' }>> {
  for (let attempt = 0; ; attempt++) {
    const result = await revealRow(runner, job, row);
    if (result.kind !== 'retry') return result;
    const wait = BACKOFF_MS[attempt];
    if (wait === undefined || runner.stopping.has(job.id)) {
      return {
        kind: 'pause',
        reason: {
          code: result.error.code,
          message: t('bulkPausedServer', BACKOFF_MS.length + 1, result.error.message),
        },
      };
    }
    await runner.ctx.sleep(wait);
  }
}

async function revealRow(runner: Runner, job: BulkJobRecord, row: StoredRow): Promise<RowResult> {
  const { ctx, inFlight } = runner;
  const outcome = await revealLead(
    ctx,
    inFlight,
    { slug: row.slug, types: job.types },
    // Quiet: a push and a badge redraw per row cost about a third of a row's time in the
    // worker (measured: 0.70x against 0.46-0.52x of the API's rate); `announce` tells pages
    // the figures with the progress, a few times a second.
    { pool: job.pool, quiet: true, onCharged: (types) => noteCharged(ctx, job.id, row.index, types) },
  );
  if (!outcome.ok) {
    if (outcome.error.code === 'signed_out') return { kind: 'pause', reason: signedOutPause() };
    if (outcome.error.code === 'bad_message') {
      return { kind: 'done', status: 'error', views: {}, charged: [], error: outcome.error.message };
    }
    return { kind: 'retry', error: outcome.error };
  }
  // The account changed while the request ran: the answer is another pool's.
  if (outcome.data.pool !== job.pool) {
    return { kind: 'pause', reason: { code: 'signed_out', message: t('bulkPausedAccountSwitched') } };
  }
  const views: Partial<Record<RevealType, TypeView>> = {};
  let error: MessageError | undefined;
  for (const type of job.types) {
    const view = outcome.data.lead[type];
    views[type] = view;
    if (view.status !== 'error') continue;
    if (view.code === 'unauthorized' || view.code === 'signed_out') return { kind: 'pause', reason: signedOutPause() };
    if (view.code === 'server_unreachable' || view.code === 'server_error') return { kind: 'retry', error: view };
    error ??= view;
  }
  const statuses = job.types.map((type) => views[type]?.status);
  const status: Exclude<BulkRowStatus, 'pending'> = error
    ? 'error'
    : statuses.includes('insufficientCredits')
      ? 'insufficientCredits'
      : statuses.includes('revealed')
        ? 'revealed'
        : 'notFound';
  const result: RowResult = { kind: 'done', status, views, charged: outcome.data.charged };
  if (error) result.error = error.message;
  return result;
}

function signedOutPause(): MessageError {
  return { code: 'signed_out', message: t('bulkPausedSignedOut') };
}

/**
 * Before the cache records a charged reveal: the row remembers it was charged. Default
 * (relaxed) durability: the commit survives the worker and the browser being stopped; only a
 * power cut could lose it, and then only the job's count of charges is short, never a charge
 * made twice.
 */
async function noteCharged(ctx: BackgroundContext, jobId: string, index: number, types: RevealType[]): Promise<void> {
  const db = await ctx.db();
  const tx = db.transaction('bulkRows', 'readwrite');
  const row = (await tx.store.get([jobId, index])) as StoredRow | undefined;
  if (row?.status === 'pending') {
    const noted: StoredRow = { ...row, noted: union(row.noted ?? [], types) };
    await tx.store.put(noted);
  }
  await tx.done;
}

/**
 * Records a row's result and adds it to the job's counters, in one transaction, only if the
 * row was still pending (a row finished twice counts once). Returns the job, or null when
 * nothing changed.
 */
async function finishRow(
  ctx: BackgroundContext,
  db: Database,
  jobId: string,
  index: number,
  result: Extract<RowResult, { kind: 'done' }>,
): Promise<BulkJobRecord | null> {
  const tx = db.transaction(['bulkJobs', 'bulkRows'], 'readwrite');
  const rows = tx.objectStore('bulkRows');
  const jobs = tx.objectStore('bulkJobs');
  const [row, job] = await Promise.all([rows.get([jobId, index]) as Promise<StoredRow | undefined>, jobs.get(jobId)]);
  if (row?.status !== 'pending' || !job) {
    await tx.done;
    return null;
  }
  // Charged now: what this answer says plus what was noted before a stopped worker lost it,
  // less what an earlier try of this row (before a Resume) already counted.
  const newly = union(row.noted ?? [], result.charged).filter((type) => !row.charged.includes(type));
  const byStatus = (status: TypeView['status']) => job.types.filter((type) => result.views[type]?.status === status);
  const finished: StoredRow = {
    jobId,
    index,
    slug: row.slug,
    status: result.status,
    revealed: byStatus('revealed'),
    charged: union(row.charged, newly),
    notFound: byStatus('notFound'),
    refused: byStatus('insufficientCredits'),
  };
  if (result.error) finished.error = result.error;
  const charged = { ...job.charged };
  for (const type of newly) charged[type] += 1;
  const updated: BulkJobRecord = {
    ...job,
    done: job.done + 1,
    counts: { ...job.counts, [result.status]: job.counts[result.status] + 1 },
    charged,
    updatedAt: new Date(ctx.now()).toISOString(),
  };
  await Promise.all([rows.put(finished), jobs.put(updated), tx.done]);
  return updated;
}

/** The reason to pause when no chosen type has a credit left for this member, else null. */
async function everyTypeRanOut(ctx: BackgroundContext, job: BulkJobRecord): Promise<MessageError | null> {
  const session = await activeSession(ctx);
  if (!session) return null;
  const { balances, limits } = session.account;
  if (job.types.some((type) => spendable(balances, limits, type).remaining > 0)) return null;
  return {
    code: 'insufficient_credits',
    message: t('bulkPausedOutOfCredits', formatList(job.types.map((type) => typeWord(type)))),
  };
}

async function pause(runner: Runner, jobId: string, reason: MessageError): Promise<void> {
  const db = await runner.ctx.db();
  const job = await changeJob(db, jobId, (current) =>
    current.state === 'running'
      ? { ...current, state: 'paused', reason, updatedAt: new Date(runner.ctx.now()).toISOString() }
      : current,
  );
  if (job) announce(runner, job, true);
  await clearAlarmUnlessRunning(db);
}

/** Reads, changes and writes a job in one transaction (counters are written concurrently). */
async function changeJob(
  db: Database,
  jobId: string,
  change: (job: BulkJobRecord) => BulkJobRecord,
): Promise<BulkJobRecord | null> {
  const tx = db.transaction('bulkJobs', 'readwrite');
  const job = await tx.store.get(jobId);
  if (!job) {
    await tx.done;
    return null;
  }
  const changed = change(job);
  if (changed !== job) await tx.store.put(changed);
  await tx.done;
  return changed;
}

/**
 * Tells the pages how the job stands: state changes at once, row progress at most every
 * PROGRESS_INTERVAL_MS (a trailing push carries the last figures).
 */
function announce(runner: Runner, job: BulkJobView, now: boolean): void {
  const at = runner.ctx.now();
  const last = runner.lastPush.get(job.id) ?? 0;
  const send = () => {
    runner.lastPush.set(job.id, runner.ctx.now());
    void push({ leadlensPush: 1, kind: 'bulkProgress', job });
    // The rows' reveals were quiet: the popup, widgets and badge learn the figures here.
    void announceFigures(runner.ctx);
  };
  const pending = runner.trailing.get(job.id);
  if (pending !== undefined) {
    clearTimeout(pending);
    runner.trailing.delete(job.id);
  }
  if (now || at - last >= PROGRESS_INTERVAL_MS) {
    send();
    // The job stopped (done or paused) having revealed leads: the Leads tab reads its list
    // again, once, rather than after every row.
    if (job.state !== 'running' && job.done > 0) void push({ leadlensPush: 1, kind: 'leadsChanged', pool: job.pool });
    return;
  }
  runner.trailing.set(
    job.id,
    setTimeout(
      () => {
        runner.trailing.delete(job.id);
        send();
      },
      PROGRESS_INTERVAL_MS - (at - last),
    ),
  );
}

async function setAlarm(): Promise<void> {
  try {
    await browser.alarms.create(BULK_ALARM, { periodInMinutes: ALARM_PERIOD_MINUTES });
  } catch (error) {
    console.warn('LeadLens: could not set the bulk enrichment alarm', error);
  }
}

async function clearAlarm(): Promise<void> {
  try {
    await browser.alarms.clear(BULK_ALARM);
  } catch (error) {
    console.warn('LeadLens: could not clear the bulk enrichment alarm', error);
  }
}

async function clearAlarmUnlessRunning(db: Database): Promise<void> {
  const jobs = await db.getAll('bulkJobs');
  if (!jobs.some((job) => job.state === 'running')) await clearAlarm();
}

// ---------------------------------------------------------------- views

function viewOfRow(row: StoredRow): BulkRowView {
  const view: BulkRowView = {
    index: row.index,
    slug: row.slug,
    status: row.status,
    revealed: row.revealed,
    charged: row.charged,
  };
  if (row.notFound) view.notFound = row.notFound;
  if (row.refused) view.refused = row.refused;
  if (row.error !== undefined) view.error = row.error;
  return view;
}

function withoutReason(job: BulkJobRecord): BulkJobRecord {
  const rest = { ...job };
  delete rest.reason;
  return rest;
}

function withoutRowError(row: StoredRow): StoredRow {
  const rest = { ...row };
  delete rest.error;
  return rest;
}

function union(a: readonly RevealType[], b: readonly RevealType[]): RevealType[] {
  return REVEAL_TYPES.filter((type) => a.includes(type) || b.includes(type));
}
