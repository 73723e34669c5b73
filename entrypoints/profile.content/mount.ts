/**
 * The widget on the page: the extension's own page `widget.html` in an iframe, so the host
 * page can neither read nor script it (DESIGN: a shadow root would be readable). Written by
 * hand rather than with WXT's `createIframeUi`, whose auto-mount machinery (never used here)
 * cost a quarter of the content script's 8 KB budget.
 */
import { browser } from 'wxt/browser';
import { isCollapsed, WIDGET_COLLAPSED_KEY } from '../../shared/widget-frame.ts';
import type { Lifetime, WidgetSlot } from './navigation.ts';

/** Marks the widget, so a leftover from an older copy of this script is found. */
export const WIDGET_MARK = 'data-leadlens-widget';

/**
 * The frame's size: the whole widget, or its handle (the widget page draws either), both at
 * the top right. The handle keeps the widget's left edge in layout and is moved right by a
 * transform: Chrome counts a fixed element whose left edge moves as a layout shift of the
 * page (it would add to LinkedIn's CLS), not one that only shrinks or is transformed.
 * 188 px = 322 - 134, the two widths with their 1 px borders.
 */
const OPEN = { width: '320px', height: '440px', right: '16px', transform: 'none', 'border-radius': '10px' };
const COLLAPSED = {
  width: '132px',
  height: '36px',
  right: '204px',
  transform: 'translateX(188px)',
  'border-radius': '18px',
};

/**
 * At most one widget on the page: mounting replaces (this script's widget and any left by an
 * older copy), removing is idempotent, and the widget goes when the script is invalidated.
 * Its size follows the collapsed flag in `storage.local` (shared/widget-frame.ts), read as the
 * script starts and followed in every tab. The frame is fixed, so resizing moves nothing on
 * the page; the page learns nothing it could not already see (the frame's size).
 */
export function createWidgetSlot(doc: Document, lifetime: Pick<Lifetime, 'onInvalidated'>): WidgetSlot {
  let frame: HTMLIFrameElement | null = null;
  let collapsed = false;
  const resize = () => {
    for (const [property, value] of Object.entries(collapsed ? COLLAPSED : OPEN)) {
      frame?.style.setProperty(property, value, 'important');
    }
  };
  const remove = () => {
    frame?.remove();
    frame = null;
  };
  const follow = (changes: Record<string, { newValue?: unknown }>, area: string) => {
    if (area !== 'local' || !(WIDGET_COLLAPSED_KEY in changes)) return;
    collapsed = isCollapsed(changes[WIDGET_COLLAPSED_KEY]?.newValue);
    resize();
  };
  browser.storage.local.get(WIDGET_COLLAPSED_KEY).then(
    (items) => {
      collapsed = isCollapsed(items[WIDGET_COLLAPSED_KEY]);
      resize();
    },
    // Unreadable (the extension was reloaded meanwhile): the whole widget, as before.
    () => {},
  );
  browser.storage.onChanged.addListener(follow);
  lifetime.onInvalidated(() => {
    remove();
    try {
      browser.storage.onChanged.removeListener(follow);
    } catch {
      // The extension context is already gone, and the listener with it.
    }
  });
  return {
    remove,
    mount() {
      remove();
      for (const stray of doc.querySelectorAll(`[${WIDGET_MARK}]`)) stray.remove();
      frame = doc.createElement('iframe');
      frame.setAttribute(WIDGET_MARK, '');
      // Fixed on the right edge, out of the page's flow: the page's layout does not move.
      // The border is a grey that shows on light and dark pages alike.
      frame.style.cssText = important(
        'position:fixed;top:72px;max-height:calc(100vh - 88px);margin:0;' +
          'padding:0;z-index:2147483646;border:1px solid #8088904d;overflow:hidden;' +
          'box-shadow:0 4px 18px #0000002e;background:transparent;display:block;color-scheme:normal;',
      );
      resize();
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
