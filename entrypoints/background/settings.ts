/**
 * The Automatic discovery settings as stored: one typed, versioned WXT storage item in
 * `storage.local` (DESIGN section 3). The background is its only writer; pages read and
 * change it through `popupOpened`, `widgetOpened` and `settingsChange`, and learn about
 * changes from the `settingsChanged` push. What storage returns is validated: a value
 * damaged by hand or by an older build falls back to the defaults instead of failing.
 */
import { storage } from 'wxt/utils/storage';
import { DiscoverySettingsSchema } from '../../shared/settings-schema.ts';
import {
  applySettingsPatch,
  DEFAULT_DISCOVERY_SETTINGS,
  type DiscoverySettings,
  type DiscoverySettingsPatch,
} from '../../shared/settings.ts';

/**
 * Version 1 is the first shape. A future shape raises `version` and adds a migration from
 * the previous one, e.g. `2: (v1) => ({ ...v1, newField: default })`; WXT runs them in order.
 */
const discoverySettings = storage.defineItem<DiscoverySettings>('local:discoverySettings', {
  fallback: DEFAULT_DISCOVERY_SETTINGS,
  version: 1,
});

export async function readSettings(): Promise<DiscoverySettings> {
  let stored: unknown;
  try {
    stored = await discoverySettings.getValue();
  } catch (error) {
    console.warn('LeadLens: could not read the discovery settings; using the defaults', error);
    return DEFAULT_DISCOVERY_SETTINGS;
  }
  const parsed = DiscoverySettingsSchema.safeParse(stored);
  if (parsed.success) return parsed.data;
  console.warn('LeadLens: the stored discovery settings are damaged; using the defaults', parsed.error);
  return DEFAULT_DISCOVERY_SETTINGS;
}

/** Changes run one after another: two patches at once must both survive. */
let writes: Promise<unknown> = Promise.resolve();

export function changeSettings(patch: DiscoverySettingsPatch): Promise<DiscoverySettings> {
  const write = writes.then(async () => {
    const next = applySettingsPatch(await readSettings(), patch);
    await discoverySettings.setValue(next);
    return next;
  });
  writes = write.catch(() => undefined);
  return write;
}
