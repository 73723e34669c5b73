import type { Balance } from '../shared/api.ts';
import type { CreditType } from '../shared/credits.ts';
import { creditTotal, typeTitle } from './format.ts';

interface Props {
  type: CreditType;
  balance: Balance;
}

/** "B2B email credits — 12 left of 15". The total is this period's allotment plus add-ons. */
export function CreditLine({ type, balance }: Props) {
  return (
    <li class="credit-line">
      <span class="credit-label">{typeTitle(type)} credits</span>
      <span class="credit-count">
        {balance.remaining} left of {creditTotal(balance)}
      </span>
    </li>
  );
}
