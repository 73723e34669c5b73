/**
 * Automatic discovery's switches (R9), one per reveal type, and optionally the spending
 * guard under each. Shared by the popup (with the guard) and the widget (without).
 * The parent owns the settings: it shows a change at once and puts it back if saving fails.
 */
import './controls.css';
import { useId, useRef, useState } from 'preact/hooks';
import { REVEAL_TYPES, type RevealType } from '../shared/credits.ts';
import { MAX_KEEP_AT_LEAST, type DiscoverySettings, type DiscoverySettingsPatch } from '../shared/settings.ts';
import { typeWord } from './format.ts';
import { capitalize, t, type MessageKey } from '../i18n/messages.ts';

interface Props {
  settings: DiscoverySettings;
  /** Called with only what changed, as `settingsChange` sends it. */
  onChange: (patch: DiscoverySettingsPatch) => void;
  /** Adds "Keep at least N credits for manual reveals" under each switch. */
  showGuard?: boolean;
  /** A change is on its way to the background. */
  saving?: boolean;
  /** Why the last change was not saved. */
  error?: string | null;
}

export function DiscoveryToggles({ settings, onChange, showGuard = false, saving = false, error = null }: Props) {
  return (
    <fieldset class="toggles" aria-busy={saving}>
      <legend class="section-title">{t('automaticDiscovery')}</legend>
      {REVEAL_TYPES.map((type) => (
        <div key={type} class="toggle">
          <Switch
            type={type}
            on={settings.autoReveal[type]}
            onToggle={(on) => onChange({ autoReveal: { [type]: on } })}
          />
          {showGuard && (
            <GuardInput
              type={type}
              saved={settings.keepAtLeast[type]}
              onCommit={(keep) => onChange({ keepAtLeast: { [type]: keep } })}
            />
          )}
        </div>
      ))}
      {/* Always in the page, so a screen reader hears "Saving…" when it appears. */}
      <p class="toggles-status muted small" role="status">
        {saving ? t('saving') : ''}
      </p>
      {error && (
        <p class="error small" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}

const AUTO_REVEAL: Record<RevealType, MessageKey> = {
  b2bEmail: 'autoReveal_b2bEmail',
  phone: 'autoReveal_phone',
  directEmail: 'autoReveal_directEmail',
};

function Switch({ type, on, onToggle }: { type: RevealType; on: boolean; onToggle: (on: boolean) => void }) {
  return (
    <label class="switch">
      <span class="switch-control">
        <input
          type="checkbox"
          role="switch"
          class="switch-input"
          checked={on}
          onChange={(event) => onToggle(event.currentTarget.checked)}
        />
        <span class="switch-track" aria-hidden="true" />
      </span>
      <span>{t(AUTO_REVEAL[type])}</span>
    </label>
  );
}

/** The guard as typed, or null when it is not a whole number from 0 to MAX_KEEP_AT_LEAST. */
function parseGuard(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d{1,7}$/.test(trimmed)) return null;
  const keep = Number(trimmed);
  return keep <= MAX_KEEP_AT_LEAST ? keep : null;
}

interface GuardProps {
  type: RevealType;
  saved: number;
  onCommit: (keep: number) => void;
}

/**
 * A number committed on change, Enter or leaving the field (not on every keystroke, which
 * would send "1", "10", "100"); an invalid one is explained and never sent.
 */
function GuardInput({ type, saved, onCommit }: GuardProps) {
  // What the user is typing, until it is committed; null shows the saved value, so a change
  // made elsewhere (a widget) appears here too.
  const [draft, setDraft] = useState<string | null>(null);
  const [invalid, setInvalid] = useState(false);
  // Enter, then the change event and the blur that follow it, are one commit, not three.
  const committed = useRef<number | null>(null);
  const errorId = useId();

  const commit = (input: HTMLInputElement) => {
    const keep = parseGuard(input.value);
    if (keep === null) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    setDraft(null);
    if (keep === saved || keep === committed.current) return;
    committed.current = keep;
    onCommit(keep);
  };

  return (
    <div class="guard">
      <label class="guard-label">
        {t('guardBefore')}{' '}
        <input
          type="number"
          inputMode="numeric"
          class="guard-input"
          min={0}
          max={MAX_KEEP_AT_LEAST}
          step={1}
          aria-label={capitalize(t('guardName', typeWord(type)))}
          aria-invalid={invalid}
          aria-describedby={invalid ? errorId : undefined}
          value={draft ?? String(saved)}
          onInput={(event) => {
            committed.current = null;
            setDraft(event.currentTarget.value);
          }}
          onChange={(event) => commit(event.currentTarget)}
          onBlur={(event) => commit(event.currentTarget)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') commit(event.currentTarget);
          }}
        />{' '}
        {t('guardAfter', typeWord(type))}
      </label>
      {invalid && (
        <p id={errorId} class="guard-error" role="alert">
          {t('guardInvalid', MAX_KEEP_AT_LEAST)}
        </p>
      )}
    </div>
  );
}
