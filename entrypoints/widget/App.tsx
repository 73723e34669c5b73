import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { CopyText } from '../../components/clipboard.ts';
import { CopyButton } from '../../components/CopyButton.tsx';
import { DiscoveryToggles } from '../../components/DiscoveryToggles.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { ExportDialog } from '../../components/ExportDialog.tsx';
import { formatDate, typeTitle, typeWord } from '../../components/format.ts';
import { formatList, plural, t, type MessageKey } from '../../i18n/messages.ts';
import { useStore } from '../../components/useStore.ts';
import { send as sendToBackground, type Send } from '../../messaging/client.ts';
import type { ContactValue } from '../../shared/api.ts';
import { REVEAL_TYPES, type RevealType } from '../../shared/credits.ts';
import type { Cost } from '../../shared/discovery.ts';
import type { ProfileSnapshot, SessionView, WidgetState } from '../../shared/protocol.ts';
import { rowView, shownSettings, type RowView, type WidgetStore } from './store.ts';

interface Props {
  store: WidgetStore;
  /** Injected in tests; the real clipboard otherwise. */
  copy?: CopyText;
  /** The export dialog's sender (it asks the background itself); the real one unless a test says otherwise. */
  send?: Send;
}

/** The buttons that collapse and expand the widget, focused after a toggle the user made here. */
const COLLAPSE_ID = 'leadlens-collapse';
const EXPAND_ID = 'leadlens-expand';

/**
 * The widget shown beside a profile: the lead and one row per reveal type, or, collapsed, a
 * small handle. Collapsed or not is stored for every tab; the content script sizes the frame
 * from the same flag. Escape collapses it (this page only hears keys while focus is in it).
 */
export function App({ store, copy, send }: Props) {
  const collapsed = useStore(store, (state) => state.collapsed);
  // Set by a toggle made here (a click, Escape): the focus follows to the other button.
  // A change made in another tab moves no focus.
  const moveFocus = useRef(false);
  const toggle = (next: boolean) => {
    moveFocus.current = true;
    void store.getState().setCollapsed(next);
  };

  useEffect(() => {
    if (collapsed !== false) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      event.preventDefault();
      toggle(true);
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [collapsed]);

  useEffect(() => {
    if (!moveFocus.current || collapsed === null) return;
    moveFocus.current = false;
    document.getElementById(collapsed ? EXPAND_ID : COLLAPSE_ID)?.focus();
  }, [collapsed]);

  // A moment while the flag is read: nothing rather than the wrong size's content.
  if (collapsed === null) return <main class="widget" aria-busy="true" />;
  if (collapsed) {
    return (
      <main class="collapsed">
        <button
          type="button"
          id={EXPAND_ID}
          class="handle"
          aria-label={t('widgetExpand')}
          title={t('widgetExpand')}
          onClick={() => toggle(false)}
        >
          <span class="brand">LeadLens</span>
          <span class="handle-chevron" aria-hidden="true">
            ‹
          </span>
        </button>
      </main>
    );
  }
  return <Widget store={store} copy={copy} send={send} onCollapse={() => toggle(true)} />;
}

function Widget({ store, copy, send = sendToBackground, onCollapse }: Props & { onCollapse: () => void }) {
  const state = useStore(store);
  const [settingsOpen, setSettingsOpen] = useState(false);
  /** The lead the export dialog was opened for: it closes when the tab moves to another lead. */
  const [exporting, setExporting] = useState<string | null>(null);
  const { view } = state;
  const shownSlug = view?.profile?.slug;
  useEffect(() => {
    setExporting((open) => (open !== null && open !== shownSlug ? null : open));
  }, [shownSlug]);
  const bar = (settings: boolean, children: ComponentChildren) => (
    <main class="widget" aria-busy={state.phase === 'loading' && !view ? 'true' : undefined}>
      <div class="widget-bar">
        <p class="brand">LeadLens</p>
        <div class="widget-actions">
          {settings && <SettingsButton open={settingsOpen} onToggle={() => setSettingsOpen(!settingsOpen)} />}
          <button
            type="button"
            id={COLLAPSE_ID}
            class="icon-button"
            aria-label={t('widgetCollapse')}
            title={t('widgetCollapse')}
            onClick={onCollapse}
          >
            <span aria-hidden="true">−</span>
          </button>
        </div>
      </div>
      {settings && <SettingsPanel store={store} open={settingsOpen} />}
      {children}
    </main>
  );

  if (state.phase === 'loading' && !view) return bar(false, <p class="muted">{t('loading')}</p>);
  if (state.phase === 'failed' || !view) {
    return bar(
      false,
      <ErrorNotice message={state.loadError?.message ?? t('widgetLoadFailed')} onRetry={() => void state.load()} />,
    );
  }
  if (!view.profile) return bar(false, <p class="muted">{t('widgetNoProfile')}</p>);

  const session = view.session;
  return bar(
    session.signedIn,
    <>
      <Lead profile={view.profile} />
      {session.signedIn ? (
        <ul class="rows" aria-label={t('widgetContactData')}>
          {REVEAL_TYPES.map((type) => (
            <RevealRow
              key={type}
              type={type}
              row={rowView(state, type)}
              reveal={() => void state.reveal(type)}
              session={session}
              copy={copy}
            />
          ))}
        </ul>
      ) : (
        <div class="notice">
          {session.reason && <p role="alert">{session.reason.message}</p>}
          <p>{t('widgetSignInPrompt')}</p>
          <button type="button" class="primary" onClick={() => state.signIn()}>
            {t('signIn')}
          </button>
        </div>
      )}
      {session.signedIn && poolRevealedSome(view) && (
        // Exporting asks for a confirmation with its cost (R5); the background makes the file.
        <button type="button" class="export-button" onClick={() => setExporting(view.profile?.slug ?? null)}>
          {t('exportToCsv')}
        </button>
      )}
      {exporting !== null && view.profile?.slug === exporting && (
        <ExportDialog
          leads={[exporting]}
          target="csv"
          send={send}
          labelOf={() => view.profile?.name ?? view.profile?.slug ?? ''}
          onClose={() => setExporting(null)}
        />
      )}
      {state.warning && (
        <p class="muted small" role="status">
          {state.warning.message}
        </p>
      )}
    </>,
  );
}

/**
 * The pool has revealed at least one type of the lead: shown here, or paid elsewhere (another
 * device or member, R3) as discovery's availability read says. Only then is there something
 * to export: the server exports only what the pool revealed.
 */
function poolRevealedSome(view: WidgetState): boolean {
  return REVEAL_TYPES.some((type) => view.lead?.[type].status === 'revealed' || view.discovery?.cost[type] === 'free');
}

/** Shows and hides the discovery toggles (as in the popup, which also has the guard). */
function SettingsButton({ open, onToggle }: { open: boolean; onToggle: () => void }) {
  return (
    <button
      type="button"
      class="icon-button"
      aria-expanded={open}
      aria-controls="discovery-settings"
      title={t('discoverySettings')}
      onClick={onToggle}
    >
      <span aria-hidden="true">⚙</span>
      <span class="visually-hidden">{t('discoverySettings')}</span>
    </button>
  );
}

function SettingsPanel({ store, open }: { store: WidgetStore; open: boolean }) {
  const settings = useStore(store, shownSettings);
  const saving = useStore(store, (state) => state.pendingSettings.length > 0);
  const error = useStore(store, (state) => state.settingsError);
  if (!settings) return null;
  // Always in the page (hidden when closed), so aria-controls names an element.
  return (
    <div id="discovery-settings" class="settings-panel" hidden={!open}>
      {open && (
        <DiscoveryToggles
          settings={settings}
          onChange={(patch) => void store.getState().changeSettings(patch)}
          saving={saving}
          error={error}
        />
      )}
      <p class="muted small">{t('widgetSettingsNote')}</p>
    </div>
  );
}

const FIELD_WORDS: Record<ProfileSnapshot['unreadable'][number], MessageKey> = {
  name: 'fieldName',
  headline: 'fieldHeadline',
  company: 'fieldCompany',
  location: 'fieldLocation',
};

function Lead({ profile }: { profile: ProfileSnapshot }) {
  const name = profile.name ?? profile.slug;
  const unreadable = profile.unreadable.map((field) => t(FIELD_WORDS[field]));
  return (
    <header class="lead">
      <h1 class="lead-name ellipsis" dir="auto" title={name}>
        {name}
      </h1>
      {profile.headline && (
        <p class="lead-headline clamp" dir="auto" title={profile.headline}>
          {profile.headline}
        </p>
      )}
      {profile.company && (
        <p class="ellipsis" dir="auto" title={profile.company}>
          <span class="visually-hidden">{t('leadCompany')} </span>
          {profile.company}
        </p>
      )}
      {profile.location && (
        <p class="ellipsis muted" dir="auto" title={profile.location}>
          <span class="visually-hidden">{t('leadLocation')} </span>
          {profile.location}
        </p>
      )}
      {unreadable.length > 0 && <p class="muted small">{t('unreadableFields', formatList(unreadable))}</p>}
    </header>
  );
}

const REVEAL_NAMES: Record<RevealType, MessageKey> = {
  b2bEmail: 'reveal_b2bEmail',
  phone: 'reveal_phone',
  directEmail: 'reveal_directEmail',
};

interface RowProps {
  type: RevealType;
  row: RowView;
  reveal: () => void;
  session: Extract<SessionView, { signedIn: true }>;
  copy: CopyText | undefined;
}

function RevealRow({ type, row, reveal, session, copy }: RowProps) {
  const word = typeWord(type);
  const titleId = `row-${type}`;

  let body;
  if ('kind' in row) {
    if (row.kind === 'pending' || row.kind === 'ready') {
      const pending = row.kind === 'pending';
      body = (
        <div class="row-action">
          <button
            type="button"
            class="primary"
            aria-label={t(REVEAL_NAMES[type])}
            disabled={pending}
            aria-busy={pending ? 'true' : undefined}
            onClick={reveal}
          >
            {pending ? t('revealing') : t('revealButton')}
          </button>
          {row.kind === 'ready' && (
            <span class="muted small cost">
              {costWords(type, row.cost)}
              {row.cost !== 'free' &&
                row.cost !== 'noData' &&
                row.remaining !== null &&
                ` · ${plural('creditsLeft', row.remaining)}`}
            </span>
          )}
          {row.kind === 'ready' && row.kept !== null && (
            <p class="muted small">{plural('keptForClicks', row.kept, word)}</p>
          )}
        </div>
      );
    } else {
      body = <ErrorNotice message={row.message} onRetry={reveal} />;
    }
  } else if (row.status === 'revealed') {
    body = (
      <ul class="values">
        {row.values.map((value) => (
          <Value key={value.value} value={value} copy={copy} />
        ))}
      </ul>
    );
  } else if (row.status === 'notFound') {
    body = <p role="status">{t('notFound', word)}</p>;
  } else if (row.status === 'insufficientCredits') {
    // Credits can come back (an admin adds some, the month renews): the background reads the
    // figures again before it refuses once more.
    body = (
      <div class="notice">
        <div role="status">
          {row.memberLimit ? (
            <>
              <p>{plural('memberLimitReached', row.memberLimit.limit, word)}</p>
              <p class="muted small">{t('memberLimitAdvice', formatDate(session.account.workspace.renewsAt))}</p>
            </>
          ) : (
            <>
              <p>{plural('outOfCredits', row.remaining, word)}</p>
              <p class="muted small">{outOfCreditsAdvice(type, session)}</p>
            </>
          )}
        </div>
        <button type="button" onClick={reveal}>
          {t('checkAgain')}
        </button>
      </div>
    );
  } else {
    body = <ErrorNotice message={row.message} onRetry={reveal} />;
  }

  return (
    <li class="row" role="group" aria-labelledby={titleId}>
      <h2 class="row-title" id={titleId}>
        {typeTitle(type)}
      </h2>
      {body}
    </li>
  );
}

/** What a click costs, beside the button: "1 phone credit", "Free, already paid", "No data". */
function costWords(type: RevealType, cost: Cost): string {
  if (cost === 'free') return t('costFree');
  if (cost === 'noData') return t('costNoData');
  return plural('costCredits', 1, typeWord(type));
}

function outOfCreditsAdvice(type: RevealType, session: Extract<SessionView, { signedIn: true }>): string {
  const { plan, renewsAt } = session.account.workspace;
  const renewal = t('creditsRenewOn', formatDate(renewsAt));
  if (plan === 'free') return `${renewal} ${t('upgradeForMore')}`;
  // There are no B2B email add-ons (R10).
  if (type === 'b2bEmail') return renewal;
  return `${renewal} ${t('adminCanAdd', typeWord(type))}`;
}

function Value({ value, copy }: { value: ContactValue; copy: CopyText | undefined }) {
  return (
    <li class="value">
      <span class="value-text ellipsis" dir="ltr" title={value.value}>
        {value.value}
      </span>
      {value.phoneKind && (
        <span class="tag">{value.phoneKind === 'mobile' ? t('phoneMobile') : t('phoneLandline')}</span>
      )}
      <CopyButton value={value.value} copy={copy} />
    </li>
  );
}
