/**
 * The reveal path (DESIGN section 2): cache first; for the missing types one
 * `POST /v1/reveals` with an idempotency key persisted before it is sent; the cache written
 * only with what the server confirmed; then the pages are told.
 *
 * Concurrent asks share requests through an in-flight map keyed per (pool, lead, type): a
 * double click or a second tab waits for the request already running, and a request for
 * A+B while A is running waits for A and asks only for B. The map (with automatic
 * discovery's reservations, see `InFlight`) is the worker's only state outside storage; it
 * is lost when the worker stops, and then the persisted idempotency key makes the retry a
 * replay (one charge).
 */
import { t, typeWord } from '../../i18n/messages.ts';
import type { Balances } from '../../shared/api.ts';
import type { RevealType } from '../../shared/credits.ts';
import type { LeadView, MessageError, Reply, RevealOutcome, TypeView } from '../../shared/protocol.ts';
import { spendable } from '../../shared/limits.ts';
import { normalizeSlug } from '../../shared/slug.ts';
import {
  confirmReveal,
  forgetPending,
  idempotencyKeyFor,
  leadViewFrom,
  readLead,
  sortTypes,
  typesKeyOf,
  typeViewOf,
} from './cache.ts';
import type { BackgroundContext } from './context.ts';
import type { CachedType, Database, LeadRecord, PoolScope } from './database.ts';
import { describeError } from './describe-error.ts';
import { push } from './push.ts';
import {
  activeSession,
  apiFor,
  readSession,
  recordBalances,
  refreshAccount,
  scopeOf,
  signedOutError,
  signOutUnauthorized,
  type ActiveSession,
} from './session.ts';
import { profileOf } from './tabs.ts';

/** What one request (or one local decision) found for the types it handled. */
interface JobResult {
  views: Partial<Record<RevealType, TypeView>>;
  /** Balances the server reported, when it answered. */
  balances: Balances | null;
  /** Types the server charged for in this request (R2: not those the pool had paid before). */
  charged: RevealType[];
  warning?: MessageError;
}

/**
 * What this worker is doing right now, the only state it keeps outside storage. Losing it
 * (the worker stopped) costs nothing: the persisted idempotency key makes a retry a replay,
 * and a widget that finds a plan with no work behind it starts the plan again.
 */
export interface InFlight {
  /** Reveal requests running, keyed per (pool, lead, type): concurrent asks join them. */
  jobs: Map<string, Promise<JobResult>>;
  /**
   * Reveals that automatic discovery decided and has not started yet, keyed like `jobs`:
   * they count against the spending guard from the moment they are decided.
   */
  reserved: Set<string>;
  /** Automatic discovery plans running, per tab: the lead each is for. */
  planning: Map<number, string>;
}

export function createInFlight(): InFlight {
  return { jobs: new Map(), reserved: new Set(), planning: new Map() };
}

export function flightKey(pool: PoolScope, slug: string, type: RevealType): string {
  return JSON.stringify([pool, slug, type]);
}

/**
 * Reveals of each type running or decided for `pool` now: each may spend a credit of its
 * type. A reveal both decided and running counts once.
 */
export function inFlightCounts(inFlight: InFlight, pool: PoolScope): Record<RevealType, number> {
  const counts: Record<RevealType, number> = { b2bEmail: 0, phone: 0, directEmail: 0 };
  for (const key of new Set([...inFlight.jobs.keys(), ...inFlight.reserved])) {
    const [keyPool, , type] = JSON.parse(key) as [string, string, RevealType];
    if (keyPool === pool) counts[type] += 1;
  }
  return counts;
}

export interface RevealOptions {
  /**
   * Types the server said this pool already paid for: revealing them is free, so they are
   * asked for even when the last known balance of their type is 0.
   */
  free?: readonly RevealType[];
  /**
   * The pool the caller decided for (automatic discovery): if the user signed in to another
   * account since, nothing is revealed; that plan was made on the other pool's figures.
   */
  pool?: PoolScope;
  /**
   * Called with the types the server charged for, before the cache records them (bulk
   * enrichment notes its charges there: a worker stopped after the cache write would
   * otherwise find the lead cached and never learn it paid for it). Only for a request this
   * call started, not one it joined.
   */
  onCharged?: (types: RevealType[]) => Promise<void>;
  /**
   * Bulk enrichment: no `leadUpdated` push and no figures push or badge per reveal (the
   * caller announces the figures itself, a few times a second). Only for a request this call
   * started; a click joining it is told as usual by its own reply.
   */
  quiet?: boolean;
}

/** A reveal's outcome with what it charged, for callers that count charges (bulk enrichment). */
export interface LeadRevealOutcome extends RevealOutcome {
  /** Types charged by the requests this call made or joined (each at most once, R2). */
  charged: RevealType[];
}

/** Handles `reveal { slug, types }` from the widget in tab `tabId`. */
export async function reveal(
  ctx: BackgroundContext,
  inFlight: InFlight,
  tabId: number | null,
  payload: { slug: string; types: RevealType[] },
  options: RevealOptions = {},
): Promise<Reply<RevealOutcome>> {
  const session = await activeSession(ctx);
  if (!session) return { ok: false, error: signedOutError() };
  const slug = normalizeSlug(payload.slug);
  const profile = tabId === null ? null : await profileOf(tabId);
  if (slug === null || profile?.slug !== slug) {
    return {
      ok: false,
      error: { code: 'no_profile', message: t('errTabLeftProfile') },
    };
  }
  const outcome = await revealFor(ctx, inFlight, session, slug, payload.types, options);
  if (!outcome.ok) return outcome;
  const { slug: revealedSlug, pool, lead, balances, warning } = outcome.data;
  return {
    ok: true,
    data: warning
      ? { slug: revealedSlug, pool, lead, balances, warning }
      : { slug: revealedSlug, pool, lead, balances },
  };
}

/**
 * The reveal path for a lead its caller names itself, with no tab showing it (bulk
 * enrichment): the same cache, in-flight sharing, local refusals and persisted idempotency
 * keys as a click, and the types it charged.
 */
export async function revealLead(
  ctx: BackgroundContext,
  inFlight: InFlight,
  payload: { slug: string; types: RevealType[] },
  options: RevealOptions = {},
): Promise<Reply<LeadRevealOutcome>> {
  const session = await activeSession(ctx);
  if (!session) return { ok: false, error: signedOutError() };
  const slug = normalizeSlug(payload.slug);
  if (slug === null) return { ok: false, error: { code: 'bad_message', message: t('errTabLeftProfile') } };
  return revealFor(ctx, inFlight, session, slug, payload.types, options);
}

async function revealFor(
  ctx: BackgroundContext,
  inFlight: InFlight,
  session: ActiveSession,
  slug: string,
  requested: RevealType[],
  options: RevealOptions,
): Promise<Reply<LeadRevealOutcome>> {
  // The schema refuses repeated types. One order from here on: every request for a set of
  // types has one body and one idempotency key.
  const types = sortTypes(requested);
  const pool = scopeOf(session);
  if (options.pool !== undefined && options.pool !== pool) {
    return {
      ok: false,
      error: {
        code: 'signed_out',
        message: t('errAccountSwitched'),
      },
    };
  }
  const db = await ctx.db();

  // Cache first: types this pool already paid for cost nothing and need no request (R3).
  const cached = await readLeadSafely(db, pool, slug);
  const lead = leadViewFrom(cached);
  const missing = types.filter((type) => !cached?.types[type]);
  if (missing.length === 0)
    return { ok: true, data: { slug, pool, lead, balances: session.account.balances, charged: [] } };

  // From here to the map updates nothing is awaited: checking and claiming a type is atomic.
  const jobs = new Map<RevealType, Promise<JobResult>>();
  const fresh: RevealType[] = [];
  for (const type of missing) {
    const running = inFlight.jobs.get(flightKey(pool, slug, type));
    if (running) jobs.set(type, running);
    else fresh.push(type);
  }
  if (fresh.length > 0) {
    const job = runJob(ctx, session, pool, slug, fresh, options);
    for (const type of fresh) {
      const key = flightKey(pool, slug, type);
      inFlight.jobs.set(key, job);
      jobs.set(type, job);
    }
    // The job never rejects (failures are views), so this chain cannot be an unhandled rejection.
    void job.then(() => {
      for (const type of fresh) {
        const key = flightKey(pool, slug, type);
        if (inFlight.jobs.get(key) === job) inFlight.jobs.delete(key);
      }
    });
  }

  let balances: Balances | null = session.account.balances;
  let warning: MessageError | undefined;
  const charged: RevealType[] = [];
  for (const [type, job] of jobs) {
    const result = await job;
    const view = result.views[type];
    if (view) lead[type] = view;
    if (result.balances) balances = result.balances;
    if (result.charged.includes(type)) charged.push(type);
    warning ??= result.warning;
  }

  // The user may have signed out, or in to another account, while the jobs ran: this answer
  // is the old pool's. Say what holds now instead (the pages reload on `sessionChanged`).
  const after = await readSession(ctx);
  if (after?.state !== 'signedIn') {
    const reason = after?.state === 'signedOut' ? after.reason : null;
    return { ok: false, error: { code: 'signed_out', message: reason?.message ?? signedOutError().message } };
  }
  const afterPool = scopeOf(after);
  if (afterPool !== pool) {
    const now = leadViewFrom(await readLeadSafely(db, afterPool, slug));
    return { ok: true, data: { slug, pool: afterPool, lead: now, balances: after.account.balances, charged: [] } };
  }

  const outcome: LeadRevealOutcome = { slug, pool, lead, balances, charged };
  if (warning) outcome.warning = warning;
  return { ok: true, data: outcome };
}

/**
 * One request for `types` (none of them in flight). Never rejects: every failure becomes an
 * error view, and nothing is cached unless the server confirmed it.
 */
async function runJob(
  ctx: BackgroundContext,
  session: ActiveSession,
  pool: PoolScope,
  slug: string,
  types: RevealType[],
  options: RevealOptions,
): Promise<JobResult> {
  try {
    const db = await ctx.db();
    // Read again: a request that finished between the caller's read and its claim wrote it.
    const cached = await readLeadSafely(db, pool, slug);
    const views: Partial<Record<RevealType, TypeView>> = {};
    let ask: RevealType[] = [];
    for (const type of types) {
      const paid = cached?.types[type];
      if (paid) views[type] = typeViewOf(paid);
      else ask.push(type);
    }
    if (ask.length === 0) return { views, balances: null, charged: [] };

    // Never send a request that must fail (a 0 balance). Balances can grow behind our back
    // (add-ons, renewal), so figures older than balancesMaxAgeMs are read again first (free).
    // A member's own limit (R11) empties a type as surely as the pool does.
    let current = session;
    const paidElsewhere = [...(options.free ?? [])];
    const left = (s: ActiveSession, type: RevealType) => spendable(s.account.balances, s.account.limits, type);
    const zero = (s: ActiveSession) =>
      ask.filter((type) => !paidElsewhere.includes(type) && left(s, type).remaining === 0);
    if (zero(current).length > 0 && ctx.now() - current.balancesAt > ctx.balancesMaxAgeMs) {
      const refreshed = await refreshAccount(ctx, current);
      if (refreshed.ok) current = refreshed.session;
      else if (refreshed.error.code === 'unauthorized')
        return { views: { ...views, ...errorViews(ask, refreshed.error) }, balances: null, charged: [] };
      // Otherwise keep the known 0: with the server unreachable a reveal would fail as well.
    }
    // Data the pool already paid (a teammate, another device, a lost cache) is free whatever
    // is left (R3): before refusing, ask the free availability endpoint what is paid.
    if (zero(current).length > 0) {
      const availability = await apiFor(ctx, current).availability(slug);
      if (availability.ok && normalizeSlug(availability.data.lead) === slug) {
        for (const type of zero(current)) if (availability.data.paid[type]) paidElsewhere.push(type);
      }
    }
    for (const type of zero(current)) views[type] = refusedView(0, left(current, type).memberLimit);
    ask = ask.filter((type) => paidElsewhere.includes(type) || left(current, type).remaining > 0);
    if (ask.length === 0) return { views, balances: current.account.balances, charged: [] };

    // `ask` keeps the sorted order `reveal` gave `types`.
    const typesKey = typesKeyOf(ask);
    let idempotencyKey: string;
    try {
      idempotencyKey = await idempotencyKeyFor(db, pool, slug, typesKey, ctx.newIdempotencyKey, ctx.now);
    } catch (error) {
      // The server's (pool, lead, type) claim still prevents a second charge (R2); only a
      // replay after a worker restart is lost. Not worth refusing the user's reveal.
      console.warn('LeadLens: could not persist the idempotency key', error);
      idempotencyKey = ctx.newIdempotencyKey();
    }

    const answer = await apiFor(ctx, current).reveal(slug, ask, idempotencyKey);
    if (!answer.ok) {
      // Keep the key when the server may have done it: the retry then replays (one charge).
      if (!answer.error.mayHaveCommitted) await forgetPending(db, pool, slug, typesKey).catch(() => undefined);
      if (answer.error.code === 'unauthorized') await signOutUnauthorized(ctx, current, answer.error);
      const error: MessageError = { code: answer.error.code, message: answer.error.message };
      return { views: { ...views, ...errorViews(ask, error) }, balances: null, charged: [] };
    }
    if (normalizeSlug(answer.data.lead) !== slug) {
      const error: MessageError = {
        code: 'server_invalid',
        message: t('errOtherLead', current.serverUrl, answer.data.lead),
      };
      return { views: { ...views, ...errorViews(ask, error) }, balances: null, charged: [] };
    }
    // The answer names the pool that paid. Another than the account's: the workspace moved
    // to a paid plan since the account was read (its members now share one pool). Read the
    // account again and file the answer under the pool that paid it.
    let filedPool = pool;
    if (answer.data.pool !== undefined && answer.data.pool !== current.account.pool.id) {
      const refreshed = await refreshAccount(ctx, current);
      if (!refreshed.ok || refreshed.session.account.pool.id !== answer.data.pool) {
        const error: MessageError = { code: 'server_invalid', message: t('errOtherPool', current.serverUrl) };
        return { views: { ...views, ...errorViews(ask, error) }, balances: null, charged: [] };
      }
      current = refreshed.session;
      filedPool = scopeOf(current);
      await forgetPending(db, pool, slug, typesKey).catch(() => undefined);
    }

    const revealedAt = new Date(ctx.now()).toISOString();
    const revealed: Partial<Record<RevealType, CachedType>> = {};
    const answered: Partial<Record<RevealType, TypeView>> = {};
    const charged: RevealType[] = [];
    for (const type of ask) {
      const result = answer.data.results[type];
      if (!result) {
        answered[type] = {
          status: 'error',
          code: 'server_invalid',
          message: t('errNoAnswerForType', current.serverUrl, typeWord(type)),
        };
      } else if (result.status === 'revealed') {
        const paid: CachedType = { values: result.values, revealedAt };
        revealed[type] = paid;
        answered[type] = typeViewOf(paid);
        if (result.charged) charged.push(type);
      } else if (result.status === 'notFound') {
        answered[type] = { status: 'notFound' };
      } else {
        const memberLimit =
          result.reason === 'memberLimit' ? { limit: result.limit ?? 0, used: result.used ?? 0 } : undefined;
        answered[type] = refusedView(result.remaining, memberLimit);
      }
    }

    if (charged.length > 0 && options.onCharged) {
      await options.onCharged(charged).catch((error: unknown) => {
        console.warn('LeadLens: could not note the charged types', error);
      });
    }
    let warning: MessageError | undefined;
    try {
      await confirmReveal(db, filedPool, slug, typesKey, revealed, ctx.now);
    } catch (error) {
      warning = {
        code: 'storage_failed',
        message: t('errNotSavedLocally', describeError(error)),
      };
    }
    await recordBalances(ctx, current, answer.data.balances, answer.data.limits, options.quiet);

    const lead: LeadView = {
      ...leadViewFrom(await readLeadSafely(db, filedPool, slug)),
      ...withoutErrors(answered),
    };
    if (!options.quiet)
      void push({
        leadlensPush: 1,
        kind: 'leadUpdated',
        pool: filedPool,
        slug,
        lead,
        balances: answer.data.balances,
      });
    const result: JobResult = { views: { ...views, ...answered }, balances: answer.data.balances, charged };
    if (warning) result.warning = warning;
    return result;
  } catch (error) {
    const failure: MessageError = {
      code: 'internal',
      message: t('errRevealFailed', describeError(error)),
    };
    return { views: errorViews(types, failure), balances: null, charged: [] };
  }
}

function refusedView(remaining: number, memberLimit: { limit: number; used: number } | undefined): TypeView {
  return memberLimit
    ? { status: 'insufficientCredits', remaining, memberLimit }
    : { status: 'insufficientCredits', remaining };
}

function errorViews(types: RevealType[], error: MessageError): Partial<Record<RevealType, TypeView>> {
  return Object.fromEntries(types.map((type) => [type, { status: 'error', code: error.code, message: error.message }]));
}

function withoutErrors(views: Partial<Record<RevealType, TypeView>>): Partial<Record<RevealType, TypeView>> {
  return Object.fromEntries(Object.entries(views).filter(([, view]) => view.status !== 'error'));
}

/** A corrupt or unreadable cache costs a request, never a charge (the server replays for free). */
export async function readLeadSafely(db: Database, pool: PoolScope, slug: string): Promise<LeadRecord | undefined> {
  try {
    return await readLead(db, pool, slug);
  } catch (error) {
    console.warn('LeadLens: could not read the cache', error);
    return undefined;
  }
}
