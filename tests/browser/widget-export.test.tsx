/**
 * The widget's Export to CSV: offered once the pool has revealed something of the lead, it
 * opens the export confirmation for this one lead inside the widget's small frame, and the
 * file is saved only after the background's answer.
 */
import '../../components/theme.css';
import { afterEach, describe, expect, test } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { App } from '../../entrypoints/widget/App.tsx';
import { createWidgetStore } from '../../entrypoints/widget/store.ts';
import type { ExportOutcome, WidgetState } from '../../shared/protocol.ts';
import {
  PHONES,
  SIGNED_OUT,
  deferred,
  fakeOpenOptions,
  fakeSend,
  ok,
  renderInto,
  revealed,
  unknownLead,
  widgetState,
  type Handlers,
} from './fakes.ts';
import { ADA, csvOutcome, quoteFor, watchDownloads } from './lead-fakes.ts';

/** The widget's frame on a profile page (mount.ts), less its 1px border. */
const FRAME = { width: 320, height: 440 };

let downloads = watchDownloads();
afterEach(async () => {
  downloads.stop();
  downloads = watchDownloads();
  await page.viewport(414, 896);
});

function mount(state: WidgetState, handlers: Handlers = {}) {
  const fake = fakeSend({ widgetOpened: () => ok(state), widgetCollapse: () => ok({ collapsed: false }), ...handlers });
  const store = createWidgetStore({
    send: fake.send,
    openOptions: fakeOpenOptions(),
    collapsedFlag: { read: async () => false, watch: () => () => {} },
  });
  renderInto(<App store={store} send={fake.send} />);
  void store.getState().load();
  return fake;
}

const exportButton = () => page.getByRole('button', { name: 'Export to CSV' });
const phoneRevealed = () => widgetState({ lead: { ...unknownLead(), phone: revealed(PHONES) } });

describe('Export to CSV in the widget', () => {
  test('not offered before the pool revealed anything of the lead, nor signed out', async () => {
    mount(widgetState());
    await expect.element(page.getByRole('heading', { name: 'Ada Lovelace' })).toBeVisible();
    expect(exportButton().elements()).toHaveLength(0);
  });

  test('offered for a lead the pool paid elsewhere (another device or member), as discovery found', async () => {
    const state = widgetState();
    mount({
      ...state,
      discovery: {
        cost: { b2bEmail: 'free', phone: 'credit', directEmail: 'noData' },
        auto: { b2bEmail: { state: 'off' }, phone: { state: 'off' }, directEmail: { state: 'off' } },
      },
    });
    await expect.element(exportButton()).toBeVisible();
  });

  test('signed out: not offered', async () => {
    mount(widgetState({ session: SIGNED_OUT, lead: null }));
    await expect.element(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    expect(exportButton().elements()).toHaveLength(0);
  });

  test('one type revealed: the dialog for this lead fits the frame; the file is saved after the answer', async () => {
    await page.viewport(FRAME.width, FRAME.height);
    const answer = deferred<ReturnType<typeof ok<ExportOutcome>>>();
    const { callsOf } = mount(phoneRevealed(), {
      exportQuote: () => ok(quoteFor([{ ...ADA, exports: 2, lastExportedAt: '2026-11-20T10:00:00.000Z' }], 9)),
      exportRun: () => answer.promise,
    });
    await exportButton().click();
    const dialog = page.getByRole('dialog', { name: 'Confirm export' });
    await expect.element(dialog.getByText('Export 1 lead for 1 export credit. 9 left.')).toBeVisible();
    await expect.element(dialog.getByText(/^Ada Lovelace: 2 times, last on/)).toBeVisible();
    const box = dialog.element().getBoundingClientRect();
    expect(box.left).toBeGreaterThanOrEqual(0);
    expect(box.top).toBeGreaterThanOrEqual(0);
    expect(box.right).toBeLessThanOrEqual(FRAME.width);
    expect(box.bottom).toBeLessThanOrEqual(FRAME.height);

    await dialog.getByRole('button', { name: 'Confirm export' }).click();
    expect(callsOf('exportQuote')).toEqual([{ leads: ['ada-lovelace'] }]);
    await expect.poll(() => callsOf('exportRun')).toHaveLength(1);
    expect(callsOf('exportRun')[0]).toMatchObject({ leads: ['ada-lovelace'], target: 'csv' });
    expect(downloads.saved).toEqual([]);

    answer.resolve(ok(csvOutcome([ADA])));
    await expect.element(dialog.getByRole('link', { name: 'Save the file again' })).toBeVisible();
    expect(downloads.saved.map((file) => file.name)).toEqual(['leadlens-export.csv']);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect.element(dialog).not.toBeInTheDocument();
    await expect.element(exportButton()).toBeVisible();
  });

  test('Escape in the dialog closes the dialog, not the widget', async () => {
    const { callsOf } = mount(phoneRevealed(), { exportQuote: () => ok(quoteFor([ADA], 3)) });
    await exportButton().click();
    const dialog = page.getByRole('dialog', { name: 'Confirm export' });
    await expect.element(dialog.getByRole('button', { name: 'Confirm export' })).toBeEnabled();
    await dialog.getByRole('button', { name: 'Cancel' }).element().focus();
    await userEvent.keyboard('{Escape}');
    await expect.element(dialog).not.toBeInTheDocument();
    expect(callsOf('widgetCollapse')).toEqual([]);
    await expect.element(page.getByRole('heading', { name: 'Ada Lovelace' })).toBeVisible();
  });
});
