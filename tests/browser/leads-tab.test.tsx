/**
 * The options page's Leads tab: the pool's revealed leads (the local copy at once, then the
 * server's), windowed so 10,000 leads draw only the rows in view; search (case and accents
 * ignored), sort, selection, the export buttons, and the CRM webhook settings.
 */
import '../../components/theme.css';
import '../../entrypoints/options/options.css';
import { describe, expect, test, vi } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { App } from '../../entrypoints/options/App.tsx';
import { createLeadsStore } from '../../entrypoints/options/leads-store.ts';
import { LEAD_ROW_HEIGHT } from '../../entrypoints/options/LeadsTab.tsx';
import { createOptionsStore } from '../../entrypoints/options/store.ts';
import { createUsageStore } from '../../entrypoints/options/usage-store.ts';
import { createWorkspaceStore } from '../../entrypoints/options/workspace-store.ts';
import type { PoolLead } from '../../shared/api.ts';
import type { LeadListView, WebhookConfigView } from '../../shared/protocol.ts';
import { ACCOUNT, POOL, deferred, fail, fakeSend, ok, renderInto, signedInAs, type Handlers } from './fakes.ts';
import { ADA, ELOISE, GRACE, manyLeads, quoteFor } from './lead-fakes.ts';

const SYNCED = '2026-11-20T12:00:00.000Z';
const NO_WEBHOOK: WebhookConfigView = { url: null, hasSecret: false };

function list(leads: PoolLead[], overrides: Partial<LeadListView> = {}): LeadListView {
  return { pool: POOL, leads, syncedAt: SYNCED, ...overrides };
}

function mount(handlers: Handlers, options: { grant?: boolean } = {}) {
  const fake = fakeSend({
    sessionGet: () => ok(signedInAs(ACCOUNT)),
    webhookGet: () => ok(NO_WEBHOOK),
    ...handlers,
  });
  const requestOrigins = vi.fn(async () => options.grant ?? true);
  const options_ = createOptionsStore({ send: fake.send, requestOrigins });
  const leads = createLeadsStore({ send: fake.send, requestOrigins });
  const createTabs = () => ({
    usage: createUsageStore(fake),
    workspace: createWorkspaceStore(fake),
    leads: { store: leads, send: fake.send },
  });
  renderInto(<App store={options_} createTabs={createTabs} />);
  void options_.getState().load();
  return { ...fake, leads, requestOrigins };
}

const openTab = () => page.getByRole('tab', { name: 'Leads', exact: true }).click();
const table = () => page.getByRole('table', { name: 'Revealed leads' });
const rows = () => table().getByRole('row');
/** The names of the lead rows in the page, in order on screen. */
const shownNames = () =>
  table()
    .getByRole('link')
    .elements()
    .map((link) => link.textContent);
const scroller = () => table().element().querySelector<HTMLElement>('.leads-scroll') as HTMLElement;

describe('the list', () => {
  test('10,000 leads: only a window of rows is drawn, and scrolling draws the others', async () => {
    const leads = manyLeads(10_000);
    mount({ leadsList: () => ok(list(leads)) });
    await openTab();
    await expect.element(page.getByRole('link', { name: 'Lead 00001' })).toBeVisible();
    await expect.element(table()).toHaveAttribute('aria-rowcount', '10001');
    await expect.element(page.getByText('10,000 leads · 0 selected')).toBeVisible();
    const drawn = rows().elements().length;
    expect(drawn).toBeGreaterThan(5);
    expect(drawn).toBeLessThan(60);

    scroller().scrollTop = 5_000 * LEAD_ROW_HEIGHT;
    await expect.element(page.getByRole('link', { name: 'Lead 05001' })).toBeVisible();
    expect(page.getByRole('link', { name: 'Lead 00001' }).elements()).toHaveLength(0);
    expect(rows().elements().length).toBeLessThan(60);

    scroller().scrollTop = scroller().scrollHeight;
    await expect.element(page.getByRole('link', { name: 'Lead 10000' })).toBeVisible();
    const last = page.getByRole('link', { name: 'Lead 10000' }).element().closest('[role="row"]');
    expect(last?.getAttribute('aria-rowindex')).toBe('10001');
  });

  test('each row: name with its profile link, company, the values revealed, when, how many exports', async () => {
    mount({ leadsList: () => ok(list([ELOISE, ADA, GRACE])) });
    await openTab();
    const link = page.getByRole('link', { name: 'Ada Lovelace' });
    await expect.element(link).toHaveAttribute('href', 'https://www.linkedin.com/in/ada-lovelace/');
    const ada = link.element().closest('[role="row"]') as HTMLElement;
    const cells = [...ada.querySelectorAll('[role="cell"]')].map((cell) => cell.textContent);
    const date = (iso: string) =>
      new Intl.DateTimeFormat('en', { day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(iso));
    expect(cells.slice(1)).toEqual([
      'Ada Lovelace Analyst',
      'Babbage & Co',
      'ada@babbage.example · +44 20 7946 0018',
      date(ADA.revealedAt),
      'Never',
    ]);
    const grace = page.getByRole('link', { name: 'Grace Hopper' }).element().closest('[role="row"]');
    expect(grace?.querySelectorAll('[role="cell"]')[5]?.textContent).toBe(
      `3 times last on ${date(GRACE.lastExportedAt ?? '')}`,
    );
  });

  test('newest revealed first; sorted by name or by most exported', async () => {
    mount({ leadsList: () => ok(list([ADA, GRACE, ELOISE])) });
    await openTab();
    await expect.element(page.getByRole('link', { name: 'Ada Lovelace' })).toBeVisible();
    expect(shownNames()).toEqual(['Éloïse Dupré', 'Ada Lovelace', 'Grace Hopper']);
    await page.getByLabelText('Sort by').selectOptions('Name');
    await expect.poll(shownNames).toEqual(['Ada Lovelace', 'Éloïse Dupré', 'Grace Hopper']);
    await page.getByLabelText('Sort by').selectOptions('Most exported');
    await expect.poll(shownNames).toEqual(['Grace Hopper', 'Éloïse Dupré', 'Ada Lovelace']);
  });

  test('search ignores case and accents, and reads names, companies, emails, phones and slugs', async () => {
    mount({ leadsList: () => ok(list([ADA, GRACE, ELOISE, ...manyLeads(300)])) });
    await openTab();
    const search = page.getByRole('searchbox', { name: 'Search leads' });
    for (const [query, names] of [
      ['ELOISE', ['Éloïse Dupré']],
      ['société', ['Éloïse Dupré']],
      ['grace@navy', ['Grace Hopper']],
      ['2079460018', ['Ada Lovelace']],
      ['ada-lovelace', ['Ada Lovelace']],
      ['babbage analyst', ['Ada Lovelace']],
      ['lead00299@', ['Lead 00299']],
    ] as const) {
      await search.fill(query);
      await expect.poll(shownNames, { message: query }).toEqual(names);
    }
    await expect.element(page.getByText('1 of 303 leads matches the search · 0 selected')).toBeVisible();
    await search.fill('nobody at all');
    await expect.element(page.getByText('No lead matches “nobody at all”.')).toBeVisible();
  });

  test('shows the local copy at once, then the server’s list', async () => {
    const fresh = deferred<ReturnType<typeof ok<LeadListView>>>();
    const { callsOf } = mount({
      leadsList: ({ refresh }) => (refresh ? fresh.promise : ok(list([ADA]))),
    });
    await openTab();
    await expect.element(page.getByRole('link', { name: 'Ada Lovelace' })).toBeVisible();
    await expect.element(page.getByText('1 lead · 0 selected · Refreshing…')).toBeVisible();
    fresh.resolve(ok(list([GRACE, ADA])));
    await expect.element(page.getByRole('link', { name: 'Grace Hopper' })).toBeVisible();
    await expect.element(page.getByText('2 leads · 0 selected')).toBeVisible();
    expect(callsOf('leadsList')).toEqual([{ refresh: false }, { refresh: true }]);
  });

  test('server down: the local copy with why it could not refresh, and Retry', async () => {
    let down = true;
    mount({
      leadsList: ({ refresh }) =>
        !refresh
          ? ok(list([ADA]))
          : down
            ? ok(list([ADA], { stale: { code: 'server_unreachable', message: 'The server is not answering.' } }))
            : ok(list([ADA, GRACE])),
    });
    await openTab();
    const date = new Intl.DateTimeFormat('en', { day: 'numeric', month: 'short', year: 'numeric' }).format(
      new Date(SYNCED),
    );
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent(
        `The list could not be refreshed: The server is not answering. It shows the copy kept in this browser, from ${date}.`,
      );
    await expect.element(page.getByRole('link', { name: 'Ada Lovelace' })).toBeVisible();
    down = false;
    await page.getByRole('button', { name: 'Retry' }).click();
    await expect.element(page.getByRole('link', { name: 'Grace Hopper' })).toBeVisible();
    expect(page.getByRole('alert').elements()).toHaveLength(0);
  });

  test('nothing to show and the background failed: the error and Retry', async () => {
    let down = true;
    mount({
      leadsList: () => (down ? fail('internal', 'The extension did not answer. Try again.') : ok(list([ADA]))),
    });
    await openTab();
    await expect.element(page.getByRole('alert')).toHaveTextContent('The extension did not answer. Try again.');
    down = false;
    await page.getByRole('button', { name: 'Retry' }).click();
    await expect.element(page.getByRole('link', { name: 'Ada Lovelace' })).toBeVisible();
  });

  test('an empty pool says where leads come from', async () => {
    mount({ leadsList: () => ok(list([])) });
    await openTab();
    await expect.element(page.getByText(/has not revealed any lead yet/)).toBeVisible();
  });

  test('a leadsChanged push of this pool reads the list again; another pool’s does not', async () => {
    let leads = [ADA];
    const { leads: store, callsOf } = mount({ leadsList: () => ok(list(leads)) });
    await openTab();
    await expect.element(page.getByRole('link', { name: 'Ada Lovelace' })).toBeVisible();
    leads = [GRACE, ADA];
    store.getState().receive({ leadlensPush: 1, kind: 'leadsChanged', pool: 'http://other:1 pool-9' });
    store.getState().receive({ leadlensPush: 1, kind: 'leadsChanged', pool: POOL });
    await expect.element(page.getByRole('link', { name: 'Grace Hopper' })).toBeVisible();
    expect(callsOf('leadsList')).toEqual([{ refresh: false }, { refresh: true }, { refresh: true }]);
  });

  test('keyboard: one row in the Tab order; arrows, End and Home move between rows and scroll', async () => {
    mount({ leadsList: () => ok(list(manyLeads(2_000))) });
    await openTab();
    const first = page.getByRole('checkbox', { name: 'Select Lead 00001' });
    await expect.element(first).toHaveAttribute('tabindex', '0');
    await expect.element(page.getByRole('checkbox', { name: 'Select Lead 00002' })).toHaveAttribute('tabindex', '-1');
    first.element().focus();
    await userEvent.keyboard('{ArrowDown}');
    await expect.element(page.getByRole('checkbox', { name: 'Select Lead 00002' })).toHaveFocus();
    await userEvent.keyboard(' ');
    await expect.element(page.getByRole('checkbox', { name: 'Select Lead 00002' })).toBeChecked();
    await userEvent.keyboard('{End}');
    await expect.element(page.getByRole('checkbox', { name: 'Select Lead 02000' })).toHaveFocus();
    await userEvent.keyboard('{Home}');
    await expect.element(page.getByRole('checkbox', { name: 'Select Lead 00001' })).toHaveFocus();
    await expect.element(page.getByText('2,000 leads · 1 selected')).toBeVisible();
  });
});

describe('selection and export', () => {
  test('per row and all matching the search; the export asks the quote for the selection', async () => {
    const { callsOf } = mount({
      leadsList: () => ok(list([ADA, GRACE, ELOISE, ...manyLeads(500)])),
      exportQuote: ({ leads }) =>
        ok(
          quoteFor(
            [ADA, GRACE, ELOISE, ...manyLeads(500)].filter((l) => leads.includes(l.lead)),
            1000,
          ),
        ),
    });
    await openTab();
    const csv = page.getByRole('button', { name: 'Export to CSV' });
    await expect.element(csv).toBeDisabled();
    await expect.element(page.getByText('Select the leads to export.')).toBeVisible();

    // Revealed before the 500 others: at the top by name.
    await page.getByLabelText('Sort by').selectOptions('Name');
    await page.getByRole('checkbox', { name: 'Select Grace Hopper' }).click();
    await page.getByRole('checkbox', { name: 'Select Ada Lovelace' }).click();
    await expect.element(page.getByText('503 leads · 2 selected')).toBeVisible();
    await expect.element(csv).toBeEnabled();

    await page.getByRole('searchbox', { name: 'Search leads' }).fill('LEAD 0041');
    await page.getByRole('checkbox', { name: 'Select all' }).click();
    await expect.element(page.getByText('11 of 503 leads match the search · 13 selected')).toBeVisible();
    await expect.element(page.getByRole('checkbox', { name: 'Select all' })).toBeChecked();
    await page.getByRole('checkbox', { name: 'Select Lead 00410' }).click();
    await expect.element(page.getByText('11 of 503 leads match the search · 12 selected')).toBeVisible();
    // Some of the matching leads, not all: "mixed".
    await expect.element(page.getByRole('checkbox', { name: 'Select all' })).toBePartiallyChecked();

    await page.getByRole('button', { name: 'Export for HubSpot' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm export' });
    await expect.element(dialog.getByText('Export 12 leads for 12 export credits. 1,000 left.')).toBeVisible();
    await expect.element(dialog.getByText('To a CSV file ready for HubSpot’s contact import.')).toBeVisible();
    const [asked] = callsOf('exportQuote') as Array<{ leads: string[] }>;
    expect(asked?.leads).toHaveLength(12);
    // The ones the search shows first, in their order; then the others selected.
    expect(asked?.leads.slice(0, 2)).toEqual(['lead-00041', 'lead-00411']);
    expect(asked?.leads.slice(-2).sort()).toEqual(['ada-lovelace', 'grace-hopper']);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.element(dialog).not.toBeInTheDocument();
  });

  test('after an export the rows show the new export counts at once', async () => {
    mount({
      leadsList: () => ok(list([ADA])),
      exportQuote: () => ok(quoteFor([ADA], 5)),
      exportRun: () =>
        ok({
          export: { id: 'e1', at: '2026-11-27T10:00:00.000Z', target: 'csv' as const, charged: 1 },
          rows: [{ ...ADA, exports: 1, lastExportedAt: '2026-11-27T10:00:00.000Z' }],
          balances: ACCOUNT.balances,
          file: { name: 'leads.csv', mimeType: 'text/csv', content: 'x' },
        }),
    });
    const clicks: string[] = [];
    const onClick = (event: MouseEvent) => {
      if ((event.target as Element).closest('a[download]')) {
        event.preventDefault();
        clicks.push('saved');
      }
    };
    document.addEventListener('click', onClick, true);
    try {
      await openTab();
      await page.getByRole('checkbox', { name: 'Select Ada Lovelace' }).click();
      await page.getByRole('button', { name: 'Export to CSV' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Confirm export' }).click();
      await expect.element(page.getByText('Done: 1 export credit spent.')).toBeVisible();
      expect(clicks).toEqual(['saved']);
      await page.getByRole('button', { name: 'Close' }).click();
      const row = page.getByRole('link', { name: 'Ada Lovelace' }).element().closest('[role="row"]');
      expect(row?.querySelectorAll('[role="cell"]')[5]?.textContent).toMatch(/^1 time last on/);
    } finally {
      document.removeEventListener('click', onClick, true);
    }
  });
});

describe('the CRM webhook', () => {
  const region = () => page.getByRole('region', { name: 'CRM webhook' });

  test('Send to CRM is disabled with a hint until a webhook is set; an https address asks for its host', async () => {
    let config = NO_WEBHOOK;
    const { callsOf, requestOrigins } = mount({
      leadsList: () => ok(list([ADA])),
      webhookGet: () => ok(config),
      webhookSet: ({ url, secret }) => {
        config = { url, hasSecret: typeof secret === 'string' };
        return ok(config);
      },
    });
    await openTab();
    await page.getByRole('checkbox', { name: 'Select Ada Lovelace' }).click();
    const crm = page.getByRole('button', { name: 'Send to CRM' });
    await expect.element(crm).toBeDisabled();
    await expect.element(crm).toHaveAccessibleDescription('To send leads to your CRM, set up its webhook below.');

    await region().getByLabelText('Webhook URL').fill('https://hooks.crm.example/leadlens?token=abc');
    await region().getByLabelText('Signing secret').fill('s3cret');
    await region().getByRole('button', { name: 'Save webhook' }).click();
    await expect.element(region().getByText('Webhook saved.')).toBeVisible();
    expect(requestOrigins).toHaveBeenCalledWith(['https://hooks.crm.example/*']);
    expect(callsOf('webhookSet')).toEqual([{ url: 'https://hooks.crm.example/leadlens?token=abc', secret: 's3cret' }]);
    await expect.element(crm).toBeEnabled();
    await expect.element(region().getByLabelText('Signing secret')).toHaveValue('');
    await expect.element(region().getByText('Leave empty to keep the current secret', { exact: false })).toBeVisible();
  });

  test('the secret is kept when left empty, and cleared on request; http only for this computer', async () => {
    const { callsOf, requestOrigins } = mount({
      leadsList: () => ok(list([ADA])),
      webhookGet: () => ok({ url: 'http://127.0.0.1:9000/hook', hasSecret: true }),
      webhookSet: ({ url, secret }) => ok({ url, hasSecret: secret !== null }),
    });
    await openTab();
    await expect.element(region().getByLabelText('Webhook URL')).toHaveValue('http://127.0.0.1:9000/hook');
    await region().getByRole('button', { name: 'Save webhook' }).click();
    await expect.element(region().getByText('Webhook saved.')).toBeVisible();
    await region().getByRole('checkbox', { name: 'Remove the current secret' }).click();
    await region().getByRole('button', { name: 'Save webhook' }).click();
    await expect.poll(() => callsOf('webhookSet')).toHaveLength(2);
    expect(callsOf('webhookSet')).toEqual([
      { url: 'http://127.0.0.1:9000/hook' },
      { url: 'http://127.0.0.1:9000/hook', secret: null },
    ]);
    expect(requestOrigins).not.toHaveBeenCalled();

    await region().getByLabelText('Webhook URL').fill('http://crm.example/hook');
    await region().getByRole('button', { name: 'Save webhook' }).click();
    await expect.element(region().getByRole('alert')).toHaveTextContent('starting with https://');
    expect(callsOf('webhookSet')).toHaveLength(2);
  });

  test('permission refused: said, nothing saved; an empty address removes the webhook', async () => {
    const { callsOf } = mount(
      {
        leadsList: () => ok(list([ADA])),
        webhookGet: () => ok({ url: 'http://localhost:9000/hook', hasSecret: false }),
        webhookSet: ({ url }) => ok({ url, hasSecret: false }),
      },
      { grant: false },
    );
    await openTab();
    await region().getByLabelText('Webhook URL').fill('https://crm.example/hook');
    await region().getByRole('button', { name: 'Save webhook' }).click();
    await expect
      .element(region().getByRole('alert'))
      .toHaveTextContent('LeadLens needs your permission to send leads to crm.example. Save again and allow it.');
    expect(callsOf('webhookSet')).toEqual([]);

    await region().getByLabelText('Webhook URL').fill('');
    await region().getByRole('button', { name: 'Save webhook' }).click();
    await expect.element(region().getByText('Webhook removed.')).toBeVisible();
    expect(callsOf('webhookSet')).toEqual([{ url: null, secret: null }]);
    await expect.element(page.getByRole('button', { name: 'Send to CRM' })).toBeDisabled();
  });
});
