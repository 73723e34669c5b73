/**
 * The options page's Bulk enrichment tab: the file's preview (valid rows, duplicates,
 * invalid rows with their lines, the most it can cost), the types' defaults, the progress
 * bar as the background reports it, Pause and Resume, and the results table.
 */
import '../../components/theme.css';
import '../../entrypoints/options/options.css';
import { describe, expect, test } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { BulkTab } from '../../entrypoints/options/BulkTab.tsx';
import { createBulkStore, type BulkStore } from '../../entrypoints/options/bulk-store.ts';
import { readProfileList } from '../../shared/csv-import.ts';
import type { RevealType } from '../../shared/credits.ts';
import type { BulkJobView, BulkRowView } from '../../shared/protocol.ts';
import { DEFAULT_DISCOVERY_SETTINGS } from '../../shared/settings.ts';
import { POOL, SIGNED_IN, fail, fakeSend, ok, renderInto, type Handlers } from './fakes.ts';

function jobOf(overrides: Partial<BulkJobView> = {}): BulkJobView {
  return {
    id: 'job-1-0000',
    pool: POOL,
    state: 'running',
    types: ['b2bEmail', 'phone'],
    total: 250,
    done: 0,
    counts: { revealed: 0, notFound: 0, insufficientCredits: 0, error: 0 },
    charged: { b2bEmail: 0, phone: 0, directEmail: 0 },
    createdAt: '2026-11-27T10:00:00.000Z',
    updatedAt: '2026-11-27T10:00:00.000Z',
    ...overrides,
  };
}

function rowsOf(job: BulkJobView, offset: number, limit: number): BulkRowView[] {
  const rows: BulkRowView[] = [];
  for (let index = offset; index < Math.min(job.total, offset + limit); index += 1) {
    const done = index < job.done;
    rows.push({
      index,
      slug: `person-${index}`,
      status: done ? (index % 5 === 0 ? 'notFound' : 'revealed') : 'pending',
      revealed: done && index % 5 !== 0 ? ['b2bEmail'] : [],
      charged: done && index % 5 !== 0 && index % 2 === 0 ? ['b2bEmail'] : [],
      ...(done ? { notFound: index % 5 === 0 ? job.types : ['phone' as RevealType], refused: [] } : {}),
    });
  }
  return rows;
}

/** A background that keeps one job, as the real one does, and answers for it. */
function mount(
  {
    job = null,
    autoReveal = DEFAULT_DISCOVERY_SETTINGS.autoReveal,
  }: { job?: BulkJobView | null; autoReveal?: Record<RevealType, boolean> } = {},
  handlers: Handlers = {},
) {
  const state = { job };
  const fake = fakeSend({
    popupOpened: () => ok({ session: SIGNED_IN, settings: { ...DEFAULT_DISCOVERY_SETTINGS, autoReveal } }),
    bulkStatus: () => ok(state.job),
    bulkQuote: () => ok({ paid: { b2bEmail: 1, phone: 2, directEmail: 0 } }),
    bulkStart: ({ jobId, leads, types }) => {
      state.job = jobOf({ id: jobId, total: leads.length, types: [...types] });
      return ok(state.job);
    },
    bulkPause: () => {
      state.job = state.job && { ...state.job, state: 'paused', updatedAt: '2026-11-27T10:05:00.000Z' };
      return state.job ? ok(state.job) : fail('refused', 'no job');
    },
    bulkResume: () => {
      state.job = state.job && { ...state.job, state: 'running', updatedAt: '2026-11-27T10:06:00.000Z' };
      return state.job ? ok(state.job) : fail('refused', 'no job');
    },
    bulkRows: ({ jobId, offset, limit }) => ok({ jobId, rows: state.job ? rowsOf(state.job, offset, limit) : [] }),
    ...handlers,
  });
  const store = createBulkStore({ send: fake.send, readProfileList, newJobId: () => 'job-from-page-1' });
  renderInto(<BulkTab store={store} send={fake.send} />);
  return { fake, store, state };
}

function progress(store: BulkStore, job: BulkJobView): void {
  store.getState().receive({ leadlensPush: 1, kind: 'bulkProgress', job });
}

const fileInput = () => page.getByLabelText('CSV of profile addresses');
const checkbox = (name: string) => page.getByRole('checkbox', { name, exact: true });
const bar = () => page.getByRole('progressbar', { name: 'Enrichment progress' });

async function upload(text: string, name = 'leads.csv'): Promise<void> {
  await userEvent.upload(fileInput(), new File([text], name, { type: 'text/csv' }));
}

const CSV = [
  'name,linkedin_url',
  'Ada,https://www.linkedin.com/in/ada-lovelace/',
  'Grace,https://www.linkedin.com/in/grace-hopper',
  'Ada again,linkedin.com/in/Ada-Lovelace',
  'Alan,https://example.com/alan',
  'Katherine,www.linkedin.com/in/katherine-johnson/',
  'Nobody,not an address',
].join('\n');

describe('the preview', () => {
  test('counts valid rows, duplicates and invalid rows (with their lines), and says the most it can cost', async () => {
    mount();
    await upload(CSV);
    await expect.element(page.getByText('3 valid rows')).toBeVisible();
    await expect.element(page.getByText('1 duplicate (enriched once)')).toBeVisible();
    await expect.element(page.getByText('2 invalid rows')).toBeVisible();
    await expect.element(page.getByText('Line 5: https://example.com/alan')).toBeVisible();
    await expect.element(page.getByText('Line 7: not an address')).toBeVisible();
    // Defaults (R9): B2B email only → 3 rows x 1 type.
    await expect.element(page.getByText('At most 3 credits')).toBeVisible();
    await expect.element(page.getByText('1 of them already paid, free')).toBeVisible();
    await userEvent.click(checkbox('Phone'));
    await expect.element(page.getByText('At most 6 credits')).toBeVisible();
    await expect.element(page.getByText('3 of them already paid, free')).toBeVisible();
  });

  test('the types default to the discovery settings', async () => {
    mount({ autoReveal: { b2bEmail: false, phone: true, directEmail: true } });
    await expect.element(checkbox('B2B email')).not.toBeChecked();
    await expect.element(checkbox('Phone')).toBeChecked();
    await expect.element(checkbox('Direct email')).toBeChecked();
  });

  test('lists the first 20 invalid rows and counts the rest', async () => {
    mount();
    const bad = Array.from({ length: 25 }, (_, i) => `https://example.com/${i}`);
    await upload(['https://www.linkedin.com/in/ada-lovelace', ...bad].join('\n'));
    await expect.element(page.getByText('25 invalid rows')).toBeVisible();
    await expect.element(page.getByText('…and 5 more invalid rows')).toBeVisible();
    expect(page.getByText(/^Line \d+:/).elements()).toHaveLength(20);
  });

  test('Start enrichment needs a valid row and a type', async () => {
    mount();
    const start = page.getByRole('button', { name: 'Start enrichment' });
    await expect.element(start).toBeDisabled();
    await upload(CSV);
    await expect.element(start).toBeEnabled();
    await userEvent.click(checkbox('B2B email'));
    await expect.element(start).toBeDisabled();
    await expect.element(page.getByText('Choose at least one type to reveal.')).toBeVisible();
  });
});

describe('a job', () => {
  test('starts with the valid slugs and the chosen types, and the bar follows the progress pushed', async () => {
    const { fake, store } = mount();
    await upload(CSV);
    await userEvent.click(checkbox('Phone'));
    await userEvent.click(page.getByRole('button', { name: 'Start enrichment' }));
    expect(fake.callsOf('bulkStart')).toEqual([
      {
        jobId: 'job-from-page-1',
        leads: ['ada-lovelace', 'grace-hopper', 'katherine-johnson'],
        types: ['b2bEmail', 'phone'],
      },
    ]);
    await expect.element(bar()).toHaveAttribute('aria-valuenow', '0');
    await expect.element(bar()).toHaveAttribute('aria-valuemax', '3');
    // Running: no second file, no second start.
    expect(page.getByRole('button', { name: 'Start enrichment' }).elements()).toHaveLength(0);

    progress(
      store,
      jobOf({
        id: 'job-from-page-1',
        total: 3,
        done: 2,
        counts: { revealed: 2, notFound: 0, insufficientCredits: 0, error: 0 },
        charged: { b2bEmail: 2, phone: 1, directEmail: 0 },
        updatedAt: '2026-11-27T10:01:00.000Z',
      }),
    );
    await expect.element(bar()).toHaveAttribute('aria-valuenow', '2');
    await expect.element(page.getByText('2 of 3 rows done')).toBeVisible();
    await expect.element(page.getByText(/Credits spent by this enrichment: B2B email 2 and Phone 1/)).toBeVisible();
  });

  test('Pause and Resume', async () => {
    const { fake } = mount({ job: jobOf({ done: 40 }) });
    await expect.element(bar()).toHaveAttribute('aria-valuenow', '40');
    await userEvent.click(page.getByRole('button', { name: 'Pause' }));
    await expect.element(page.getByRole('button', { name: 'Resume' })).toBeVisible();
    expect(page.getByRole('button', { name: 'Pause' }).elements()).toHaveLength(0);
    await expect.element(page.getByText('Paused', { exact: true })).toBeVisible();
    await userEvent.click(page.getByRole('button', { name: 'Resume' }));
    await expect.element(page.getByRole('button', { name: 'Pause' })).toBeVisible();
    expect(fake.callsOf('bulkPause')).toEqual([{ jobId: 'job-1-0000' }]);
    expect(fake.callsOf('bulkResume')).toEqual([{ jobId: 'job-1-0000' }]);
  });

  test('a job paused by the background says why', async () => {
    mount({
      job: jobOf({
        state: 'paused',
        reason: { code: 'insufficient_credits', message: 'Paused: no credits left for B2B email and phone.' },
      }),
    });
    await expect.element(page.getByRole('alert')).toHaveTextContent('Paused: no credits left for B2B email and phone.');
  });

  test('the results table pages 100 rows at a time, with each row’s status and what each type cost', async () => {
    mount({
      job: jobOf({
        state: 'done',
        done: 250,
        counts: { revealed: 200, notFound: 50, insufficientCredits: 0, error: 0 },
      }),
    });
    const table = page.getByRole('table', { name: 'Results' });
    await expect.element(table.getByRole('row').nth(1)).toHaveTextContent(/1person-0No dataNo dataNo data/);
    await expect.element(table.getByRole('row').nth(2)).toHaveTextContent(/2person-1RevealedRevealed, freeNo data/);
    await expect.element(table.getByRole('row').nth(3)).toHaveTextContent(/3person-2RevealedRevealed, 1 creditNo data/);
    expect(table.getByRole('row').elements()).toHaveLength(101);
    await expect.element(page.getByText('Rows 1 to 100 of 250')).toBeVisible();
    await userEvent.click(page.getByRole('button', { name: 'Next rows' }));
    await userEvent.click(page.getByRole('button', { name: 'Next rows' }));
    await expect.element(page.getByText('Rows 201 to 250 of 250')).toBeVisible();
    expect(table.getByRole('row').elements()).toHaveLength(51);
    await expect.element(page.getByRole('button', { name: 'Next rows' })).toBeDisabled();
  });

  test('Export results to CSV opens the export confirmation for the revealed leads only', async () => {
    const { fake } = mount(
      {
        job: jobOf({
          state: 'done',
          total: 10,
          done: 10,
          counts: { revealed: 8, notFound: 2, insufficientCredits: 0, error: 0 },
        }),
      },
      {
        exportQuote: ({ leads }) =>
          ok({
            needed: leads.length,
            available: 100,
            leads: leads.map((lead) => ({ lead, exports: 0, lastExportedAt: null })),
            notRevealed: [],
          }),
      },
    );
    await userEvent.click(page.getByRole('button', { name: 'Export results to CSV' }));
    await expect.element(page.getByRole('dialog', { name: 'Confirm export' })).toBeVisible();
    expect(fake.callsOf('exportQuote')).toEqual([
      { leads: ['person-1', 'person-2', 'person-3', 'person-4', 'person-6', 'person-7', 'person-8', 'person-9'] },
    ]);
  });
});
