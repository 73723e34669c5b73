import { formatDate, typeTitle, typeWord } from '../../components/format.ts';
import { capitalize, formatPercent, plural, t } from '../../i18n/messages.ts';
import type { Balances } from '../../shared/api.ts';
import { CREDIT_TYPES, type CreditType } from '../../shared/credits.ts';
import { usageOf, usedPercent, type Usage } from '../../shared/usage.ts';

interface Props {
  balances: Balances;
  renewsAt: string;
}

/**
 * "Phone: 90% used, 1 left" for each type at 75% or more, and "Phone credits are used up
 * until 1 Dec 2026" at 100%. A status region, so a change pushed while the popup is open
 * (a reveal in a tab) is read out; it stays in the page when empty for the same reason.
 */
export function CreditWarnings({ balances, renewsAt }: Props) {
  const warnings = CREDIT_TYPES.flatMap((type) => {
    const usage = usageOf(balances[type]);
    return usage.level === 'ok' ? [] : [{ type, usage }];
  });
  return (
    <div role="status" class="warnings-region">
      {warnings.length > 0 && (
        <ul class="warnings" aria-label={t('creditWarnings')}>
          {warnings.map(({ type, usage }) => (
            <li key={type} class="warning" data-level={usage.level}>
              {warningText(type, usage, renewsAt)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function warningText(type: CreditType, usage: Usage, renewsAt: string): string {
  if (usage.level === 'empty') return capitalize(t('creditsUsedUp', typeWord(type), formatDate(renewsAt)));
  return plural('creditsUsedPercent', usage.remaining, typeTitle(type), formatPercent(usedPercent(usage)));
}
