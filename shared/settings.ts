/**
 * The user's Automatic discovery settings (R9): which reveal types the background reveals
 * by itself when a profile opens, and how many credits of each type it leaves for clicks
 * (the spending guard). The background owns them (it is their only writer); pages read
 * and change them through messages. No zod here: pages import this file, and zod would
 * triple their size. The schemas are in settings-schema.ts, for the background.
 */
import type { RevealType } from './credits.ts';

export interface DiscoverySettings {
  /** Reveal this type by itself when a profile opens. */
  autoReveal: Record<RevealType, boolean>;
  /**
   * The spending guard: automatic discovery stops for a type once its remaining credits are
   * down to this number; clicks still spend them. 0 lets automatic discovery use them all.
   */
  keepAtLeast: Record<RevealType, number>;
}

/**
 * A change: only the fields named. A toggle flipped in the popup and a guard changed in a
 * widget at the same moment both survive (a whole-object write would lose one).
 */
export interface DiscoverySettingsPatch {
  autoReveal?: Partial<Record<RevealType, boolean>>;
  keepAtLeast?: Partial<Record<RevealType, number>>;
}

/** R9: B2B email on, phone and direct email off; no credits held back. */
export const DEFAULT_DISCOVERY_SETTINGS: DiscoverySettings = {
  autoReveal: { b2bEmail: true, phone: false, directEmail: false },
  keepAtLeast: { b2bEmail: 0, phone: 0, directEmail: 0 },
};

/** More than any plan grants in a month; a guard above it is a typo. */
export const MAX_KEEP_AT_LEAST = 100_000;

export function applySettingsPatch(settings: DiscoverySettings, patch: DiscoverySettingsPatch): DiscoverySettings {
  return {
    autoReveal: { ...settings.autoReveal, ...patch.autoReveal },
    keepAtLeast: { ...settings.keepAtLeast, ...patch.keepAtLeast },
  };
}

/** Saved settings with the changes still on their way applied over them, oldest first. */
export function withPending(saved: DiscoverySettings, pending: ReadonlyArray<{ patch: DiscoverySettingsPatch }>) {
  return pending.reduce((settings, change) => applySettingsPatch(settings, change.patch), saved);
}
