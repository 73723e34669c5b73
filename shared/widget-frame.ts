/**
 * The widget's collapsed state, as it crosses contexts: the background writes it (on the
 * widget's `widgetCollapse` message), the content script sizes the widget's frame from it
 * and the widget page draws its handle from it; both follow `storage.onChanged`, so every
 * open tab follows too. Kept apart from protocol.ts, which would bring zod into the content
 * script's 8 KB.
 *
 * It lives in `storage.local`, which content scripts can read: it is not secret (the host
 * page already sees the frame's size), and the page itself cannot read extension storage.
 */

/** The `storage.local` key (WXT item `local:widgetCollapsed`). */
export const WIDGET_COLLAPSED_KEY = 'widgetCollapsed';

/** Anything but a stored `true` (nothing stored, a damaged value) shows the whole widget. */
export function isCollapsed(stored: unknown): boolean {
  return stored === true;
}
