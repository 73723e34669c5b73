/**
 * On LinkedIn: reads the profile the page shows and mounts the LeadLens widget beside it.
 * Runs on every LinkedIn page so that in-page navigation from the feed to a profile is
 * followed, but acts only on /in/<slug> pages. Small on purpose: no UI framework, no zod, no
 * webextension polyfill (wxt.config.ts).
 * It never sees contact data: the widget is an extension page in an iframe that asks the
 * background for its lead by tab, never this script or the page.
 */
import { defineContentScript } from 'wxt/utils/define-content-script';
import { send } from '../../messaging/client.ts';
import { createWidgetSlot } from './mount.ts';
import { createFollower } from './navigation.ts';

export default defineContentScript({
  matches: ['https://www.linkedin.com/*'],
  // The page has no business knowing that LeadLens runs (DESIGN: no postMessage with the page).
  noScriptStartedPostMessage: true,
  // The widget styles itself inside its frame; nothing is injected into the page.
  cssInjectionMode: 'manual',

  main(ctx) {
    const follower = createFollower({ send, widget: createWidgetSlot(document, ctx), doc: document, ctx });
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
    // timer's wrapper does, each tick: it invalidates ctx, which removes the widget (mount.ts).
    ctx.setInterval(() => {}, 2000);
    void follower.start(location.href);
  },
});
