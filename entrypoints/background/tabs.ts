/**
 * What each tab shows, as its content script last reported it, and what automatic
 * discovery did for that lead there. Kept in `storage.session`: it survives the worker being
 * stopped, dies with the browser session, and content scripts cannot read it (its default
 * access level is trusted contexts only).
 */
import { browser } from 'wxt/browser';
import type { DiscoveryView } from '../../shared/discovery.ts';
import type { ProfileSnapshot } from '../../shared/profile.ts';
import { ProfileSnapshotSchema, type LeadView, type PoolScope, type WidgetState } from '../../shared/protocol.ts';
import { leadViewFrom, readLead } from './cache.ts';
import type { BackgroundContext } from './context.ts';
import { poolScope } from './database.ts';
import { push } from './push.ts';
import { readSession, viewOf } from './session.ts';
import { readSettings } from './settings.ts';

function profileKey(tabId: number): string {
  return `tabProfile:${tabId}`;
}

function discoveryKey(tabId: number): string {
  return `tabDiscovery:${tabId}`;
}

/** Automatic discovery's view of one lead in one tab, with what it belongs to. */
interface TabDiscovery {
  pool: PoolScope;
  slug: string;
  view: DiscoveryView;
}

/**
 * Records the profile tab `tabId` shows. Answers whether it is another lead than the tab
 * held: the same lead read again (a richer reading of the page, a sub-page) keeps its plan.
 */
export async function rememberProfile(tabId: number, profile: ProfileSnapshot): Promise<boolean> {
  const newLead = (await profileOf(tabId))?.slug !== profile.slug;
  // A new lead starts without a plan: the previous lead's costs must not show for it.
  if (newLead) await browser.storage.session.remove(discoveryKey(tabId));
  await browser.storage.session.set({ [profileKey(tabId)]: profile });
  void push({ leadlensPush: 1, kind: 'tabProfileChanged', tabId });
  return newLead;
}

export async function forgetTab(tabId: number): Promise<void> {
  await browser.storage.session.remove([profileKey(tabId), discoveryKey(tabId)]);
  void push({ leadlensPush: 1, kind: 'tabProfileChanged', tabId });
}

export async function profileOf(tabId: number): Promise<ProfileSnapshot | null> {
  const key = profileKey(tabId);
  const stored = (await browser.storage.session.get(key))[key];
  const parsed = ProfileSnapshotSchema.safeParse(stored);
  return parsed.success ? parsed.data : null;
}

/**
 * Records discovery's view for the lead `slug` in tab `tabId` and tells the tab's widget,
 * unless the tab has moved on to another profile meanwhile (then the view is nobody's).
 */
export async function recordDiscovery(
  tabId: number,
  pool: PoolScope,
  slug: string,
  view: DiscoveryView,
): Promise<boolean> {
  if ((await profileOf(tabId))?.slug !== slug) return false;
  const record: TabDiscovery = { pool, slug, view };
  await browser.storage.session.set({ [discoveryKey(tabId)]: record });
  void push({ leadlensPush: 1, kind: 'discoveryUpdated', tabId, pool, slug, discovery: view });
  return true;
}

async function discoveryOf(tabId: number, pool: PoolScope, slug: string): Promise<DiscoveryView | null> {
  const key = discoveryKey(tabId);
  const stored = (await browser.storage.session.get(key))[key] as TabDiscovery | undefined;
  // Written only by recordDiscovery in this extension; the pool and slug must still match.
  return stored?.pool === pool && stored.slug === slug ? stored.view : null;
}

/**
 * What a widget shows when it opens: its tab's profile, the session, the lead with the types
 * this pool already paid (from the cache, with no network call), the last known balances,
 * the settings and what automatic discovery did for this lead so far.
 */
export async function widgetState(ctx: BackgroundContext, tabId: number): Promise<WidgetState> {
  const [profile, session, settings] = await Promise.all([profileOf(tabId), readSession(ctx), readSettings()]);
  const view = viewOf(session);
  if (session?.state !== 'signedIn') {
    return { tabId, profile, session: view, pool: null, lead: null, balances: null, settings, discovery: null };
  }
  const pool = poolScope(session.serverUrl, session.account.pool.id);
  let lead: LeadView | null = null;
  let discovery: DiscoveryView | null = null;
  if (profile) {
    [lead, discovery] = await Promise.all([
      readLead(await ctx.db(), pool, profile.slug).then(leadViewFrom),
      discoveryOf(tabId, pool, profile.slug),
    ]);
  }
  return { tabId, profile, session: view, pool, lead, balances: session.account.balances, settings, discovery };
}
