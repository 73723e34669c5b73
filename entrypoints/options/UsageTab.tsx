import { useEffect } from 'preact/hooks';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { typeTitle } from '../../components/format.ts';
import { formatDateTime, formatSigned, t, type MessageKey } from '../../i18n/messages.ts';
import { useStore } from '../../components/useStore.ts';
import type { LedgerEntry } from '../../shared/api.ts';
import { CREDIT_TYPES, type CreditType } from '../../shared/credits.ts';
import type { UsageStore } from './usage-store.ts';
import { profileUrl } from '../../shared/slug.ts';

const REASONS: Record<LedgerEntry['reason'], MessageKey> = {
  allotment: 'ledgerReason_allotment',
  renewal: 'ledgerReason_renewal',
  expiry: 'ledgerReason_expiry',
  addOn: 'ledgerReason_addOn',
  reveal: 'ledgerReason_reveal',
  export: 'ledgerReason_export',
  correction: 'ledgerReason_correction',
  planChange: 'ledgerReason_planChange',
};

/** The pool's ledger: who spent or granted which credits, on which lead, when. */
export function UsageTab({ store, admin = false }: { store: UsageStore; admin?: boolean }) {
  const { entries, nextCursor, status, error, filter, people, load, loadMore } = useStore(store);
  useEffect(() => {
    if (store.getState().status === 'idle') void load();
  }, [store, load]);
  useEffect(() => {
    if (admin) void store.getState().loadPeople();
  }, [store, admin]);

  const members = Object.entries(people).sort(([, a], [, b]) => a.localeCompare(b));
  return (
    <section aria-labelledby="usage-title">
      <h2 id="usage-title">{t('usageTitle')}</h2>
      <div class="filters">
        <label>
          {t('filterMember')}
          <select
            value={filter.userId ?? ''}
            onChange={(event) => {
              const userId = event.currentTarget.value;
              void load({ ...filter, userId: userId === '' ? undefined : userId });
            }}
          >
            <option value="">{t('filterAllMembers')}</option>
            {members.map(([id, email]) => (
              <option key={id} value={id}>
                {email}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('filterType')}
          <select
            value={filter.type ?? ''}
            onChange={(event) => {
              const type = event.currentTarget.value;
              void load({ ...filter, type: type === '' ? undefined : (type as CreditType) });
            }}
          >
            <option value="">{t('filterAllTypes')}</option>
            {CREDIT_TYPES.map((type) => (
              <option key={type} value={type}>
                {typeTitle(type)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && <ErrorNotice message={error} onRetry={() => void load()} />}
      {status === 'loading' && (
        <p class="muted" aria-busy="true">
          {t('loading')}
        </p>
      )}
      {status === 'ready' && entries.length === 0 && !error && <p>{t('ledgerEmpty')}</p>}
      {entries.length > 0 && status !== 'loading' && (
        <table class="ledger">
          <caption class="visually-hidden">{t('usageTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('ledgerWhen')}</th>
              <th scope="col">{t('ledgerWho')}</th>
              <th scope="col">{t('ledgerWhat')}</th>
              <th scope="col">{t('ledgerCredits')}</th>
              <th scope="col">{t('ledgerLead')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id}>
                <td>{formatDateTime(entry.at)}</td>
                <td>{entry.userEmail ?? t('ledgerWorkspace')}</td>
                <td>
                  {t(REASONS[entry.reason])} · {typeTitle(entry.type)}
                </td>
                <td class="number">{formatSigned(entry.delta)}</td>
                <td>
                  {entry.lead ? (
                    <a href={profileUrl(entry.lead)} target="_blank" rel="noreferrer">
                      {entry.lead}
                    </a>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {nextCursor !== null && status !== 'loading' && (
        <button
          type="button"
          disabled={status === 'loadingMore'}
          aria-busy={status === 'loadingMore' ? 'true' : undefined}
          onClick={() => void loadMore()}
        >
          {t('loadMore')}
        </button>
      )}
    </section>
  );
}
