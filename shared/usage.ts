/**
 * How much of each credit type is used this period, the warning levels the popup shows
 * (75%, 90%, 100%) and the toolbar badge (a type the user auto-reveals at 90% or more).
 */
import type { Balance, Balances } from './api.ts';
import { CREDIT_LABELS, REVEAL_TYPES, type CreditType, type RevealType } from './credits.ts';

/** The period's credits: the monthly allotment plus add-ons bought (R10). */
export function creditTotal(balance: Balance): number {
  return balance.monthlyAllotment + balance.addOn;
}

export type UsageLevel = 'ok' | 'used75' | 'used90' | 'empty';

export interface Usage {
  total: number;
  remaining: number;
  /** 0 to 1: the share of the period's credits spent. 0 when the plan grants none. */
  usedFraction: number;
  level: UsageLevel;
}

export function usageOf(balance: Balance): Usage {
  const total = creditTotal(balance);
  const remaining = balance.remaining;
  // A type the plan grants none of is not "used up": it gets no warning, only its 0.
  if (total <= 0) return { total: 0, remaining, usedFraction: 0, level: 'ok' };
  const used = Math.min(total, Math.max(0, total - remaining));
  const usedFraction = used / total;
  // Compared in integers: 63 of 70 is 90% used, whatever floating point makes of 63 / 70.
  let level: UsageLevel = 'ok';
  if (remaining <= 0) level = 'empty';
  else if (used * 100 >= 90 * total) level = 'used90';
  else if (used * 100 >= 75 * total) level = 'used75';
  return { total, remaining, usedFraction, level };
}

export interface Badge {
  /** Empty: no badge. */
  text: string;
  color: string;
  /** The toolbar button's tooltip. */
  title: string;
}

export const NO_BADGE: Badge = { text: '', color: '#b45309', title: 'LeadLens' };

/** The words of the badge's tooltip, given by the background in the user's language. */
export interface BadgeWords {
  /** One line per type running low, e.g. "2 phone credits left (90% used)". */
  line(type: CreditType, usage: Usage): string;
  /** The tooltip around the lines. */
  title(lines: string[]): string;
}

/** English, for tests and as the shape of the words the background gives. */
export const ENGLISH_BADGE_WORDS: BadgeWords = {
  line: (type, usage) =>
    `${usage.remaining} ${CREDIT_LABELS[type]} credit${usage.remaining === 1 ? '' : 's'} left (${usedPercent(usage)}% used)`,
  title: (lines) => `LeadLens: ${lines.join('; ')}`,
};

/**
 * The toolbar badge: shown when a type the user auto-reveals is 90% or more used, so they
 * learn it before automatic discovery stops. "0" in red when one is empty, "!" in amber.
 */
export function badgeFor(
  balances: Balances,
  autoReveal: Record<RevealType, boolean>,
  words: BadgeWords = ENGLISH_BADGE_WORDS,
): Badge {
  const low: Array<{ type: CreditType; usage: Usage }> = [];
  for (const type of REVEAL_TYPES) {
    if (!autoReveal[type]) continue;
    const usage = usageOf(balances[type]);
    if (usage.level === 'used90' || usage.level === 'empty') low.push({ type, usage });
  }
  if (low.length === 0) return NO_BADGE;
  const empty = low.some(({ usage }) => usage.level === 'empty');
  return {
    text: empty ? '0' : '!',
    color: empty ? '#b91c1c' : '#b45309',
    title: words.title(low.map(({ type, usage }) => words.line(type, usage))),
  };
}

/**
 * The share of the period's credits spent, in whole percent. Rounded down, so a type with
 * credits left never reads "100% used"; counted in integers, so 29 of 100 is 29, not 28.
 */
export function usedPercent(usage: Usage): number {
  if (usage.total <= 0) return 0;
  const used = Math.min(usage.total, Math.max(0, usage.total - usage.remaining));
  return Math.floor((used * 100) / usage.total);
}
