/**
 * The widget's collapsed flag as the widget page sees it: read from `storage.local` and
 * followed there, as the content script does for the frame's size, so the handle and the
 * frame change together in every tab. Only the background writes it (`widgetCollapse`).
 */
import { browser } from 'wxt/browser';
import { isCollapsed, WIDGET_COLLAPSED_KEY } from '../../shared/widget-frame.ts';

export interface CollapsedFlag {
  /** The stored flag; false when it cannot be read (the whole widget, as before collapse existed). */
  read(): Promise<boolean>;
  /** Calls `listener` with the new flag on every change, from any tab; returns the unsubscribe. */
  watch(listener: (collapsed: boolean) => void): () => void;
}

export const storedCollapsedFlag: CollapsedFlag = {
  async read() {
    try {
      return isCollapsed((await browser.storage.local.get(WIDGET_COLLAPSED_KEY))[WIDGET_COLLAPSED_KEY]);
    } catch {
      return false;
    }
  },
  watch(listener) {
    const onChanged = (changes: Record<string, { newValue?: unknown }>, area: string) => {
      if (area === 'local' && WIDGET_COLLAPSED_KEY in changes) {
        listener(isCollapsed(changes[WIDGET_COLLAPSED_KEY]?.newValue));
      }
    };
    browser.storage.onChanged.addListener(onChanged);
    return () => browser.storage.onChanged.removeListener(onChanged);
  },
};
