import './export-dialog.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Send } from '../messaging/client.ts';
import type { ExportQuote, ExportTarget } from '../shared/api.ts';
import type { ExportOutcome, WebhookDelivery } from '../shared/protocol.ts';
import { formatDate, formatList, plural, t, type MessageKey } from '../i18n/messages.ts';
import { ErrorNotice } from './ErrorNotice.tsx';
import { saveFile as saveFileInPage, type SavedFile } from './save-file.ts';

/**
 * How long the dialog waits for an export: a large one, or a webhook delivery with retries,
 * takes minutes (a page's usual 30 s would report a failure while it goes on). A page that
 * gives up anyway loses nothing: Retry under the same export id replays it free.
 */
const EXPORT_RUN_TIMEOUT_MS = 5 * 60_000;

export interface ExportDialogProps {
  /** The leads to export (slugs), in the order the file should list them. */
  leads: string[];
  target: ExportTarget;
  send: Send;
  /** How a lead is named in the dialog (its name); the slug when not given. */
  labelOf?: (slug: string) => string;
  /** Called once the export was charged and its file saved (or its leads delivered). */
  onDone?: (outcome: ExportOutcome) => void;
  onClose: () => void;
  /** Where the file goes; the page's own download unless a test says otherwise. */
  saveFile?: typeof saveFileInPage;
  /** Makes the export's id (its Idempotency-Key); a random UUID unless a test says otherwise. */
  newExportId?: () => string;
}

type Step =
  | { step: 'quoting' }
  | { step: 'quoteFailed'; message: string }
  /** `refused`: the server refused a run for want of credits (nothing charged); the quote is fresh. */
  | { step: 'quoted'; quote: ExportQuote; refused?: string }
  | { step: 'running'; quote: ExportQuote }
  | { step: 'failed'; quote: ExportQuote; message: string }
  | { step: 'done'; quote: ExportQuote; outcome: ExportOutcome; saved: SavedFile | null };

const TARGET_WORDS: Record<ExportTarget, MessageKey> = {
  csv: 'exportTarget_csv',
  hubspotCsv: 'exportTarget_hubspotCsv',
  webhook: 'exportTarget_webhook',
};

/** How many previous exports the dialog names one by one; the rest are counted. */
const LISTED_BEFORE = 10;

/**
 * The confirmation before an export spends credits (R5, R6): what it costs, what is left,
 * which leads were exported before and how often. Confirming makes the export's id once;
 * Retry sends the same id, which the background sends as the Idempotency-Key, so a lost
 * answer is replayed, never charged twice. A CSV is saved only once the server has charged
 * (the background makes the file from the charged rows) and stays available here, free.
 */
export function ExportDialog({
  leads,
  target,
  send,
  labelOf = (slug) => slug,
  onDone,
  onClose,
  saveFile = saveFileInPage,
  newExportId = () => crypto.randomUUID(),
}: ExportDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [state, setState] = useState<Step>({ step: 'quoting' });
  /** Made when the user confirms; kept for Retry; dropped when a refusal asks for a new quote. */
  const exportId = useRef<string | null>(null);
  const alive = useRef(true);
  const saved = useRef<SavedFile | null>(null);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    alive.current = true;
    return () => {
      alive.current = false;
      saved.current?.revoke();
      if (element?.open) element.close();
    };
  }, []);

  const quote = async (refused?: string) => {
    setState({ step: 'quoting' });
    const reply = await send('exportQuote', { leads });
    if (!alive.current) return;
    if (reply.ok) setState({ step: 'quoted', quote: reply.data, ...(refused ? { refused } : {}) });
    else setState({ step: 'quoteFailed', message: reply.error.message });
  };

  useEffect(() => {
    void quote();
    // One quote per dialog: its leads and target do not change while it is open.
  }, []);

  const run = async (current: ExportQuote) => {
    const revealed = new Set(current.leads.map((lead) => lead.lead));
    const asked = leads.filter((slug) => revealed.has(slug));
    exportId.current ??= newExportId();
    setState({ step: 'running', quote: current });
    const reply = await send('exportRun', { exportId: exportId.current, leads: asked, target }, EXPORT_RUN_TIMEOUT_MS);
    if (!alive.current) return;
    if (!reply.ok) {
      if (reply.error.code === 'insufficient_credits' || reply.error.code === 'refused') {
        // Refused whole, nothing charged (R6): the figures (or the leads the pool revealed,
        // or the pool itself) changed since the quote. A new confirmation is a new export.
        exportId.current = null;
        await quote(reply.error.message);
        return;
      }
      setState({ step: 'failed', quote: current, message: reply.error.message });
      return;
    }
    const outcome = reply.data;
    let file: SavedFile | null = null;
    if (target !== 'webhook') {
      if (!outcome.file) {
        setState({ step: 'failed', quote: current, message: t('exportNoFile') });
        return;
      }
      // Only now, after the server charged: R6's "nothing written" holds for every refusal.
      file = saveFile(outcome.file);
      saved.current?.revoke();
      saved.current = file;
    }
    setState({ step: 'done', quote: current, outcome, saved: file });
    onDone?.(outcome);
  };

  const busy = state.step === 'running' || state.step === 'quoting';
  const close = () => {
    if (state.step !== 'running') onClose();
  };

  return (
    <dialog
      ref={dialog}
      class="export-dialog"
      aria-labelledby="export-dialog-title"
      aria-busy={busy ? 'true' : undefined}
      onCancel={(event) => event.preventDefault()}
      onKeyDown={(event) => {
        // Handled here, marked as used: the widget would otherwise take Escape to collapse.
        if (event.key !== 'Escape') return;
        event.preventDefault();
        close();
      }}
    >
      <h2 id="export-dialog-title">{t('exportDialogTitle')}</h2>
      <p class="muted small">{t(TARGET_WORDS[target])}</p>
      <Body state={state} labelOf={labelOf} onRetryQuote={() => void quote()} />
      <div class="buttons">
        {(state.step === 'quoted' || state.step === 'running') && (
          <ConfirmButton state={state} onConfirm={(current) => void run(current)} />
        )}
        {state.step === 'failed' && (
          <button type="button" class="primary" onClick={() => void run(state.quote)}>
            {t('retry')}
          </button>
        )}
        {state.step === 'done' ? (
          <button type="button" onClick={onClose}>
            {t('closeAction')}
          </button>
        ) : (
          <button type="button" disabled={state.step === 'running'} onClick={close}>
            {t('cancelAction')}
          </button>
        )}
      </div>
    </dialog>
  );
}

function ConfirmButton({
  state,
  onConfirm,
}: {
  state: Extract<Step, { step: 'quoted' | 'running' }>;
  onConfirm: (quote: ExportQuote) => void;
}) {
  const { quote } = state;
  const running = state.step === 'running';
  const blocked = quote.needed === 0 || quote.needed > quote.available;
  return (
    <button
      type="button"
      class="primary"
      disabled={running || blocked}
      aria-busy={running ? 'true' : undefined}
      onClick={() => onConfirm(quote)}
    >
      {t('exportConfirm')}
    </button>
  );
}

function Body({
  state,
  labelOf,
  onRetryQuote,
}: {
  state: Step;
  labelOf: (slug: string) => string;
  onRetryQuote: () => void;
}) {
  switch (state.step) {
    case 'quoting':
      return <p class="muted">{t('exportQuoting')}</p>;
    case 'quoteFailed':
      return <ErrorNotice message={state.message} onRetry={onRetryQuote} />;
    case 'quoted':
      return (
        <>
          {state.refused && <ErrorNotice message={state.refused} />}
          <QuoteText quote={state.quote} labelOf={labelOf} />
        </>
      );
    case 'running':
      return (
        <>
          <QuoteText quote={state.quote} labelOf={labelOf} />
          <p role="status">{t('exportRunning')}</p>
        </>
      );
    case 'failed':
      return (
        <>
          <QuoteText quote={state.quote} labelOf={labelOf} />
          <div class="notice notice-error">
            <p role="alert">{state.message}</p>
            <p class="muted small">{t('exportRetryFree')}</p>
          </div>
        </>
      );
    case 'done':
      return <Done outcome={state.outcome} saved={state.saved} labelOf={labelOf} />;
  }
}

/** "Export 3 leads for 3 export credits. 12 left.", the refusal when short, previous exports. */
function QuoteText({ quote, labelOf }: { quote: ExportQuote; labelOf: (slug: string) => string }) {
  const before = quote.leads.filter((lead) => lead.exports > 0);
  const short = quote.needed > quote.available;
  return (
    <div class="export-quote">
      {quote.notRevealed.length > 0 && (
        <p class="small">
          {plural('exportNotRevealed', quote.notRevealed.length, formatList(quote.notRevealed.map(labelOf)))}
        </p>
      )}
      {quote.needed === 0 ? (
        <p>{t('exportNothing')}</p>
      ) : (
        <p class="export-cost">
          {plural('exportCost', quote.needed)} {plural('exportLeft', quote.available)}
        </p>
      )}
      {quote.memberLimit && (
        <p class="muted small">{t('exportMemberLimit', quote.memberLimit.used, quote.memberLimit.limit)}</p>
      )}
      {short && quote.needed > 0 && (
        <div class="notice notice-error">
          <p role="alert">{t('exportNotEnough', quote.needed, quote.available)}</p>
          <p class="small">{t('exportNotEnoughAdvice')}</p>
        </div>
      )}
      {quote.needed > 0 &&
        (before.length === 0 ? (
          <p class="muted small">{t('exportedBeforeNone')}</p>
        ) : (
          <div class="export-before">
            <p class="small">{plural('exportedBefore', before.length)}</p>
            <ul class="small">
              {before.slice(0, LISTED_BEFORE).map((lead) => (
                <li key={lead.lead} dir="auto">
                  {plural(
                    'exportBeforeLine',
                    lead.exports,
                    labelOf(lead.lead),
                    lead.lastExportedAt ? formatDate(lead.lastExportedAt) : '—',
                  )}
                </li>
              ))}
              {before.length > LISTED_BEFORE && <li>{plural('exportBeforeMore', before.length - LISTED_BEFORE)}</li>}
            </ul>
          </div>
        ))}
    </div>
  );
}

function Done({
  outcome,
  saved,
  labelOf,
}: {
  outcome: ExportOutcome;
  saved: SavedFile | null;
  labelOf: (slug: string) => string;
}) {
  const deliveries = outcome.deliveries ?? [];
  const delivered = deliveries.filter((delivery) => delivery.status === 'delivered').length;
  return (
    <div class="export-done" role="status">
      <p>{plural('exportDone', outcome.export.charged)}</p>
      {saved && (
        <>
          <p class="small">{t('exportFileSaved', saved.name)}</p>
          <p>
            <a href={saved.url} download={saved.name}>
              {t('exportSaveAgain')}
            </a>
          </p>
          <p class="muted small">{t('exportSaveAgainFree')}</p>
        </>
      )}
      {outcome.export.target === 'webhook' && (
        <>
          <p>{plural('exportDeliveries', deliveries.length, delivered)}</p>
          <ul class="export-deliveries small" aria-label={t('exportDeliveriesList')}>
            {deliveries.map((delivery) => (
              <li key={delivery.lead} data-status={delivery.status} dir="auto">
                {t('exportDeliveryLine', labelOf(delivery.lead), deliveryText(delivery))}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** "Delivered", "Failed: HTTP 500 (after 3 attempts)". */
function deliveryText(delivery: WebhookDelivery): string {
  if (delivery.status === 'delivered') return t('exportDelivered');
  const reason =
    delivery.error ??
    (delivery.httpStatus !== undefined ? t('exportDeliveryHttp', delivery.httpStatus) : t('exportDeliveryNoReason'));
  return plural('exportDeliveryFailed', delivery.attempts, reason);
}
