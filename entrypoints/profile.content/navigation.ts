/**
 * Follows the tab from page to page: tells the background which lead the page shows, and
 * mounts the widget only once the background holds that lead (the widget asks for its lead
 * by tab). Apart from the WXT wiring in index.ts so tests drive it with a fake `send`, a
 * fake widget and a test document.
 */
import type { Send } from '../../messaging/client.ts';
import { pageSlug, parseProfile, renderedName } from './parse.ts';

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
  /** How long to wait for a profile that renders late before reading what is there. */
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
  /** The name last read from a rendered top card, and its slug. */
  let shown: { slug: string; name: string } | null = null;
  /** Bumped on every navigation, so a slower earlier one never mounts over a later one. */
  let navigation = 0;
  /** After an in-page navigation the title and og:title may still be the first page's. */
  let afterNavigation = false;

  const go = async (url: string, staleName: string | null) => {
    const slug = pageSlug(url);
    // A sub-page of the same profile (/in/x/details/…) is the same lead: keep the widget.
    if (slug === current && slug === page) return;
    const mine = ++navigation;
    // Leaving a profile: the background must stop serving its lead at once, not when the
    // next page has rendered.
    const left = page !== null && page !== slug ? send('profileLeft', {}) : null;
    page = current = slug;
    widget.remove();
    if (slug === null) return;

    await rendered(doc, ctx, staleName, renderTimeoutMs);
    if (mine !== navigation || ctx.isInvalid) return;
    const name = renderedName(doc);
    // Timed out with the left page's top card still on screen: nothing on it is this lead's,
    // so read an empty page (every field null and listed as unreadable; the slug still counts).
    const stale = name !== null && name === staleName;
    const parsed = parseProfile(stale ? doc.implementation.createHTMLDocument() : doc, url, { afterNavigation });
    if (!parsed.ok) return;
    const profile = parsed.profile;
    if (name !== null && !stale) shown = { slug, name };
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
    widget.mount();
  };

  return {
    start: (url) => go(url, null),
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
 * Resolves when the top card shows a name other than `staleName` (the page being left), or
 * after `timeoutMs`, or when the script is invalidated. A MutationObserver, not a polling loop.
 */
async function rendered(doc: Document, ctx: Lifetime, staleName: string | null, timeoutMs: number): Promise<void> {
  const ready = () => {
    const name = renderedName(doc);
    return name !== null && name !== staleName;
  };
  if (ready()) return;
  await new Promise<void>((resolve) => {
    const observer = new MutationObserver(() => {
      if (ready()) done();
    });
    const timer = setTimeout(done, timeoutMs);
    const stopWaiting = ctx.onInvalidated(done);
    function done() {
      observer.disconnect();
      clearTimeout(timer);
      stopWaiting();
      resolve();
    }
    observer.observe(doc.documentElement, { childList: true, subtree: true, characterData: true });
  });
}
