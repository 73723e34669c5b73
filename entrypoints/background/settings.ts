/**
 * The Automatic discovery settings as stored: one typed, versioned WXT storage item in
 * `storage.local` (DESIGN section 3). The background is its only writer; pages read and
 * change it through `popupOpened`, `widgetOpened` and `settingsChange`, and learn about
 * changes from the `settingsChanged` push. What storage returns is validated (see
 * `readSettings`).
 */
import { storage } from 'wxt/utils/storage';
import { REVEAL_TYPES } from '../../shared/credits.ts';
import { DiscoverySettingsSchema } from '../../shared/settings-schema.ts';
import {
  applySettingsPatch,
  DEFAULT_DISCOVERY_SETTINGS,
  MAX_KEEP_AT_LEAST,
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

/**
 * The settings in force. Nothing stored: the defaults (R9). A value damaged by hand or by an
 * older build: every field still valid is kept, and a damaged toggle reads as off (never as
 * the default "on": a user who turned B2B email off must not pay for it after a storage
 * fault). Storage unreadable: automatic discovery off until it can be read.
 */
export async function readSettings(): Promise<DiscoverySettings> {
  let stored: unknown;
  try {
    stored = await discoverySettings.getValue();
  } catch (error) {
    console.warn('LeadLens: could not read the discovery settings; automatic discovery is off', error);
    return ALL_OFF;
  }
  const parsed = DiscoverySettingsSchema.safeParse(stored);
  if (parsed.success) return parsed.data;
  console.warn('LeadLens: the stored discovery settings are damaged; keeping what is valid', parsed.error);
  return salvage(stored);
}

const ALL_OFF: DiscoverySettings = {
  autoReveal: { b2bEmail: false, phone: false, directEmail: false },
  keepAtLeast: DEFAULT_DISCOVERY_SETTINGS.keepAtLeast,
};

function salvage(stored: unknown): DiscoverySettings {
  const record = (value: unknown): Record<string, unknown> =>
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const autoReveal = record(record(stored).autoReveal);
  const keepAtLeast = record(record(stored).keepAtLeast);
  const settings = structuredClone(ALL_OFF);
  for (const type of REVEAL_TYPES) {
    const on = autoReveal[type];
    if (typeof on === 'boolean') settings.autoReveal[type] = on;
    const keep = keepAtLeast[type];
    if (typeof keep === 'number' && Number.isInteger(keep) && keep >= 0 && keep <= MAX_KEEP_AT_LEAST) {
      settings.keepAtLeast[type] = keep;
    }
  }
  return settings;
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
