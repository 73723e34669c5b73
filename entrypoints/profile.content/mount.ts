/**
 * The widget on the page: the extension's own page `widget.html` in an iframe, so the host
 * page can neither read nor script it (DESIGN: a shadow root would be readable). Written by
 * hand rather than with WXT's `createIframeUi`, whose auto-mount machinery (never used here)
 * cost a quarter of the content script's 8 KB budget.
 */
import { browser } from 'wxt/browser';
import type { Lifetime, WidgetSlot } from './navigation.ts';

/** Marks the widget, so a leftover from an older copy of this script is found. */
export const WIDGET_MARK = 'data-leadlens-widget';

/**
 * At most one widget on the page: mounting replaces (this script's widget and any left by an
 * older copy), removing is idempotent, and the widget goes when the script is invalidated.
 */
export function createWidgetSlot(doc: Document, lifetime: Pick<Lifetime, 'onInvalidated'>): WidgetSlot {
  let frame: HTMLIFrameElement | null = null;
  const remove = () => {
    frame?.remove();
    frame = null;
  };
  lifetime.onInvalidated(remove);
  return {
    remove,
    mount() {
      remove();
      for (const stray of doc.querySelectorAll(`[${WIDGET_MARK}]`)) stray.remove();
      frame = doc.createElement('iframe');
      frame.setAttribute(WIDGET_MARK, '');
      // Fixed on the right edge, out of the page's flow: the page's layout does not move.
      frame.style.cssText = important(
        'position:fixed;top:72px;right:16px;width:320px;height:440px;max-height:calc(100vh - 88px);margin:0;' +
          'padding:0;z-index:2147483646;border:1px solid #0000002e;border-radius:10px;overflow:hidden;' +
          'box-shadow:0 4px 18px #0000002e;background:transparent;display:block;color-scheme:normal;',
      );
      frame.title = 'LeadLens';
      // Copy buttons write to the clipboard from inside the frame.
      frame.allow = 'clipboard-write';
      frame.src = browser.runtime.getURL('/widget.html');
      (doc.body ?? doc.documentElement).append(frame);
    },
  };
}

/** Inline and !important: the page's own style sheets must not move or hide the widget. */
function important(css: string): string {
  return css.replaceAll(';', '!important;');
}
