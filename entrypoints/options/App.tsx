import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { formatDate, planName } from '../../components/format.ts';
import { t } from '../../i18n/messages.ts';
import { useStore } from '../../components/useStore.ts';
import type { Send } from '../../messaging/client.ts';
import type { SessionView } from '../../shared/protocol.ts';
import type { BulkStore } from './bulk-store.ts';
import { BulkTab } from './BulkTab.tsx';
import type { LeadsStore } from './leads-store.ts';
import { LeadsTab } from './LeadsTab.tsx';
import { DEFAULT_SERVER_URL, type OptionsStore } from './store.ts';
import { Tabs } from './Tabs.tsx';
import { UsageTab } from './UsageTab.tsx';
import type { UsageStore } from './usage-store.ts';
import { WorkspaceTab } from './WorkspaceTab.tsx';
import type { WorkspaceStore } from './workspace-store.ts';

export interface TabStores {
  usage: UsageStore;
  workspace: WorkspaceStore;
  /** The Leads tab, offered when given (with the sender its export dialog asks through). */
  leads?: { store: LeadsStore; send: Send };
  /** The Bulk enrichment tab, offered when given (with the sender its export dialog asks through). */
  bulk?: { store: BulkStore; send: Send };
}

/**
 * Options: sign in to a LeadLens server, or see who is signed in and sign out; signed in,
 * the Usage tab (the pool's ledger) and, for admins, the Workspace tab.
 */
export function App({ store, createTabs }: { store: OptionsStore; createTabs: () => TabStores }) {
  const { session, loadError, busy, error, load, signIn, signOut } = useStore(store);

  return (
    <main class="page">
      <h1>{t('optionsTitle')}</h1>
      {session === null && loadError !== null ? (
        <ErrorNotice message={loadError} onRetry={() => void load()} />
      ) : session === null ? (
        <p class="muted" aria-busy="true">
          {t('loading')}
        </p>
      ) : session.signedIn ? (
        <SignedInTabs session={session} createTabs={createTabs}>
          <SignedIn session={session} busy={busy} error={error} onSignOut={() => void signOut()} />
        </SignedInTabs>
      ) : (
        <SignInForm
          busy={busy}
          error={error ?? session.reason?.message ?? null}
          onSignIn={(url, key) => void signIn(url, key)}
        />
      )}
    </main>
  );
}

interface FormProps {
  busy: boolean;
  error: string | null;
  onSignIn: (serverUrl: string, apiKey: string) => void;
}

function SignInForm({ busy, error, onSignIn }: FormProps) {
  const [serverUrl, setServerUrl] = useState(DEFAULT_SERVER_URL);
  const [apiKey, setApiKey] = useState('');

  const onSubmit = (event: Event) => {
    event.preventDefault();
    // Synchronous up to the permission prompt: it needs this click's user gesture.
    onSignIn(serverUrl, apiKey);
  };

  return (
    <section aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">{t('signInTitle')}</h2>
      <p class="muted">{t('signInHelp')}</p>
      <form class="form" onSubmit={onSubmit} noValidate>
        <label for="server-url">{t('serverUrl')}</label>
        <input
          id="server-url"
          name="serverUrl"
          type="url"
          inputMode="url"
          autoComplete="url"
          spellcheck={false}
          value={serverUrl}
          onInput={(event) => setServerUrl(event.currentTarget.value)}
        />
        <label for="api-key">{t('apiKey')}</label>
        <input
          id="api-key"
          name="apiKey"
          type="password"
          autoComplete="off"
          spellcheck={false}
          value={apiKey}
          onInput={(event) => setApiKey(event.currentTarget.value)}
        />
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy} aria-busy={busy ? 'true' : undefined}>
          {t('signIn')}
        </button>
      </form>
    </section>
  );
}

interface SignedInProps {
  session: Extract<SessionView, { signedIn: true }>;
  busy: boolean;
  error: string | null;
  onSignOut: () => void;
}

function SignedIn({ session, busy, error, onSignOut }: SignedInProps) {
  const { user, workspace } = session.account;
  return (
    <section aria-labelledby="account-title">
      <h2 id="account-title">{t('account')}</h2>
      <p role="status">{t('signedInStatus')}</p>
      <dl class="facts">
        <dt>{t('signedInAs')}</dt>
        <dd>{user.email}</dd>
        <dt>{t('workspace')}</dt>
        <dd>{workspace.name}</dd>
        <dt>{t('plan')}</dt>
        <dd>{planName(workspace.plan)}</dd>
        <dt>{t('renews')}</dt>
        <dd>{formatDate(workspace.renewsAt)}</dd>
        <dt>{t('server')}</dt>
        <dd>{session.serverUrl}</dd>
      </dl>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="button" disabled={busy} onClick={onSignOut}>
        {t('signOut')}
      </button>
    </section>
  );
}

function SignedInTabs({
  session,
  createTabs,
  children,
}: {
  session: Extract<SessionView, { signedIn: true }>;
  createTabs: () => TabStores;
  children: ComponentChildren;
}) {
  // New stores for each account: another account's ledger or members must never show.
  const tabs = useMemo(createTabs, [createTabs, session.pool, session.account.user.id]);
  // The server refuses members workspace requests; the tab is not even offered to them.
  const admin = session.account.user.role === 'admin';
  const leads = tabs.leads;
  const bulk = tabs.bulk;
  return (
    <Tabs
      label={t('optionsTitle')}
      tabs={[
        { id: 'account', title: t('account'), panel: () => children },
        ...(leads
          ? [{ id: 'leads', title: t('leadsTab'), panel: () => <LeadsTab store={leads.store} send={leads.send} /> }]
          : []),
        ...(bulk
          ? [{ id: 'bulk', title: t('bulkTab'), panel: () => <BulkTab store={bulk.store} send={bulk.send} /> }]
          : []),
        { id: 'usage', title: t('usageTab'), panel: () => <UsageTab store={tabs.usage} admin={admin} /> },
        ...(admin
          ? [
              {
                id: 'workspace',
                title: t('workspaceTab'),
                panel: () => <WorkspaceTab store={tabs.workspace} selfId={session.account.user.id} />,
              },
            ]
          : []),
      ]}
    />
  );
}
