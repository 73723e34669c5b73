/**
 * The export confirmation (components/ExportDialog.tsx): what it says before anything is
 * spent (R5: the cost, what is left, previous exports), the refusal when credits are short
 * (R6), one export id for every Retry (never charged twice), the file saved only after the
 * server charged, and a webhook's result per lead.
 */
import '../../components/theme.css';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { ExportDialog } from '../../components/ExportDialog.tsx';
import type { ExportTarget } from '../../shared/api.ts';
import type { ExportOutcome } from '../../shared/protocol.ts';
import { useLanguage } from '../support/fake-wxt-browser.ts';
import { deferred, fail, fakeSend, ok, renderInto, type Handlers } from './fakes.ts';
import { ADA, ELOISE, GRACE, csvOutcome, quoteFor, watchDownloads } from './lead-fakes.ts';

const NAMES: Record<string, string> = {
  [ADA.lead]: 'Ada Lovelace',
  [GRACE.lead]: 'Grace Hopper',
  [ELOISE.lead]: 'Éloïse Dupré',
};
const dateOf = (iso: string) =>
  new Intl.DateTimeFormat('en', { day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(iso));

let downloads = watchDownloads();
afterEach(() => {
  downloads.stop();
  downloads = watchDownloads();
});

function mount(handlers: Handlers, leads = [ADA.lead, GRACE.lead, ELOISE.lead], target: ExportTarget = 'csv') {
  const fake = fakeSend(handlers);
  const onDone = vi.fn<(outcome: ExportOutcome) => void>();
  const onClose = vi.fn();
  let ids = 0;
  renderInto(
    <ExportDialog
      leads={leads}
      target={target}
      send={fake.send}
      labelOf={(slug) => NAMES[slug] ?? slug}
      onDone={onDone}
      onClose={onClose}
      newExportId={() => `export-id-${++ids}`}
    />,
  );
  return { ...fake, onDone, onClose };
}

const dialog = () => page.getByRole('dialog', { name: 'Confirm export' });
const confirm = () => dialog().getByRole('button', { name: 'Confirm export' });

describe('before spending', () => {
  test('states the cost, what is left and which leads were exported before, how often and when', async () => {
    const { callsOf } = mount({ exportQuote: () => ok(quoteFor([ADA, GRACE, ELOISE], 12)) });
    await expect.element(dialog()).toBeVisible();
    await expect.element(dialog().getByText('Export 3 leads for 3 export credits. 12 left.')).toBeVisible();
    await expect.element(dialog().getByText('2 of these leads were exported before:')).toBeVisible();
    await expect
      .element(dialog().getByText(`Grace Hopper: 3 times, last on ${dateOf(GRACE.lastExportedAt ?? '')}`))
      .toBeVisible();
    await expect
      .element(dialog().getByText(`Éloïse Dupré: 1 time, last on ${dateOf(ELOISE.lastExportedAt ?? '')}`))
      .toBeVisible();
    await expect.element(confirm()).toBeEnabled();
    expect(callsOf('exportQuote')).toEqual([{ leads: [ADA.lead, GRACE.lead, ELOISE.lead] }]);
    expect(callsOf('exportRun')).toEqual([]);
  });

  test('one lead never exported: singular words', async () => {
    mount({ exportQuote: () => ok(quoteFor([ADA], 1)) }, [ADA.lead]);
    await expect.element(dialog().getByText('Export 1 lead for 1 export credit. 1 left.')).toBeVisible();
    await expect.element(dialog().getByText('Not exported before.')).toBeVisible();
  });

  test('not enough export credits: says how many are needed and left, Confirm export is disabled (R6)', async () => {
    const { callsOf } = mount({ exportQuote: () => ok(quoteFor([ADA, GRACE, ELOISE], 2)) });
    await expect
      .element(dialog().getByRole('alert'))
      .toHaveTextContent('Not enough export credits: this export needs 3 and you have 2 left. Nothing is charged.');
    await expect.element(confirm()).toBeDisabled();
    await confirm().click({ force: true });
    expect(callsOf('exportRun')).toEqual([]);
  });

  test('a member limit is said', async () => {
    mount({
      exportQuote: () => ok(quoteFor([ADA], 0, { memberLimit: { limit: 20, used: 20 } })),
    });
    await expect.element(dialog().getByText('Your monthly limit: 20 of 20 export credits used.')).toBeVisible();
    await expect.element(confirm()).toBeDisabled();
  });

  test('leads the pool never revealed are left out of the export and named', async () => {
    const { callsOf } = mount({
      exportQuote: () => ok(quoteFor([ADA], 5, { notRevealed: [GRACE.lead] })),
      exportRun: () => ok(csvOutcome([ADA])),
    });
    await expect
      .element(dialog().getByText('1 lead was never revealed by your pool and is left out: Grace Hopper'))
      .toBeVisible();
    await confirm().click();
    await expect.element(dialog().getByText('Done: 1 export credit spent.')).toBeVisible();
    expect(callsOf('exportRun')).toEqual([{ exportId: 'export-id-1', leads: [ADA.lead], target: 'csv' }]);
  });

  test('a quote that failed says why and Retry asks again; Cancel closes without spending', async () => {
    let down = true;
    const { onClose, callsOf } = mount({
      exportQuote: () =>
        down
          ? fail('server_unreachable', 'The server at http://127.0.0.1:8787 is not answering.')
          : ok(quoteFor([ADA], 3)),
    });
    await expect.element(dialog().getByRole('alert')).toHaveTextContent('is not answering');
    down = false;
    await dialog().getByRole('button', { name: 'Retry' }).click();
    await expect.element(confirm()).toBeEnabled();
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(callsOf('exportRun')).toEqual([]);
  });

  test('Escape closes it', async () => {
    const { onClose } = mount({ exportQuote: () => ok(quoteFor([ADA], 3)) });
    await expect.element(confirm()).toBeEnabled();
    await userEvent.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});

describe('the export', () => {
  test('the file is saved only after the exportRun reply, and Save the file again stays', async () => {
    const answer = deferred<ReturnType<typeof ok<ExportOutcome>>>();
    const { onDone } = mount(
      {
        exportQuote: () => ok(quoteFor([ADA, GRACE], 12)),
        exportRun: () => answer.promise,
      },
      [ADA.lead, GRACE.lead],
    );
    await confirm().click();
    await expect.element(dialog().getByText('Exporting…')).toBeVisible();
    await expect.element(confirm()).toBeDisabled();
    await expect.element(dialog().getByRole('button', { name: 'Cancel' })).toBeDisabled();
    expect(downloads.saved).toEqual([]);

    const outcome = csvOutcome([ADA, GRACE], 'Name,Email\r\nAda Lovelace,ada@babbage.example\r\n');
    answer.resolve(ok(outcome));
    await expect.element(dialog().getByText('Done: 2 export credits spent.')).toBeVisible();
    expect(downloads.saved).toHaveLength(1);
    const [file] = downloads.saved;
    expect(file?.name).toBe('leadlens-export.csv');
    const bytes = new Uint8Array(await (await fetch(file?.url ?? '')).arrayBuffer());
    // UTF-8 with its byte-order mark, as the background made it.
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes.slice(3))).toBe('Name,Email\r\nAda Lovelace,ada@babbage.example\r\n');
    expect(onDone).toHaveBeenCalledWith(outcome);

    const again = dialog().getByRole('link', { name: 'Save the file again' });
    await expect.element(again).toHaveAttribute('href', file?.url);
    await expect.element(again).toHaveAttribute('download', 'leadlens-export.csv');
    await again.click();
    expect(downloads.saved).toHaveLength(2);
  });

  test('a failed export keeps the same exportId on Retry, so it is never charged twice', async () => {
    let attempts = 0;
    const { callsOf } = mount(
      {
        exportQuote: () => ok(quoteFor([ADA], 5)),
        exportRun: () =>
          ++attempts === 1 ? fail('server_unreachable', 'The server did not answer.') : ok(csvOutcome([ADA])),
      },
      [ADA.lead],
    );
    await confirm().click();
    await expect.element(dialog().getByRole('alert')).toHaveTextContent('The server did not answer.');
    expect(downloads.saved).toEqual([]);
    await dialog().getByRole('button', { name: 'Retry' }).click();
    await expect.element(dialog().getByText('Done: 1 export credit spent.')).toBeVisible();
    expect(callsOf('exportRun')).toEqual([
      { exportId: 'export-id-1', leads: [ADA.lead], target: 'csv' },
      { exportId: 'export-id-1', leads: [ADA.lead], target: 'csv' },
    ]);
    expect(downloads.saved).toHaveLength(1);
  });

  test('refused for want of credits: nothing saved, the figures read again, a new confirmation is a new export', async () => {
    let available = 5;
    const { callsOf } = mount(
      {
        exportQuote: () => ok(quoteFor([ADA], available)),
        exportRun: () => {
          available = 0;
          return fail('insufficient_credits', 'Not enough export credits: 1 needed, 0 left. Nothing was charged.');
        },
      },
      [ADA.lead],
    );
    await confirm().click();
    await expect
      .element(dialog().getByText('Not enough export credits: 1 needed, 0 left. Nothing was charged.'))
      .toBeVisible();
    await expect.element(dialog().getByText('Export 1 lead for 1 export credit. 0 left.')).toBeVisible();
    await expect.element(confirm()).toBeDisabled();
    expect(downloads.saved).toEqual([]);
    expect(callsOf('exportQuote')).toHaveLength(2);
  });

  test('refused because a lead is no longer the pool’s: quoted again, a new export id, not the same Retry', async () => {
    let revealed = [ADA];
    const { callsOf } = mount(
      {
        exportQuote: () => ok(quoteFor(revealed, 5)),
        exportRun: () => {
          revealed = [];
          return fail('refused', '1 of these leads was never revealed by your pool. Nothing was charged.');
        },
      },
      [ADA.lead],
    );
    await confirm().click();
    await expect
      .element(dialog().getByText('1 of these leads was never revealed by your pool. Nothing was charged.'))
      .toBeVisible();
    expect(callsOf('exportQuote')).toHaveLength(2);
    expect(dialog().getByRole('button', { name: 'Retry' }).elements()).toHaveLength(0);
    expect(downloads.saved).toEqual([]);
  });

  test('a CSV answer without its file says so and Retry replays the same export', async () => {
    let attempts = 0;
    const { callsOf } = mount(
      {
        exportQuote: () => ok(quoteFor([ADA], 5)),
        exportRun: () => {
          const outcome = csvOutcome([ADA]);
          return ok(++attempts === 1 ? { ...outcome, file: undefined } : outcome);
        },
      },
      [ADA.lead],
    );
    await confirm().click();
    await expect.element(dialog().getByRole('alert')).toHaveTextContent('its file did not arrive');
    await dialog().getByRole('button', { name: 'Retry' }).click();
    await expect.element(dialog().getByText('Done: 1 export credit spent.')).toBeVisible();
    expect(new Set(callsOf('exportRun').map((call) => (call as { exportId: string }).exportId))).toEqual(
      new Set(['export-id-1']),
    );
  });

  test('a webhook export shows the result per lead and saves no file', async () => {
    mount(
      {
        exportQuote: () => ok(quoteFor([ADA, GRACE], 10)),
        exportRun: () => {
          const outcome = csvOutcome([ADA, GRACE]);
          return ok({
            ...outcome,
            export: { ...outcome.export, target: 'webhook' as const },
            file: undefined,
            deliveries: [
              { lead: ADA.lead, status: 'delivered' as const, attempts: 1, httpStatus: 200 },
              { lead: GRACE.lead, status: 'failed' as const, attempts: 3, httpStatus: 500 },
            ],
          });
        },
      },
      [ADA.lead, GRACE.lead],
      'webhook',
    );
    await expect.element(dialog().getByText('To your CRM, through its webhook.')).toBeVisible();
    await confirm().click();
    await expect.element(dialog().getByText('1 of 2 leads delivered to your CRM.')).toBeVisible();
    const results = dialog().getByRole('list', { name: 'Result per lead' }).getByRole('listitem');
    await expect.element(results.nth(0)).toHaveTextContent('Ada Lovelace: Delivered');
    await expect.element(results.nth(1)).toHaveTextContent('Grace Hopper: Failed: HTTP 500 (after 3 attempts)');
    expect(downloads.saved).toEqual([]);
  });
});

describe('in French', () => {
  test('the cost, the refusal and previous exports in French words and numbers', async () => {
    useLanguage('fr');
    try {
      mount({ exportQuote: () => ok(quoteFor([ADA, GRACE, ELOISE], 2)) });
      const title = page.getByRole('dialog', { name: 'Confirmer l’export' });
      await expect.element(title.getByText('Exporter 3 prospects pour 3 crédits d’export. 2 restants.')).toBeVisible();
      await expect
        .element(title.getByRole('alert'))
        // (The matcher reads every space as a plain one: the no-break space before the colon included.)
        .toHaveTextContent('Pas assez de crédits d’export : cet export en demande 3 et il vous en reste 2.');
      await expect.element(title.getByText(/^Grace Hopper\u00a0: 3 fois, dernier le/)).toBeVisible();
      await expect.element(title.getByRole('button', { name: 'Confirmer l’export' })).toBeDisabled();
    } finally {
      useLanguage('en');
    }
  });
});
