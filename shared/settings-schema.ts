/**
 * Schemas of the discovery settings (shared/settings.ts), for the background: it validates
 * what a page asks to change and what storage returned. Kept apart so pages never bundle zod.
 */
import { z } from 'zod';
import { MAX_KEEP_AT_LEAST, type DiscoverySettings, type DiscoverySettingsPatch } from './settings.ts';

const keep = z.number().int().min(0).max(MAX_KEEP_AT_LEAST);
const toggles = z.object({ b2bEmail: z.boolean(), phone: z.boolean(), directEmail: z.boolean() });
const guards = z.object({ b2bEmail: keep, phone: keep, directEmail: keep });

export const DiscoverySettingsSchema = z.object({
  autoReveal: toggles,
  keepAtLeast: guards,
}) satisfies z.ZodType<DiscoverySettings>;

export const DiscoverySettingsPatchSchema = z
  .object({ autoReveal: toggles.partial().strict(), keepAtLeast: guards.partial().strict() })
  .partial()
  .strict() satisfies z.ZodType<DiscoverySettingsPatch>;
