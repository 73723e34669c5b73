/**
 * Whether the widget is collapsed to its handle: one typed, versioned WXT storage item in
 * `storage.local`, like the discovery settings. The background is its only writer (on the
 * widget's `widgetCollapse` message); the content scripts and the widgets read it and follow
 * `storage.onChanged` (see shared/widget-frame.ts), so every open tab follows at once and
 * the choice survives reloads and browser restarts.
 */
import { storage } from 'wxt/utils/storage';
import { WIDGET_COLLAPSED_KEY } from '../../shared/widget-frame.ts';

/** Version 1 is the first shape; a later one (a position, say) adds a migration. */
const widgetCollapsed = storage.defineItem<boolean>(`local:${WIDGET_COLLAPSED_KEY}`, {
  fallback: false,
  version: 1,
});

export async function setWidgetCollapsed(collapsed: boolean): Promise<void> {
  await widgetCollapsed.setValue(collapsed);
}
