/**
 * The toolbar badge (issue: a type the user auto-reveals at 90% or more used). Computed from
 * the stored session and settings each time either changes, and when the worker starts:
 * the badge is browser state that a browser restart clears.
 */
import { formatList, formatPercent, plural, t, typeWord } from '../../i18n/messages.ts';
import type { Badge, BadgeWords } from '../../shared/usage.ts';
import { badgeFor, NO_BADGE, usedPercent } from '../../shared/usage.ts';
import type { BackgroundContext } from './context.ts';
import type { SessionRecord } from './database.ts';
import { readSettings } from './settings.ts';

/** The tooltip in the user's language: "LeadLens: 2 phone credits left (90% used)". */
const WORDS: BadgeWords = {
  line: (type, usage) => plural('badgeLine', usage.remaining, typeWord(type), formatPercent(usedPercent(usage))),
  title: (lines) => t('badgeTitle', formatList(lines)),
};

/** Shows the badge for `record` (the session just written or read). Never throws. */
export async function updateBadge(ctx: BackgroundContext, record: SessionRecord | undefined): Promise<void> {
  try {
    let badge: Badge = NO_BADGE;
    if (record?.state === 'signedIn') {
      const settings = await readSettings();
      badge = badgeFor(record.account.balances, settings.autoReveal, WORDS);
    }
    await ctx.setBadge(badge);
  } catch (error) {
    console.warn('LeadLens: could not update the toolbar badge', error);
  }
}
