/**
 * Follows the tab from page to page: tells the background which lead the page shows, and
 * mounts the widget only once the background holds that lead (the widget asks for its lead
 * by tab). Apart from the WXT wiring in index.ts so tests drive it with a fake `send`, a
 * fake widget and a test document.
 *
 * When the page can be read:
 * - A document loaded for this very address (the first look, or a back/forward restore with
 *   no in-page navigation before it) holds nothing of another lead. It is read at once when
 *   the top card shows a name, or when its structured data, og:title or title names the lead,
 *   or when the address is a sub-page (/details/…, /overlay/…) that may never show a top card.
 * - After an in-page navigation (even one made before the script started) the screen, title
 *   and og:title may still be the previous lead's. It is read once a top card shows that is
 *   provably the new page's: a name other than the one on screen when the navigation started,
 *   or a contact-info link to this lead (two leads with the same name). Else it is read after
 *   `renderTimeoutMs`, and a top card still showing the previous name is not read at all.
 * - A reading made without the page's own top card (title, structured data, a sub-page, the
 *   timeout) is thin: the follower keeps watching for that top card for `renderTimeoutMs`,
 *   and on a later move to another page of the same lead, and sends the richer reading.
 */
import type { Send } from '../../messaging/client.ts';
import type { ProfileSnapshot } from '../../shared/profile.ts';
import { canonicalSlug } from '../../shared/slug.ts';
import { pageSlug, parseProfile, renderedName } from './parse.ts';
import { CONTACT_INFO_LINK } from './selectors.ts';

/** At most one widget: mounting replaces, removing is idempotent. */
export interface WidgetSlot {
  mount(): void;
  remove(): void;
}

/** What is needed of WXT's ContentScriptContext (which fits as is). */
export interface Lifetime {
  readonly isInvalid: boolean;
  onInvalidated(callback: () => void): () => void;
}

export interface FollowerOptions {
  send: Send;
  widget: WidgetSlot;
  doc: Document;
  ctx: Lifetime;
  /**
   * How long to wait for a top card that renders late: before reading an in-page navigation's
   * page from its address alone, and after a thin reading, for a richer one.
   */
  renderTimeoutMs?: number;
}

export interface Follower {
  /** The first look at the page, as the script starts. */
  start(url: string): Promise<void>;
  /** An in-page navigation to `url` starts: the page on screen is still the one being left. */
  navigate(url: string): Promise<void>;
  /** The page came back from the back/forward cache. */
  restored(url: string): Promise<void>;
}

export function createFollower({ send, widget, doc, ctx, renderTimeoutMs = 4000 }: FollowerOptions): Follower {
  /** The slug whose widget is shown or being read; null away from profiles or after a failure. */
  let current: string | null = null;
  /** The slug of the page followed, whatever became of its reading. */
  let page: string | null = null;
  /** What the background acknowledged for `current`; null while it is read or sent. */
  let held: ProfileSnapshot | null = null;
  /** The name last read from a rendered top card, and its slug. */
  let shown: { slug: string; name: string } | null = null;
  /** Bumped on every navigation, so a slower earlier one never mounts over a later one. */
  let navigation = 0;
  /** After an in-page navigation the title and og:title may still be the first page's. */
  let afterNavigation = false;

  const go = async (url: string, staleName: string | null) => {
    const slug = pageSlug(url);
    if (slug !== null && slug === current && slug === page) {
      // A sub-page of the same profile (/in/x/details/…), a hash, a query: the same lead, so
      // the widget stays. Only a thin reading is worth another look (a sub-page's snapshot,
      // then the main page's top card). While the first reading is under way (held null),
      // that reading will see the top card itself.
      if (held !== null && held.unreadable.length > 0) await enrich(++navigation, url, slug, staleName);
      return;
    }
    const mine = ++navigation;
    // Leaving a profile: the background must stop serving its lead at once, not when the
    // next page has rendered.
    const left = page !== null && page !== slug ? send('profileLeft', {}) : null;
    page = current = slug;
    held = null;
    widget.remove();
    if (slug === null) return;

    // Only a document loaded for this address may be read from its title or structured data.
    const ownDocument = !afterNavigation;
    await until(
      doc,
      ctx,
      renderTimeoutMs,
      (headChanged) => ownTopCard(doc, slug, staleName) || (ownDocument && headChanged && identifiesLead(doc, url)),
    );
    if (mine !== navigation || ctx.isInvalid) return;
    const fromCard = ownTopCard(doc, slug, staleName);
    const name = renderedName(doc);
    // Timed out with the left page's top card still on screen: nothing on it is this lead's,
    // so read an empty page (every field null and listed as unreadable; the slug still counts).
    const stale = !fromCard && name !== null;
    const parsed = parseProfile(stale ? doc.implementation.createHTMLDocument() : doc, url, { afterNavigation });
    if (!parsed.ok) return;
    const profile = parsed.profile;
    if (fromCard && name !== null) shown = { slug, name };
    if (profile.unreadable.length > 0) {
      console.debug('[LeadLens] unreadable:', profile.unreadable);
    }
    await left;
    const reply = await send('profileSeen', { profile });
    if (mine !== navigation || ctx.isInvalid) return;
    if (!reply.ok) {
      // Not mounted: the background may hold another lead for this tab. A later navigation
      // (even to a sub-page of this lead) or a restore tries again.
      current = null;
      console.debug('[LeadLens] profileSeen failed:', reply.error.message);
      return;
    }
    held = profile;
    widget.mount();
    // Read without the page's own top card: it may still render (a skeleton on first load).
    if (!fromCard && profile.unreadable.length > 0) await enrich(mine, url, slug, staleName);
  };

  /**
   * Waits for the page's own top card and, if it tells more than the background holds for
   * this lead, sends it. The widget stays mounted: the background tells it the profile changed.
   */
  const enrich = async (mine: number, url: string, slug: string, staleName: string | null) => {
    const found = await until(doc, ctx, renderTimeoutMs, () => ownTopCard(doc, slug, staleName));
    if (!found || mine !== navigation || ctx.isInvalid) return;
    const name = renderedName(doc);
    const parsed = parseProfile(doc, url, { afterNavigation });
    if (!parsed.ok || held === null || name === null) return;
    const profile = parsed.profile;
    shown = { slug, name };
    if (profile.unreadable.length >= held.unreadable.length) return;
    const reply = await send('profileSeen', { profile });
    if (mine !== navigation || ctx.isInvalid) return;
    // A failure leaves the thinner snapshot of the same lead in the background: still right.
    if (reply.ok) held = profile;
    else console.debug('[LeadLens] profileSeen failed:', reply.error.message);
  };

  return {
    start(url) {
      // The document was loaded for another page and the site moved on before this script
      // ran (it runs once the page is idle): as after any in-page navigation, its title and
      // og:title may be the first page's.
      const loadedAt = doc.defaultView?.performance.getEntriesByType('navigation')[0]?.name;
      if (loadedAt !== undefined && pageSlug(loadedAt) !== pageSlug(url)) afterNavigation = true;
      return go(url, null);
    },
    navigate(url) {
      afterNavigation = true;
      // The name on screen belongs to the page being left, unless it was read for the very
      // lead being navigated to (A → B → A before B rendered).
      const name = renderedName(doc);
      return go(url, shown?.name === name && shown.slug === pageSlug(url) ? null : name);
    },
    restored(url) {
      // The background may hold the other page's lead for this tab: say this page again
      // (after a profileLeft) before a widget is usable.
      current = null;
      page = ''; // never a slug: makes go() send profileLeft first
      return go(url, null);
    },
  };
}

/**
 * Whether the top card on screen is the page's own: it shows a name, and that name is not
 * `staleName` (the one on screen when the navigation started), or the card links the contact
 * info of this very lead. The link tells apart two leads with the same displayed name; a
 * limited profile ("LinkedIn Member") shows none, so two of those in a row still wait.
 */
function ownTopCard(doc: Document, slug: string, staleName: string | null): boolean {
  const name = renderedName(doc);
  if (name === null) return false;
  if (name !== staleName) return true;
  for (const link of doc.querySelectorAll(CONTACT_INFO_LINK)) {
    const href = link.getAttribute('href');
    if (href !== null && canonicalSlug(href) === slug) return true;
  }
  return false;
}

/**
 * Whether a document loaded for `url` names its lead without a top card: structured data or
 * a title with the lead's name, or a sub-page address (the experience list has no top card).
 */
function identifiesLead(doc: Document, url: string): boolean {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return false;
  }
  if (/^\/in\/[^/]+\/[^/]/.test(path)) return true;
  const parsed = parseProfile(doc, url);
  return parsed.ok && parsed.profile.name !== null;
}

/**
 * Resolves true as soon as `ready` holds, false after `timeoutMs` or when the script is
 * invalidated. A MutationObserver, not a polling loop. `ready` learns whether the document's
 * head changed (or it is the first look): what only the head holds (the title, og:title,
 * structured data) need not be read again on every change of the body.
 */
async function until(
  doc: Document,
  ctx: Lifetime,
  timeoutMs: number,
  ready: (headChanged: boolean) => boolean,
): Promise<boolean> {
  if (ready(true)) return true;
  if (ctx.isInvalid) return false;
  return new Promise<boolean>((resolve) => {
    const observer = new MutationObserver((records) => {
      const head = doc.head;
      if (ready(head !== null && records.some((record) => head.contains(record.target)))) done(true);
    });
    const timer = setTimeout(() => done(false), timeoutMs);
    const stopWaiting = ctx.onInvalidated(() => done(false));
    function done(result: boolean) {
      observer.disconnect();
      clearTimeout(timer);
      stopWaiting();
      resolve(result);
    }
    observer.observe(doc.documentElement, { childList: true, subtree: true, characterData: true });
  });
}
