/**
 * The toolbar badge (issue: a type the user auto-reveals at 90% or more used). Computed from
 * the stored session and settings each time either changes, and when the worker starts:
 * the badge is browser state that a browser restart clears.
 */
import type { Badge } from '../../shared/usage.ts';
import { badgeFor, NO_BADGE } from '../../shared/usage.ts';
import type { BackgroundContext } from './context.ts';
import type { SessionRecord } from './database.ts';
import { readSettings } from './settings.ts';

/** Shows the badge for `record` (the session just written or read). Never throws. */
export async function updateBadge(ctx: BackgroundContext, record: SessionRecord | undefined): Promise<void> {
  try {
    let badge: Badge = NO_BADGE;
    if (record?.state === 'signedIn') {
      const settings = await readSettings();
      badge = badgeFor(record.account.balances, settings.autoReveal);
    }
    await ctx.setBadge(badge);
  } catch (error) {
    console.warn('LeadLens: could not update the toolbar badge', error);
  }
}
