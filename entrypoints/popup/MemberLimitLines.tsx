import { typeWord } from '../../components/format.ts';
import { plural, t } from '../../i18n/messages.ts';
import type { MemberLimits } from '../../shared/api.ts';
import { CREDIT_TYPES } from '../../shared/credits.ts';

/**
 * The member's own monthly limits (R11), one line per limited type: the pool may hold far
 * more than the member may spend, so the pool's figure alone would mislead.
 */
export function MemberLimitLines({ limits }: { limits: MemberLimits | undefined }) {
  const lines = CREDIT_TYPES.flatMap((type) => {
    const own = limits?.[type];
    return own ? [{ type, ...own }] : [];
  });
  if (lines.length === 0) return null;
  return (
    <ul class="limits" aria-label={t('yourLimits')}>
      {lines.map(({ type, limit, used }) => (
        <li key={type} class="small">
          {plural('yourLimit', limit, typeWord(type), used)}
        </li>
      ))}
    </ul>
  );
}
