import { CreditLine } from '../../components/CreditLine.tsx';
import { DiscoveryToggles } from '../../components/DiscoveryToggles.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { formatDate, planName } from '../../components/format.ts';
import { plural, t } from '../../i18n/messages.ts';
import { useStore } from '../../components/useStore.ts';
import type { Account } from '../../shared/api.ts';
import { CREDIT_TYPES } from '../../shared/credits.ts';
import { CreditWarnings } from './CreditWarnings.tsx';
import { MemberLimitLines } from './MemberLimitLines.tsx';
import { shownSettings, type PopupStore } from './store.ts';

/** The toolbar popup: who is signed in, the credits left of each type, Automatic discovery. */
export function App({ store }: { store: PopupStore }) {
  const state = useStore(store);
  const { session, loadError, refreshError, openError, load, openOptions } = state;

  if (session === null) {
    return (
      <main class="popup">
        <p class="brand">LeadLens</p>
        {loadError ? (
          <ErrorNotice message={loadError} onRetry={() => void load()} />
        ) : (
          <p class="muted" aria-busy="true">
            {t('loading')}
          </p>
        )}
      </main>
    );
  }

  if (!session.signedIn) {
    return (
      <main class="popup">
        <p class="brand">LeadLens</p>
        {session.reason && <p role="alert">{session.reason.message}</p>}
        <p>{t('popupSignedOut')}</p>
        <button type="button" class="primary" onClick={openOptions}>
          {t('signIn')}
        </button>
        {openError && <ErrorNotice message={openError} />}
      </main>
    );
  }

  const { user, workspace, balances } = session.account;
  const settings = shownSettings(state);
  return (
    <main class="popup">
      <p class="brand">LeadLens</p>
      <div class="who">
        <p class="ellipsis" title={user.email}>
          {user.email}
        </p>
        <p class="muted ellipsis" title={workspace.name}>
          {t('workspacePlan', workspace.name, planName(workspace.plan))}
        </p>
        <p class="muted">{poolText(session.account.pool)}</p>
      </div>
      <section class="popup-section" aria-labelledby="credits-title">
        <h1 id="credits-title" class="section-title">
          {t('credits')}
        </h1>
        <ul class="credits" aria-label={t('credits')}>
          {CREDIT_TYPES.map((type) => (
            <CreditLine key={type} type={type} balance={balances[type]} />
          ))}
        </ul>
        <MemberLimitLines limits={session.account.limits} />
        <p class="muted small">{t('renewsOn', formatDate(workspace.renewsAt))}</p>
        <CreditWarnings balances={balances} renewsAt={workspace.renewsAt} />
        {refreshError && <ErrorNotice message={t('lastKnownCredits', refreshError)} />}
      </section>
      {settings && (
        <DiscoveryToggles
          settings={settings}
          onChange={(patch) => void state.changeSettings(patch)}
          showGuard
          saving={state.pendingChanges.length > 0}
          error={state.settingsError}
        />
      )}
      <button type="button" class="link" onClick={openOptions}>
        {t('settings')}
      </button>
      {openError && <ErrorNotice message={openError} />}
    </main>
  );
}

/** R8: free plans keep credits per user; paid plans share the workspace's pool. */
function poolText(pool: Account['pool']): string {
  if (pool.kind === 'personal') return t('personalCredits');
  return plural('sharedBy', pool.members);
}
