/**
 * On LinkedIn: reads the profile the page shows and mounts the LeadLens widget beside it.
 * Runs on every LinkedIn page so that in-page navigation from the feed to a profile is
 * followed, but acts only on /in/<slug> pages. Small on purpose: no UI framework, no zod.
 * It never sees contact data: the widget is an extension page in an iframe that asks the
 * background for its lead by tab, never this script or the page.
 */
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { createIframeUi, type IframeContentScriptUi } from 'wxt/utils/content-script-ui/iframe';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { send } from '../../messaging/client.ts';
import { canonicalSlug } from '../../shared/slug.ts';
import { parseProfile, renderedName } from './parse.ts';

/** How long to wait for a profile that renders late before reading what is there. */
const RENDER_TIMEOUT_MS = 4000;
/** Marks the widget's wrapper, so a leftover from an older copy of this script is found. */
const WIDGET_MARK = 'data-leadlens-widget';

export default defineContentScript({
  matches: ['https://www.linkedin.com/*'],
  runAt: 'document_idle',
  // The page has no business knowing that LeadLens runs (DESIGN: no postMessage with the page).
  noScriptStartedPostMessage: true,
  // The widget styles itself inside its frame; nothing is injected into the page.
  cssInjectionMode: 'manual',

  main(ctx) {
    const widget = widgetSlot(ctx);
    /** The slug shown (or being read); null away from profiles. */
    let current: string | null = null;
    /** Bumped on every navigation, so a slower earlier one never mounts over a later one. */
    let navigation = 0;

    const follow = async (url: string, staleName: string | null) => {
      const slug = canonicalSlug(url);
      // A sub-page of the same profile (/in/x/details/…) is the same lead: keep the widget.
      if (slug === current) return;
      const mine = ++navigation;
      const wasProfile = current !== null;
      current = slug;
      widget.remove();
      if (slug === null) {
        if (wasProfile) void send('profileLeft', {});
        return;
      }

      await profileRendered(ctx, staleName);
      if (mine !== navigation || ctx.isInvalid) return;
      const parsed = parseProfile(document, url);
      if (!parsed.ok) return;
      if (parsed.profile.unreadable.length > 0) {
        console.debug('[LeadLens] could not read from this page:', parsed.profile.unreadable.join(', '));
      }
      await send('profileSeen', { profile: parsed.profile });
      // The widget asks the background for its lead, so it mounts after the background knows it.
      if (mine !== navigation || ctx.isInvalid) return;
      widget.mount();
    };

    ctx.addEventListener(window, 'wxt:locationchange', (event) => {
      // Fired as the navigation starts: the name on screen now belongs to the page being left.
      void follow(event.newUrl.href, renderedName(document));
    });
    void follow(location.href, null);
  },
});

/** At most one widget on the page: mounting replaces, removing is idempotent. */
function widgetSlot(ctx: ContentScriptContext) {
  let ui: IframeContentScriptUi<void> | null = null;
  const remove = () => {
    ui?.remove();
    ui = null;
  };
  return {
    remove,
    mount() {
      remove();
      for (const stray of document.querySelectorAll(`[${WIDGET_MARK}]`)) stray.remove();
      ui = createIframeUi(ctx, {
        page: '/widget.html',
        // Positioned by hand: fixed on the right edge, so the page's layout does not move.
        position: 'inline',
        anchor: 'body',
        append: 'last',
        onBeforeMount: (wrapper, iframe) => {
          wrapper.setAttribute(WIDGET_MARK, '');
          setStyles(wrapper, {
            position: 'fixed',
            top: '72px',
            right: '16px',
            width: '320px',
            height: '440px',
            'max-height': 'calc(100vh - 88px)',
            margin: '0',
            padding: '0',
            'z-index': '2147483646',
            border: '1px solid rgba(0, 0, 0, 0.18)',
            'border-radius': '10px',
            overflow: 'hidden',
            'box-shadow': '0 4px 18px rgba(0, 0, 0, 0.18)',
            background: 'transparent',
            display: 'block',
          });
          setStyles(iframe, {
            display: 'block',
            width: '100%',
            height: '100%',
            border: '0',
            margin: '0',
            'color-scheme': 'normal',
          });
          iframe.title = 'LeadLens';
          // Copy buttons write to the clipboard from inside the frame.
          iframe.allow = 'clipboard-write';
        },
      });
      ui.mount();
    },
  };
}

/** Inline and !important: the page's own style sheets must not move or hide the widget. */
function setStyles(element: HTMLElement, styles: Record<string, string>): void {
  for (const [name, value] of Object.entries(styles)) element.style.setProperty(name, value, 'important');
}

/**
 * Resolves when the profile's top card shows a name other than `staleName` (the page being
 * left), or after RENDER_TIMEOUT_MS, or when the script is invalidated. A MutationObserver
 * tied to ctx, not a polling loop.
 */
function profileRendered(ctx: ContentScriptContext, staleName: string | null): Promise<void> {
  const ready = () => {
    const name = renderedName(document);
    return name !== null && name !== staleName;
  };
  if (ready()) return Promise.resolve();
  return new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (ready()) done();
    });
    const timer = setTimeout(() => done(), RENDER_TIMEOUT_MS);
    const stopWaiting = ctx.onInvalidated(() => done());
    function done() {
      observer.disconnect();
      clearTimeout(timer);
      stopWaiting();
      resolve();
    }
    observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
  });
}
