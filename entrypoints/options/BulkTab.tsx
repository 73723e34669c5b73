import './bulk.css';
import { useEffect, useState } from 'preact/hooks';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { ExportDialog } from '../../components/ExportDialog.tsx';
import { typeTitle } from '../../components/format.ts';
import { useStore } from '../../components/useStore.ts';
import { formatList, plural, t, type MessageKey } from '../../i18n/messages.ts';
import type { Send } from '../../messaging/client.ts';
import { MAX_EXPORT_LEADS } from '../../shared/export-limits.ts';
import { REVEAL_TYPES, type RevealType } from '../../shared/credits.ts';
import type { BulkJobView, BulkRowStatus, BulkRowView } from '../../shared/protocol.ts';
import { BULK_PAGE_SIZE, type BulkPreview, type BulkStore } from './bulk-store.ts';
import { profileUrl } from '../../shared/slug.ts';

/** While a job runs with no progress seen for this long, the page asks for it (see `refresh`). */
const QUIET_MS = 10_000;

/** Invalid rows listed one by one; the rest are counted. */
const LISTED_INVALID = 20;

const ROW_STATUS: Record<BulkRowStatus, MessageKey> = {
  pending: 'bulkRow_pending',
  revealed: 'bulkRow_revealed',
  notFound: 'bulkRow_notFound',
  insufficientCredits: 'bulkRow_insufficientCredits',
  error: 'bulkRow_error',
};

const JOB_STATE: Record<BulkJobView['state'], MessageKey> = {
  running: 'bulkState_running',
  paused: 'bulkState_paused',
  done: 'bulkState_done',
  failed: 'bulkState_failed',
};

/**
 * Bulk enrichment: a CSV of profile addresses in, a job the background runs (and keeps
 * running with this page closed), its progress and its results out, exportable.
 */
export function BulkTab({ store, send }: { store: BulkStore; send: Send }) {
  const state = useStore(store);
  const { status, loadError, preview, types, job, busy, error, exporting } = state;
  const [fileError, setFileError] = useState<string | null>(null);
  useEffect(() => {
    if (store.getState().status === 'idle') void store.getState().load();
  }, [store]);
  const running = job?.state === 'running';
  const progressAt = job ? `${job.id} ${job.done}` : '';
  useEffect(() => {
    if (!running) return undefined;
    // Restarted by every progress seen: it only fires when the job has gone quiet.
    const timer = setInterval(() => void store.getState().refresh(), QUIET_MS);
    return () => clearInterval(timer);
  }, [store, running, progressAt]);

  const onFile = async (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    setFileError(null);
    try {
      store.getState().choose(file.name, await file.text());
    } catch (failure) {
      setFileError(t('bulkFileUnreadable', failure instanceof Error ? failure.message : String(failure)));
    }
  };

  if (status !== 'ready') {
    return (
      <p class="muted" aria-busy="true">
        {t('loading')}
      </p>
    );
  }
  const chosen = REVEAL_TYPES.filter((type) => types[type]);
  return (
    <section aria-labelledby="bulk-title">
      <h2 id="bulk-title">{t('bulkTitle')}</h2>
      {loadError !== null && <ErrorNotice message={loadError} onRetry={() => void store.getState().load()} />}
      {job && <JobPanel store={store} job={job} />}
      {!running && (
        <div class="form">
          <p class="muted">{job ? t('bulkNewFile') : t('bulkHelp', MAX_EXPORT_LEADS)}</p>
          <label for="bulk-file">{t('bulkFile')}</label>
          <input
            id="bulk-file"
            type="file"
            accept=".csv,.txt,text/csv,text/plain"
            onChange={(event) => void onFile(event)}
          />
          {fileError && (
            <p class="error" role="alert">
              {fileError}
            </p>
          )}
          <fieldset class="bulk-types">
            <legend>{t('bulkTypes')}</legend>
            {REVEAL_TYPES.map((type) => (
              <label key={type}>
                <input
                  type="checkbox"
                  checked={types[type]}
                  onChange={(event) => store.getState().toggleType(type, event.currentTarget.checked)}
                />
                {typeTitle(type)}
              </label>
            ))}
          </fieldset>
          <p class="muted">{t('bulkTypesHelp')}</p>
          {preview && <Preview preview={preview} types={chosen} />}
          {chosen.length === 0 && <p role="alert">{t('bulkChooseType')}</p>}
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
          {job?.state === 'paused' && <p class="notice">{t('bulkReplacesPaused', job.total - job.done)}</p>}
          <div class="buttons">
            <button
              type="button"
              class="primary"
              disabled={
                busy || !preview || preview.list.valid.length === 0 || preview.list.overCap > 0 || chosen.length === 0
              }
              aria-busy={busy ? 'true' : undefined}
              onClick={() => void store.getState().start()}
            >
              {t('bulkStart')}
            </button>
          </div>
        </div>
      )}
      {running && error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {job && <Results store={store} job={job} />}
      {exporting && (
        <ExportDialog leads={exporting} target="csv" send={send} onClose={() => store.getState().closeExport()} />
      )}
    </section>
  );
}

/** What the file holds and the most the job can cost. */
function Preview({ preview, types }: { preview: BulkPreview; types: RevealType[] }) {
  const { list } = preview;
  const distinct = list.valid.length + list.overCap;
  const atMost = list.valid.length * types.length;
  const free = preview.paid ? types.reduce((sum, type) => sum + (preview.paid?.[type] ?? 0), 0) : 0;
  return (
    <div role="status" aria-label={preview.fileName}>
      <ul class="bulk-summary">
        <li>{plural('bulkValid', list.valid.length)}</li>
        <li>{plural('bulkDuplicates', list.duplicates)}</li>
        <li>{plural('bulkInvalid', list.invalid.length)}</li>
        <li>
          <strong>{plural('bulkAtMost', atMost)}</strong> ({t('bulkAtMostHelp')})
        </li>
        {free > 0 && <li>{plural('bulkAlreadyPaid', free)}</li>}
      </ul>
      {list.overCap > 0 && (
        <p class="error" role="alert">
          {t('bulkTooMany', distinct, MAX_EXPORT_LEADS)}
        </p>
      )}
      {distinct === 0 && <p role="alert">{t('bulkNoValid')}</p>}
      {list.invalid.length > 0 && (
        <ul class="bulk-invalid">
          {list.invalid.slice(0, LISTED_INVALID).map((row) => (
            <li key={row.line}>{t('bulkInvalidLine', row.line, row.value)}</li>
          ))}
          {list.invalid.length > LISTED_INVALID && (
            <li>{plural('bulkInvalidMore', list.invalid.length - LISTED_INVALID)}</li>
          )}
        </ul>
      )}
    </div>
  );
}

function JobPanel({ store, job }: { store: BulkStore; job: BulkJobView }) {
  const busy = useStore(store, (state) => state.busy);
  const percent = job.total === 0 ? 100 : Math.round((job.done / job.total) * 100);
  const spent = job.types.map((type) => t('bulkChargedItem', typeTitle(type), job.charged[type]));
  return (
    <div class="form" aria-labelledby="bulk-state">
      <p id="bulk-state">
        <strong>{t(JOB_STATE[job.state])}</strong> · {t('bulkProgressText', job.done, job.total)}
      </p>
      <div
        class="bulk-progress"
        role="progressbar"
        aria-label={t('bulkProgress')}
        aria-valuemin={0}
        aria-valuemax={job.total}
        aria-valuenow={job.done}
        aria-valuetext={t('bulkProgressText', job.done, job.total)}
      >
        <div class="bulk-progress-bar" style={{ width: `${percent}%` }} />
      </div>
      {job.reason && job.state !== 'running' && (
        <p class="error" role="alert">
          {job.reason.message}
        </p>
      )}
      <p>{t('bulkCharged', formatList(spent))}</p>
      <p>
        {t('bulkSummary', job.counts.revealed, job.counts.notFound, job.counts.insufficientCredits, job.counts.error)}
      </p>
      <div class="buttons">
        {job.state === 'running' && (
          <button type="button" disabled={busy} onClick={() => void store.getState().pause()}>
            {t('bulkPause')}
          </button>
        )}
        {job.state === 'paused' && (
          <button type="button" class="primary" disabled={busy} onClick={() => void store.getState().resume()}>
            {t('bulkResume')}
          </button>
        )}
      </div>
    </div>
  );
}

/** The job's rows, a page at a time: 10,000 rows are never drawn at once. */
function Results({ store, job }: { store: BulkStore; job: BulkJobView }) {
  const rows = useStore(store, (state) => state.rows);
  const offset = useStore(store, (state) => state.offset);
  const anyRevealed = job.counts.revealed + job.counts.insufficientCredits > 0;
  const last = Math.min(offset + BULK_PAGE_SIZE, job.total);
  return (
    <div class="form">
      <h3>{t('bulkResults')}</h3>
      <div class="buttons">
        <button type="button" disabled={!anyRevealed} onClick={() => void store.getState().openExport()}>
          {t('bulkExport')}
        </button>
      </div>
      <table class="ledger bulk-results">
        <caption class="visually-hidden">{t('bulkResults')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('bulkColRow')}</th>
            <th scope="col">{t('bulkColProfile')}</th>
            <th scope="col">{t('bulkColStatus')}</th>
            {job.types.map((type) => (
              <th scope="col" key={type}>
                {typeTitle(type)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.index}>
              <td class="number">{row.index + 1}</td>
              <td>
                <a href={profileUrl(row.slug)} target="_blank" rel="noreferrer">
                  {row.slug}
                </a>
              </td>
              <td class={row.status === 'pending' ? 'pending' : undefined}>
                {t(ROW_STATUS[row.status])}
                {row.error ? ` (${row.error})` : ''}
              </td>
              {job.types.map((type) => (
                <td key={type}>{cellText(row, type)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {job.total > BULK_PAGE_SIZE && (
        <div class="bulk-pages">
          <button
            type="button"
            disabled={offset === 0}
            onClick={() => void store.getState().showRows(offset - BULK_PAGE_SIZE)}
          >
            {t('bulkPrevious')}
          </button>
          <span>{t('bulkPageInfo', offset + 1, last, job.total)}</span>
          <button
            type="button"
            disabled={last >= job.total}
            onClick={() => void store.getState().showRows(offset + BULK_PAGE_SIZE)}
          >
            {t('bulkNext')}
          </button>
        </div>
      )}
    </div>
  );
}

function cellText(row: BulkRowView, type: RevealType): string {
  if (row.charged.includes(type)) return t('bulkCellCharged');
  if (row.revealed.includes(type)) return t('bulkCellFree');
  if (row.notFound?.includes(type)) return t('bulkCellNotFound');
  if (row.refused?.includes(type)) return t('bulkCellRefused');
  return t('bulkCellPending');
}
