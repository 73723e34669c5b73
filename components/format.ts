/** Words and numbers the pages show, derived from the protocol's data, in the UI language. */
import type { Account } from '../shared/api.ts';
import type { CreditType } from '../shared/credits.ts';
import { capitalize, t, type MessageKey } from './i18n.ts';

export { formatDate } from './i18n.ts';

const TYPE_WORDS: Record<CreditType, MessageKey> = {
  b2bEmail: 'typeWord_b2bEmail',
  phone: 'typeWord_phone',
  directEmail: 'typeWord_directEmail',
  export: 'typeWord_export',
};

/** A credit type inside a sentence: "phone" in "1 phone credit", « téléphone ». */
export function typeWord(type: CreditType): string {
  return t(TYPE_WORDS[type]);
}

/** "B2B email", "Phone", "Direct email", "Export". */
export function typeTitle(type: CreditType): string {
  return capitalize(typeWord(type));
}

const PLAN_NAMES: Record<Account['workspace']['plan'], MessageKey> = {
  free: 'planFree',
  starter: 'planStarter',
  business: 'planBusiness',
  organization: 'planOrganization',
};

export function planName(plan: Account['workspace']['plan']): string {
  return t(PLAN_NAMES[plan]);
}
