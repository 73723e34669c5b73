/**
 * Sign-in state. The session (server address, API key, account and balances) lives in the
 * background's IndexedDB, which content scripts cannot open. Nothing of it goes to
 * `storage.local`, which content scripts can read; pages get it through `sessionGet`.
 */
import { serverUrlProblemText, t } from '../../i18n/messages.ts';
import type { Balances, MemberLimits } from '../../shared/api.ts';
import { CREDIT_TYPES } from '../../shared/credits.ts';
import { creditTotal } from '../../shared/usage.ts';
import type { MessageError, Push, Reply, SessionView } from '../../shared/protocol.ts';
import { normalizeServerUrl } from '../../shared/server-url.ts';
import { createApiClient, type ApiClient, type ApiFailure } from './api-client.ts';
import { updateBadge } from './badge.ts';
import type { BackgroundContext } from './context.ts';
import { poolScope, type PoolScope, type SessionRecord } from './database.ts';
import { describeError } from './describe-error.ts';
import { push } from './push.ts';

export type ActiveSession = Extract<SessionRecord, { state: 'signedIn' }>;

export async function readSession(ctx: BackgroundContext): Promise<SessionRecord | undefined> {
  const db = await ctx.db();
  return db.get('session', 'current');
}

export async function activeSession(ctx: BackgroundContext): Promise<ActiveSession | null> {
  const record = await readSession(ctx);
  return record?.state === 'signedIn' ? record : null;
}

export function viewOf(record: SessionRecord | undefined | null): SessionView {
  if (!record) return { signedIn: false };
  if (record.state === 'signedIn') {
    return {
      signedIn: true,
      serverUrl: record.serverUrl,
      account: record.account,
      pool: scopeOf(record),
    };
  }
  return record.reason ? { signedIn: false, reason: record.reason } : { signedIn: false };
}

/** The cache scope of a session's pool. */
export function scopeOf(session: Pick<ActiveSession, 'serverUrl' | 'account'>): PoolScope {
  return poolScope(session.serverUrl, session.account.pool.id);
}

export function apiFor(ctx: BackgroundContext, session: Pick<ActiveSession, 'serverUrl' | 'apiKey'>): ApiClient {
  return createApiClient({
    serverUrl: session.serverUrl,
    apiKey: session.apiKey,
    fetch: ctx.fetch,
    timeoutMs: ctx.timeoutMs,
    sleep: ctx.sleep,
  });
}

/** A function, not a constant: its words are read in the browser's language when needed. */
export function signedOutError(): MessageError {
  return { code: 'signed_out', message: t('errSignedOut') };
}

export async function signIn(ctx: BackgroundContext, rawUrl: string, rawKey: string): Promise<Reply<SessionView>> {
  const server = normalizeServerUrl(rawUrl);
  if (!server.ok)
    return { ok: false, error: { code: 'bad_server_url', message: serverUrlProblemText(server.problem) } };
  // The manifest grants local hosts; any other (https) host is an optional permission the
  // options page asks for in its click handler before it sends signIn.
  if (!server.grantedByManifest && !(await ctx.hasHostPermission(server.permissionPattern))) {
    return {
      ok: false,
      error: {
        code: 'permission_denied',
        message: t('errNotAllowed', server.origin),
      },
    };
  }
  const apiKey = rawKey.trim();
  const account = await apiFor(ctx, { serverUrl: server.url, apiKey }).account();
  if (!account.ok) {
    const error: MessageError =
      account.error.code === 'unauthorized'
        ? {
            code: 'unauthorized',
            message: t('errKeyRefused', server.url),
          }
        : { code: account.error.code, message: account.error.message };
    return { ok: false, error };
  }
  const record: ActiveSession = {
    id: 'current',
    state: 'signedIn',
    serverUrl: server.url,
    apiKey,
    account: account.data,
    balancesAt: ctx.now(),
  };
  try {
    await writeSession(ctx, record);
  } catch (error) {
    return {
      ok: false,
      error: {
        code: 'storage_failed',
        message: t('errSessionNotSaved', describeError(error)),
      },
    };
  }
  const view = viewOf(record);
  void push({ leadlensPush: 1, kind: 'sessionChanged', session: view });
  void updateBadge(ctx, record);
  return { ok: true, data: view };
}

/** Signs out. The cache stays: it is keyed by pool, so no other account sees it as paid. */
export async function signOut(
  ctx: BackgroundContext,
  reason: { code: 'unauthorized'; message: string } | null = null,
): Promise<SessionView> {
  const record: SessionRecord = { id: 'current', state: 'signedOut', reason };
  await writeSession(ctx, record);
  const view = viewOf(record);
  void push({ leadlensPush: 1, kind: 'sessionChanged', session: view });
  void updateBadge(ctx, record);
  return view;
}

/**
 * Reads the account again (free). A 401 means the key was revoked: the user is signed out
 * with the reason, so every page says to sign in again instead of failing request by request.
 */
export async function refreshAccount(
  ctx: BackgroundContext,
  session: ActiveSession,
): Promise<{ ok: true; session: ActiveSession } | { ok: false; error: ApiFailure }> {
  const startedAt = ctx.now();
  const account = await apiFor(ctx, session).account();
  if (!account.ok) {
    if (account.error.code === 'unauthorized') await signOutUnauthorized(ctx, session, account.error);
    return account;
  }
  let identityChanged = false;
  const updated = await updateSession(ctx, session, (current) => {
    identityChanged =
      JSON.stringify({ ...current.account, balances: null, limits: null }) !==
      JSON.stringify({ ...account.data, balances: null, limits: null });
    // A reveal answered while this read was on its way: its figures may be newer than these.
    if (current.balancesAt > startedAt)
      return {
        ...current,
        account: { ...account.data, balances: current.account.balances, limits: current.account.limits },
      };
    return { ...current, account: account.data, balancesAt: ctx.now() };
  });
  if (updated) {
    // Only the figures moved (balances, the member's usage under their limits): pages update
    // them in place; a widget reloads only when the account itself changed (plan, workspace,
    // renewal date).
    if (identityChanged) void push({ leadlensPush: 1, kind: 'sessionChanged', session: viewOf(updated) });
    else void push(figuresPush(updated));
    void updateBadge(ctx, updated);
  }
  return { ok: true, session: updated ?? session };
}

/**
 * Balances as the server reported them after a reveal: stored, then every page (popup,
 * widgets in all tabs) and the badge are told. Answers to concurrent reveals can arrive out
 * of order, so within one period a type keeps the lower figure of the two (credits only go
 * down between renewals, except add-ons, which change the total and are taken as given).
 */
export async function recordBalances(
  ctx: BackgroundContext,
  session: ActiveSession,
  balances: Balances,
  limits?: MemberLimits,
  /**
   * Stored, but pages and the badge are not told: the caller tells them itself, less often
   * (bulk enrichment, whose rows would otherwise send a push and redraw the badge each).
   */
  quiet = false,
): Promise<void> {
  const updated = await updateSession(ctx, session, (current) => {
    const account = { ...current.account, balances: newerBalances(current.account, balances, ctx.now()) };
    // Answers replayed from before limits existed carry none: keep what the account said.
    if (limits) account.limits = newerLimits(current.account, limits, ctx.now());
    return { ...current, account, balancesAt: ctx.now() };
  });
  if (!updated || quiet) return;
  void push(figuresPush(updated));
  void updateBadge(ctx, updated);
}

/** Tells pages and the badge the stored figures (after quiet `recordBalances` calls). */
export async function announceFigures(ctx: BackgroundContext): Promise<void> {
  const session = await activeSession(ctx);
  if (!session) return;
  void push(figuresPush(session));
  void updateBadge(ctx, session);
}

function figuresPush(session: ActiveSession): Push {
  const figures: Push = {
    leadlensPush: 1,
    kind: 'balancesChanged',
    pool: scopeOf(session),
    balances: session.account.balances,
  };
  return session.account.limits ? { ...figures, limits: session.account.limits } : figures;
}

/** As `newerBalances`: within one period, under the same limit, usage only goes up. */
function newerLimits(known: ActiveSession['account'], incoming: MemberLimits, now: number): MemberLimits {
  if (now >= Date.parse(known.workspace.renewsAt) || !known.limits) return incoming;
  const merged: MemberLimits = { ...incoming };
  for (const type of CREDIT_TYPES) {
    const before = known.limits[type];
    const after = incoming[type];
    if (before && after && before.limit === after.limit && before.used > after.used) merged[type] = before;
  }
  return merged;
}

function newerBalances(known: ActiveSession['account'], incoming: Balances, now: number): Balances {
  // Past the renewal date the period turned: the server's figures start the new one.
  if (now >= Date.parse(known.workspace.renewsAt)) return incoming;
  const merged = { ...incoming };
  for (const type of CREDIT_TYPES) {
    const before = known.balances[type];
    const after = incoming[type];
    const sameTotal = creditTotal(before) === creditTotal(after);
    if (sameTotal && before.remaining < after.remaining) merged[type] = before;
  }
  return merged;
}

export async function signOutUnauthorized(
  ctx: BackgroundContext,
  session: ActiveSession,
  error: MessageError,
): Promise<void> {
  // Only if the refused key is still the one in use (the user may have signed in again since).
  const current = await activeSession(ctx);
  if (current?.apiKey !== session.apiKey || current.serverUrl !== session.serverUrl) return;
  await signOut(ctx, { code: 'unauthorized', message: error.message });
}

async function writeSession(ctx: BackgroundContext, record: SessionRecord): Promise<void> {
  const db = await ctx.db();
  await db.put('session', record);
}

/**
 * Changes the stored session if it is still the one `session` was read from (same server,
 * same key): a sign-out or another sign-in in the meantime wins.
 */
async function updateSession(
  ctx: BackgroundContext,
  session: ActiveSession,
  change: (current: ActiveSession) => ActiveSession,
): Promise<ActiveSession | null> {
  const db = await ctx.db();
  const tx = db.transaction('session', 'readwrite', { durability: 'strict' });
  let updated: ActiveSession | null = null;
  try {
    const current = await tx.store.get('current');
    if (current?.state === 'signedIn' && current.apiKey === session.apiKey && current.serverUrl === session.serverUrl) {
      updated = change(current);
      await tx.store.put(updated);
    }
    await tx.done;
  } catch (error) {
    // Balances are a display figure the next answer corrects; keep going with the old ones.
    tx.done.catch(() => undefined);
    console.warn('LeadLens: could not update the stored balances', error);
    return null;
  }
  return updated;
}
