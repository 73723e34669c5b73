import { useState } from 'preact/hooks';
import type { CopyText } from '../../components/clipboard.ts';
import { CopyButton } from '../../components/CopyButton.tsx';
import { DiscoveryToggles } from '../../components/DiscoveryToggles.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { formatDate, typeTitle } from '../../components/format.ts';
import { useStore } from '../../components/useStore.ts';
import type { ContactValue } from '../../shared/api.ts';
import { CREDIT_LABELS, REVEAL_TYPES, type RevealType } from '../../shared/credits.ts';
import type { Cost } from '../../shared/discovery.ts';
import type { ProfileSnapshot, SessionView } from '../../shared/protocol.ts';
import { rowView, shownSettings, type RowView, type WidgetStore } from './store.ts';

interface Props {
  store: WidgetStore;
  /** Injected in tests; the real clipboard otherwise. */
  copy?: CopyText;
}

/** The widget shown beside a profile: the lead, and one row per reveal type. */
export function App({ store, copy }: Props) {
  const state = useStore(store);
  const { view } = state;

  if (state.phase === 'loading' && !view) {
    return (
      <main class="widget" aria-busy="true">
        <Brand />
        <p class="muted">Loading…</p>
      </main>
    );
  }
  if (state.phase === 'failed' || !view) {
    return (
      <main class="widget">
        <Brand />
        <ErrorNotice
          message={state.loadError?.message ?? 'LeadLens could not load this lead.'}
          onRetry={() => void state.load()}
        />
      </main>
    );
  }
  if (!view.profile) {
    return (
      <main class="widget">
        <Brand />
        <p class="muted">LeadLens shows a lead on LinkedIn profile pages. Reload the page if it is one.</p>
      </main>
    );
  }

  const session = view.session;
  return (
    <main class="widget">
      <div class="widget-bar">
        <Brand />
        {session.signedIn && <SettingsButton store={store} />}
      </div>
      <Lead profile={view.profile} />
      {session.signedIn ? (
        <ul class="rows" aria-label="Contact data">
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
          <p>Sign in to LeadLens to reveal this lead's contact data.</p>
          <button type="button" class="primary" onClick={() => state.signIn()}>
            Sign in
          </button>
        </div>
      )}
      {state.warning && (
        <p class="muted small" role="status">
          {state.warning.message}
        </p>
      )}
    </main>
  );
}

function Brand() {
  return <p class="brand">LeadLens</p>;
}

/** The discovery toggles behind a button, as in the popup (which also has the guard). */
function SettingsButton({ store }: { store: WidgetStore }) {
  const [open, setOpen] = useState(false);
  const settings = useStore(store, shownSettings);
  const saving = useStore(store, (state) => state.pendingSettings.length > 0);
  const error = useStore(store, (state) => state.settingsError);
  if (!settings) return null;
  return (
    <>
      <button
        type="button"
        class="icon-button"
        aria-expanded={open}
        aria-controls="discovery-settings"
        onClick={() => setOpen(!open)}
      >
        <span aria-hidden="true">⚙</span>
        <span class="visually-hidden">Discovery settings</span>
      </button>
      {/* Always in the page (hidden when closed), so aria-controls names an element. */}
      <div id="discovery-settings" class="settings-panel" hidden={!open}>
        {open && (
          <DiscoveryToggles
            settings={settings}
            onChange={(patch) => void store.getState().changeSettings(patch)}
            saving={saving}
            error={error}
          />
        )}
        <p class="muted small">Applies to the next profiles you open. The popup also has the spending guard.</p>
      </div>
    </>
  );
}

const FIELD_WORDS: Record<ProfileSnapshot['unreadable'][number], string> = {
  name: 'name',
  headline: 'headline',
  company: 'company',
  location: 'location',
};

function Lead({ profile }: { profile: ProfileSnapshot }) {
  const name = profile.name ?? profile.slug;
  const unreadable = profile.unreadable.map((field) => FIELD_WORDS[field]);
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
          <span class="visually-hidden">Company: </span>
          {profile.company}
        </p>
      )}
      {profile.location && (
        <p class="ellipsis muted" dir="auto" title={profile.location}>
          <span class="visually-hidden">Location: </span>
          {profile.location}
        </p>
      )}
      {unreadable.length > 0 && <p class="muted small">Could not read the {listWords(unreadable)} on this page.</p>}
    </header>
  );
}

function listWords(words: string[]): string {
  if (words.length < 2) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1) ?? ''}`;
}

interface RowProps {
  type: RevealType;
  row: RowView;
  reveal: () => void;
  session: Extract<SessionView, { signedIn: true }>;
  copy: CopyText | undefined;
}

function RevealRow({ type, row, reveal, session, copy }: RowProps) {
  const words = CREDIT_LABELS[type];
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
            aria-label={`Reveal ${words}`}
            disabled={pending}
            aria-busy={pending ? 'true' : undefined}
            onClick={reveal}
          >
            {pending ? 'Revealing…' : 'Reveal'}
          </button>
          {row.kind === 'ready' && (
            <span class="muted small cost">
              {costWords(type, row.cost)}
              {row.cost !== 'free' && row.cost !== 'noData' && row.remaining !== null && ` · ${row.remaining} left`}
            </span>
          )}
          {row.kind === 'ready' && row.kept !== null && (
            <p class="muted small">
              Not revealed automatically: {row.kept} {words} credit{row.kept === 1 ? ' is' : 's are'} kept for your
              clicks.
            </p>
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
    body = <p role="status">No {words} found. Nothing was charged.</p>;
  } else if (row.status === 'insufficientCredits') {
    // Credits can come back (an admin adds some, the month renews): the background reads the
    // figures again before it refuses once more.
    body = (
      <div class="notice">
        <div role="status">
          <p>
            Out of {words} credits: {row.remaining} left.
          </p>
          <p class="muted small">{outOfCreditsAdvice(type, session)}</p>
        </div>
        <button type="button" onClick={reveal}>
          Check again
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
  if (cost === 'free') return 'Free, already paid';
  if (cost === 'noData') return 'No data';
  return `1 ${CREDIT_LABELS[type]} credit`;
}

function outOfCreditsAdvice(type: RevealType, session: Extract<SessionView, { signedIn: true }>): string {
  const { plan, renewsAt } = session.account.workspace;
  const renewal = `Credits renew on ${formatDate(renewsAt)}.`;
  if (plan === 'free') return `${renewal} Upgrade to a paid plan for more.`;
  // There are no B2B email add-ons (R10).
  if (type === 'b2bEmail') return renewal;
  return `${renewal} A workspace admin can add more ${CREDIT_LABELS[type]} credits.`;
}

function Value({ value, copy }: { value: ContactValue; copy: CopyText | undefined }) {
  return (
    <li class="value">
      <span class="value-text ellipsis" dir="ltr" title={value.value}>
        {value.value}
      </span>
      {value.phoneKind && <span class="tag">{value.phoneKind === 'mobile' ? 'Mobile' : 'Landline'}</span>}
      <CopyButton value={value.value} copy={copy} />
    </li>
  );
}
