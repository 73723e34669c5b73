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
import { createFollower, type WidgetSlot } from './navigation.ts';

/** Marks the widget's wrapper, so a leftover from an older copy of this script is found. */
const WIDGET_MARK = 'data-leadlens-widget';

export default defineContentScript({
  matches: ['https://www.linkedin.com/*'],
  // The page has no business knowing that LeadLens runs (DESIGN: no postMessage with the page).
  noScriptStartedPostMessage: true,
  // The widget styles itself inside its frame; nothing is injected into the page.
  cssInjectionMode: 'manual',

  main(ctx) {
    const follower = createFollower({ send, widget: widgetSlot(ctx), doc: document, ctx });
    // Fired as the navigation starts: the page on screen is still the one being left.
    ctx.addEventListener(window, 'wxt:locationchange', (event) => void follower.navigate(event.newUrl.href));
    // Restored from the back/forward cache: the background may hold the other page's lead.
    ctx.addEventListener(window, 'pageshow', (event) => {
      if (event.persisted) void follower.restored(location.href);
    });
    // Leaving the document (a link that loads a page, a reload, closing the tab): the
    // background stops serving its lead at once, so automatic discovery spends nothing on a
    // profile no longer on screen. A restore from the back/forward cache says it again.
    ctx.addEventListener(window, 'pagehide', () => void send('profileLeft', {}));
    // A content script gets no event when the extension is updated or reloaded, and in Chrome
    // WXT follows navigation with the Navigation API, which never asks ctx.isInvalid. This
    // timer's wrapper does, each tick: it invalidates ctx, which removes the widget.
    ctx.setInterval(() => {}, 2000);
    void follower.start(location.href);
  },
});

/** At most one widget on the page: mounting replaces, removing is idempotent. */
function widgetSlot(ctx: ContentScriptContext): WidgetSlot {
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
          wrapper.style.cssText = important(
            'position:fixed;top:72px;right:16px;width:320px;height:440px;max-height:calc(100vh - 88px);margin:0;' +
              'padding:0;z-index:2147483646;border:1px solid #0000002e;border-radius:10px;overflow:hidden;' +
              'box-shadow:0 4px 18px #0000002e;background:transparent;display:block;',
          );
          iframe.style.cssText = important(
            'display:block;width:100%;height:100%;border:0;margin:0;color-scheme:normal;',
          );
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
function important(css: string): string {
  return css.replaceAll(';', '!important;');
}
