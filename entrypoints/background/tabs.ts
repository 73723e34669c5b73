/**
 * The profile each tab shows, as its content script last reported it. Kept in
 * `storage.session`: it survives the worker being stopped, dies with the browser session,
 * and content scripts cannot read it (its default access level is trusted contexts only).
 */
import { browser } from 'wxt/browser';
import type { ProfileSnapshot } from '../../shared/profile.ts';
import { ProfileSnapshotSchema, type LeadView, type WidgetState } from '../../shared/protocol.ts';
import { leadViewFrom, readLead } from './cache.ts';
import type { BackgroundContext } from './context.ts';
import { poolScope } from './database.ts';
import { push } from './push.ts';
import { readSession, viewOf } from './session.ts';

function keyOf(tabId: number): string {
  return `tabProfile:${tabId}`;
}

export async function rememberProfile(tabId: number, profile: ProfileSnapshot): Promise<void> {
  await browser.storage.session.set({ [keyOf(tabId)]: profile });
  void push({ leadlensPush: 1, kind: 'tabProfileChanged', tabId });
}

export async function forgetTab(tabId: number): Promise<void> {
  await browser.storage.session.remove(keyOf(tabId));
  void push({ leadlensPush: 1, kind: 'tabProfileChanged', tabId });
}

export async function profileOf(tabId: number): Promise<ProfileSnapshot | null> {
  const key = keyOf(tabId);
  const stored = (await browser.storage.session.get(key))[key];
  const parsed = ProfileSnapshotSchema.safeParse(stored);
  return parsed.success ? parsed.data : null;
}

/**
 * What a widget shows when it opens: its tab's profile, the session, the lead with the types
 * this pool already paid (from the cache, with no network call) and the last known balances.
 */
export async function widgetState(ctx: BackgroundContext, tabId: number): Promise<WidgetState> {
  const [profile, session] = await Promise.all([profileOf(tabId), readSession(ctx)]);
  const view = viewOf(session);
  if (session?.state !== 'signedIn') return { tabId, profile, session: view, pool: null, lead: null, balances: null };
  const pool = poolScope(session.serverUrl, session.account.pool.id);
  let lead: LeadView | null = null;
  if (profile) lead = leadViewFrom(await readLead(await ctx.db(), pool, profile.slug));
  return { tabId, profile, session: view, pool, lead, balances: session.account.balances };
}
