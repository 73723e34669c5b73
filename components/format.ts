/** Words and numbers the pages show, derived from the protocol's data. */
import type { Account } from '../shared/api.ts';
import { CREDIT_LABELS, type CreditType } from '../shared/credits.ts';

/** "B2B email", "Phone", "Direct email", "Export". */
export function typeTitle(type: CreditType): string {
  const label = CREDIT_LABELS[type];
  return label.charAt(0).toUpperCase() + label.slice(1);
}

const PLAN_NAMES: Record<Account['workspace']['plan'], string> = {
  free: 'Free',
  starter: 'Starter',
  business: 'Business',
  organization: 'Organization',
};

export function planName(plan: Account['workspace']['plan']): string {
  return PLAN_NAMES[plan];
}

/** A date a person reads ("1 Dec 2026"); the raw text when it is not a date. */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
}
