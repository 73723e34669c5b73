import './controls.css';
import { useId } from 'preact/hooks';
import type { Balance } from '../shared/api.ts';
import type { CreditType } from '../shared/credits.ts';
import { usageOf } from '../shared/usage.ts';
import { typeWord } from './format.ts';
import { capitalize, plural, t } from '../i18n/messages.ts';

interface Props {
  type: CreditType;
  balance: Balance;
}

/**
 * "Phone credits — 4 left of 5" and a meter of what is left. The total is this period's
 * allotment plus add-ons; the meter's colour follows the warning level (75%, 90%, used up).
 */
export function CreditLine({ type, balance }: Props) {
  const labelId = useId();
  const usage = usageOf(balance);
  const count = plural('creditLineCount', usage.remaining, usage.total);
  return (
    <li class="credit">
      <span class="credit-head">
        <span id={labelId} class="credit-label">
          {capitalize(t('creditLineLabel', typeWord(type)))}
        </span>
        <span class="credit-count">{count}</span>
      </span>
      {/* Named with aria-labelledby, not <label for>: not every tool names a meter from a label. */}
      {/* A plan that grants none of a type has nothing to measure: no meter, the count says 0. */}
      {usage.total > 0 && (
        <meter
          aria-labelledby={labelId}
          aria-valuetext={count}
          class="meter"
          data-level={usage.level}
          min={0}
          max={usage.total}
          value={Math.min(usage.remaining, usage.total)}
        />
      )}
    </li>
  );
}
