import { CreditLine } from '../../components/CreditLine.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { planName } from '../../components/format.ts';
import { useStore } from '../../components/useStore.ts';
import { CREDIT_TYPES } from '../../shared/credits.ts';
import type { PopupStore } from './store.ts';

/** The toolbar popup: who is signed in and the credits left of each type. */
export function App({ store }: { store: PopupStore }) {
  const { session, error, openError, load, openOptions } = useStore(store);

  if (session === null) {
    return (
      <main class="popup">
        <p class="brand">LeadLens</p>
        {error ? (
          <ErrorNotice message={error} onRetry={() => void load()} />
        ) : (
          <p class="muted" aria-busy="true">
            Loading…
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
        <p>Sign in to see your credits and reveal contact data on profiles.</p>
        <button type="button" class="primary" onClick={openOptions}>
          Sign in
        </button>
        {openError && <ErrorNotice message={openError} />}
      </main>
    );
  }

  const { user, workspace, balances } = session.account;
  return (
    <main class="popup">
      <p class="brand">LeadLens</p>
      <p class="ellipsis" title={user.email}>
        {user.email}
      </p>
      <p class="muted ellipsis" title={workspace.name}>
        {workspace.name} · {planName(workspace.plan)} plan
      </p>
      <h1 class="section-title">Credits</h1>
      <ul class="credits" aria-label="Credits">
        {CREDIT_TYPES.map((type) => (
          <CreditLine key={type} type={type} balance={balances[type]} />
        ))}
      </ul>
      {error && <ErrorNotice message={`Showing the last known credits. ${error}`} />}
      <button type="button" class="link" onClick={openOptions}>
        Settings
      </button>
      {openError && <ErrorNotice message={openError} />}
    </main>
  );
}
