/** Words and numbers the pages show, derived from the protocol's data, in the UI language. */
import type { Account } from '../shared/api.ts';
import type { CreditType } from '../shared/credits.ts';
import { capitalize, t, typeWord, type MessageKey } from '../i18n/messages.ts';

export { formatDate, typeWord } from '../i18n/messages.ts';

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
