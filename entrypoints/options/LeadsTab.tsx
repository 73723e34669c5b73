import './leads.css';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { ExportDialog } from '../../components/ExportDialog.tsx';
import { useStore } from '../../components/useStore.ts';
import { formatDate, plural, t, type MessageKey } from '../../i18n/messages.ts';
import type { Send } from '../../messaging/client.ts';
import type { ExportTarget, PoolLead } from '../../shared/api.ts';
import { MAX_EXPORT_LEADS } from '../../shared/export-limits.ts';
import {
  contactValues,
  LEAD_SORTS,
  matchingLeads,
  selectedLeads,
  type LeadEntry,
  type LeadSort,
  type LeadsStore,
} from './leads-store.ts';
import { profileUrl } from '../../shared/slug.ts';

/** Every row is this tall (CSS `--lead-row` says the same): the window is computed, not measured. */
export const LEAD_ROW_HEIGHT = 52;
/** Rows drawn above and below the visible ones, so a fast scroll or a key press shows no gap. */
const OVERSCAN = 8;

const SORT_WORDS: Record<LeadSort, MessageKey> = {
  revealed: 'leadsSort_revealed',
  name: 'leadsSort_name',
  exports: 'leadsSort_exports',
};

/** The pool's revealed leads: search, sort, select, export; and the CRM webhook. */
export function LeadsTab({ store, send }: { store: LeadsStore; send: Send }) {
  const state = useStore(store);
  const [exporting, setExporting] = useState<{ leads: string[]; target: ExportTarget } | null>(null);
  useEffect(() => {
    // Each time the tab is shown: the list may have changed while another tab was.
    void store.getState().load();
    void store.getState().loadWebhook();
  }, [store]);

  const { status, entries, loadError, stale, syncedAt, refreshing } = state;
  const matching = matchingLeads(state);
  const chosen = selectedLeads(state);
  const names = useMemo(
    () => new Map(entries.map((entry) => [entry.lead.lead, entry.lead.name ?? entry.lead.lead])),
    [entries],
  );

  return (
    <>
      <section aria-labelledby="leads-title" class="leads">
        <h2 id="leads-title">{t('leadsTitle')}</h2>
        <p class="muted small">{t('leadsHelp')}</p>
        {stale && (
          <ErrorNotice
            message={
              syncedAt ? t('leadsStale', stale.message, formatDate(syncedAt)) : t('leadsStaleNever', stale.message)
            }
            onRetry={() => void store.getState().load()}
          />
        )}
        {loadError && entries.length === 0 && (
          <ErrorNotice message={loadError} onRetry={() => void store.getState().load()} />
        )}
        {status !== 'ready' && (
          <p class="muted" aria-busy="true">
            {t('loading')}
          </p>
        )}
        {status === 'ready' && !loadError && (
          <>
            <Controls store={store} matching={matching} />
            <p class="muted small leads-summary" role="status">
              {state.query.trim()
                ? plural('leadsMatching', matching.length, entries.length)
                : plural('leadsTotal', entries.length)}
              {' · '}
              {plural('leadsSelected', state.selected.size)}
              {refreshing && ` · ${t('leadsRefreshing')}`}
            </p>
            <ExportToolbar
              chosen={chosen}
              webhookSet={!!state.webhook.config?.url}
              onExport={(target) => setExporting({ leads: chosen, target })}
              onClear={() => store.getState().clearSelection()}
            />
            {entries.length === 0 ? (
              <p>{t('leadsEmpty')}</p>
            ) : matching.length === 0 ? (
              <p>{t('leadsNoMatch', state.query.trim())}</p>
            ) : (
              <LeadList
                store={store}
                rows={matching}
                selected={state.selected}
                resetKey={`${state.sort} ${state.query}`}
              />
            )}
          </>
        )}
      </section>
      <WebhookSettings store={store} />
      {exporting && (
        <ExportDialog
          leads={exporting.leads}
          target={exporting.target}
          send={send}
          labelOf={(slug) => names.get(slug) ?? slug}
          onDone={(outcome) => store.getState().applyExported(outcome.rows)}
          onClose={() => setExporting(null)}
        />
      )}
    </>
  );
}

function Controls({ store, matching }: { store: LeadsStore; matching: LeadEntry[] }) {
  const { query, sort, selected } = useStore(store);
  const selectAll = useRef<HTMLInputElement>(null);
  let chosen = 0;
  for (const entry of matching) if (selected.has(entry.lead.lead)) chosen++;
  const all = matching.length > 0 && chosen === matching.length;
  const some = chosen > 0 && !all;
  useLayoutEffect(() => {
    if (selectAll.current) selectAll.current.indeterminate = some;
  }, [some]);

  return (
    <div class="filters leads-controls">
      <label>
        {t('leadsSearch')}
        <input
          type="search"
          value={query}
          placeholder={t('leadsSearchHint')}
          spellcheck={false}
          autoComplete="off"
          onInput={(event) => store.getState().setQuery(event.currentTarget.value)}
        />
      </label>
      <label>
        {t('leadsSort')}
        <select value={sort} onChange={(event) => store.getState().setSort(event.currentTarget.value as LeadSort)}>
          {LEAD_SORTS.map((option) => (
            <option key={option} value={option}>
              {t(SORT_WORDS[option])}
            </option>
          ))}
        </select>
      </label>
      <label class="leads-select-all">
        <input
          ref={selectAll}
          type="checkbox"
          checked={all}
          disabled={matching.length === 0}
          onChange={(event) => store.getState().selectMatching(event.currentTarget.checked)}
        />
        {t('leadsSelectAll')}
      </label>
    </div>
  );
}

function ExportToolbar({
  chosen,
  webhookSet,
  onExport,
  onClear,
}: {
  chosen: string[];
  webhookSet: boolean;
  onExport: (target: ExportTarget) => void;
  onClear: () => void;
}) {
  const none = chosen.length === 0;
  const tooMany = chosen.length > MAX_EXPORT_LEADS;
  const blocked = none || tooMany;
  const hint = none ? t('leadsSelectFirst') : tooMany ? t('leadsTooMany', MAX_EXPORT_LEADS) : null;
  return (
    <div class="leads-toolbar">
      <div role="toolbar" aria-label={t('leadsExportActions')} class="buttons">
        <button type="button" class="primary" disabled={blocked} onClick={() => onExport('csv')}>
          {t('exportToCsv')}
        </button>
        <button type="button" disabled={blocked} onClick={() => onExport('hubspotCsv')}>
          {t('leadsExportHubspot')}
        </button>
        <button
          type="button"
          disabled={blocked || !webhookSet}
          aria-describedby={webhookSet ? undefined : 'leads-crm-hint'}
          onClick={() => onExport('webhook')}
        >
          {t('leadsSendCrm')}
        </button>
        {!none && (
          <button type="button" class="link" onClick={onClear}>
            {t('leadsClearSelection')}
          </button>
        )}
      </div>
      {hint && <p class="muted small">{hint}</p>}
      {!webhookSet && (
        <p id="leads-crm-hint" class="muted small">
          {t('leadsWebhookFirst')}
        </p>
      )}
    </div>
  );
}

/**
 * The list, windowed: one scroll container whose content is as tall as every row, with only
 * the rows in view (plus OVERSCAN) in the page, so 10,000 leads cost what 30 do. One row at a
 * time is in the Tab order (roving tabindex); arrow keys, Page Up/Down, Home and End move
 * between rows and scroll to them.
 */
function LeadList({
  store,
  rows,
  selected,
  resetKey,
}: {
  store: LeadsStore;
  rows: LeadEntry[];
  selected: ReadonlySet<string>;
  /** The search and sort: a new one starts at the top (a list read again keeps its place). */
  resetKey: string;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(0);
  const [active, setActive] = useState(0);
  const focusNext = useRef(false);
  const drawn = useRef(false);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    setHeight(element.clientHeight);
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    if (scroller.current) scroller.current.scrollTop = 0;
    setScrollTop(0);
    setActive(0);
  }, [resetKey]);

  // `npm run bench` times the page by this mark: the frame after the first rows were drawn.
  useEffect(() => {
    if (drawn.current || rows.length === 0) return;
    drawn.current = true;
    requestAnimationFrame(() => performance.mark('leadlens:leads-rows'));
  }, [rows]);

  const view = height || LEAD_ROW_HEIGHT * 12;
  const first = Math.max(0, Math.floor(scrollTop / LEAD_ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + view) / LEAD_ROW_HEIGHT) + OVERSCAN);
  const current = Math.min(active, rows.length - 1);
  // The row in the Tab order: the active one when drawn, else the first one in view.
  const tabbable =
    current >= first && current < last ? current : Math.min(rows.length - 1, Math.ceil(scrollTop / LEAD_ROW_HEIGHT));

  useEffect(() => {
    if (!focusNext.current) return;
    focusNext.current = false;
    scroller.current?.querySelector<HTMLElement>(`[data-index="${current}"] input`)?.focus();
  }, [current, first]);

  const moveTo = (index: number) => {
    const element = scroller.current;
    if (!element) return;
    const to = Math.max(0, Math.min(rows.length - 1, index));
    const top = to * LEAD_ROW_HEIGHT;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + LEAD_ROW_HEIGHT > element.scrollTop + element.clientHeight) {
      element.scrollTop = top + LEAD_ROW_HEIGHT - element.clientHeight;
    }
    setScrollTop(element.scrollTop);
    focusNext.current = true;
    setActive(to);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
    if (!row) return;
    const index = Number(row.dataset.index);
    const page = Math.max(1, Math.floor(view / LEAD_ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      PageDown: index + page,
      PageUp: index - page,
      Home: 0,
      End: rows.length - 1,
    };
    const to = moves[event.key];
    if (to === undefined) return;
    event.preventDefault();
    moveTo(to);
  };

  const drawnRows = [];
  for (let index = first; index < last; index++) {
    const entry = rows[index];
    if (!entry) continue;
    drawnRows.push(
      <LeadRow
        key={entry.lead.lead}
        index={index}
        lead={entry.lead}
        checked={selected.has(entry.lead.lead)}
        tabbable={index === tabbable}
        onToggle={(on) => store.getState().toggle(entry.lead.lead, on)}
        onFocus={() => setActive(index)}
      />,
    );
  }

  return (
    <div class="leads-table" role="table" aria-label={t('leadsTitle')} aria-rowcount={rows.length + 1}>
      <div role="rowgroup" class="leads-head">
        <div role="row" aria-rowindex={1} class="lead-row">
          <span role="columnheader">
            <span class="visually-hidden">{t('leadsSelectAll')}</span>
          </span>
          <span role="columnheader">{t('leadsColumnName')}</span>
          <span role="columnheader">{t('leadsColumnCompany')}</span>
          <span role="columnheader">{t('leadsColumnData')}</span>
          <span role="columnheader">{t('leadsColumnRevealed')}</span>
          <span role="columnheader">{t('leadsColumnExports')}</span>
        </div>
      </div>
      <div
        ref={scroller}
        role="rowgroup"
        class="leads-scroll"
        onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
        onKeyDown={onKeyDown}
      >
        <div class="leads-spacer" style={{ height: `${rows.length * LEAD_ROW_HEIGHT}px` }}>
          {drawnRows}
        </div>
      </div>
    </div>
  );
}

interface RowProps {
  index: number;
  lead: PoolLead;
  checked: boolean;
  tabbable: boolean;
  onToggle: (on: boolean) => void;
  onFocus: () => void;
}

function LeadRow({ index, lead, checked, tabbable, onToggle, onFocus }: RowProps) {
  const name = lead.name ?? lead.lead;
  const values = contactValues(lead);
  const data = values.map((value) => value.value).join(' · ');
  const tab = tabbable ? 0 : -1;
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={checked ? 'true' : 'false'}
      class="lead-row"
      data-index={index}
      style={{ transform: `translateY(${index * LEAD_ROW_HEIGHT}px)` }}
      onFocusCapture={onFocus}
    >
      <span role="cell">
        <input
          type="checkbox"
          tabIndex={tab}
          checked={checked}
          aria-label={t('leadsSelect', name)}
          onChange={(event) => onToggle(event.currentTarget.checked)}
        />
      </span>
      <span role="cell" class="lead-cell">
        <a
          class="ellipsis"
          dir="auto"
          tabIndex={tab}
          href={profileUrl(lead.lead)}
          target="_blank"
          rel="noreferrer"
          title={name}
        >
          {name}
        </a>
        {/* A space between the lines, so a screen reader does not run the words together. */}{' '}
        {lead.headline && (
          <span class="ellipsis muted small" dir="auto" title={lead.headline}>
            {lead.headline}
          </span>
        )}
      </span>
      <span role="cell" class="lead-cell">
        <span class="ellipsis" dir="auto" title={lead.company ?? undefined}>
          {lead.company ?? '—'}
        </span>
      </span>
      <span role="cell" class="lead-cell lead-values">
        <span class="clamp small" dir="ltr" title={data}>
          {data || t('leadsNoData')}
        </span>
      </span>
      <span role="cell" class="lead-cell small">
        {formatDate(lead.revealedAt)}
      </span>
      <span role="cell" class="lead-cell small">
        {lead.exports === 0 ? (
          <span class="muted">{t('leadsNeverExported')}</span>
        ) : (
          <>
            <span>{plural('leadsExportCount', lead.exports)}</span>{' '}
            {lead.lastExportedAt && (
              <span class="muted ellipsis">{t('leadsLastExported', formatDate(lead.lastExportedAt))}</span>
            )}
          </>
        )}
      </span>
    </div>
  );
}

function WebhookSettings({ store }: { store: LeadsStore }) {
  const webhook = useStore(store, (state) => state.webhook);
  const [url, setUrl] = useState<string | null>(null);
  const [secret, setSecret] = useState('');
  const [clearSecret, setClearSecret] = useState(false);
  const config = webhook.config;
  const shownUrl = url ?? config?.url ?? '';

  const onSubmit = (event: Event) => {
    event.preventDefault();
    // Synchronous up to the permission prompt: it needs this click's user gesture.
    void store
      .getState()
      .saveWebhook(shownUrl, secret, clearSecret)
      .then(() => {
        if (store.getState().webhook.error === null) {
          setUrl(null);
          setSecret('');
          setClearSecret(false);
        }
      });
  };

  return (
    <section aria-labelledby="webhook-title">
      <h2 id="webhook-title">{t('webhookTitle')}</h2>
      <p class="muted small">{t('webhookHelp')}</p>
      {webhook.loadError && !config ? (
        <ErrorNotice message={webhook.loadError} onRetry={() => void store.getState().loadWebhook()} />
      ) : (
        <form class="form" onSubmit={onSubmit} noValidate>
          <label for="webhook-url">{t('webhookUrl')}</label>
          <input
            id="webhook-url"
            type="url"
            inputMode="url"
            spellcheck={false}
            autoComplete="off"
            placeholder="https://"
            value={shownUrl}
            aria-describedby="webhook-url-hint"
            onInput={(event) => setUrl(event.currentTarget.value)}
          />
          <p id="webhook-url-hint" class="muted small">
            {t('webhookRemoveHint')}
          </p>
          <label for="webhook-secret">{t('webhookSecret')}</label>
          <input
            id="webhook-secret"
            type="password"
            autoComplete="new-password"
            spellcheck={false}
            value={secret}
            disabled={clearSecret}
            aria-describedby="webhook-secret-hint"
            onInput={(event) => setSecret(event.currentTarget.value)}
          />
          <p id="webhook-secret-hint" class="muted small">
            {config?.hasSecret ? t('webhookSecretKeep') : t('webhookSecretOptional')}
          </p>
          {config?.hasSecret && (
            <label class="leads-select-all">
              <input
                type="checkbox"
                checked={clearSecret}
                onChange={(event) => setClearSecret(event.currentTarget.checked)}
              />
              {t('webhookSecretClear')}
            </label>
          )}
          {webhook.error && (
            <p class="error" role="alert">
              {webhook.error}
            </p>
          )}
          <button
            type="submit"
            class="primary"
            disabled={webhook.busy || config === null}
            aria-busy={webhook.busy ? 'true' : undefined}
          >
            {t('webhookSave')}
          </button>
          <p role="status" class="small">
            {webhook.saved === 'saved' ? t('webhookSaved') : webhook.saved === 'removed' ? t('webhookRemoved') : ''}
          </p>
        </form>
      )}
    </section>
  );
}
