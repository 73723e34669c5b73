/**
 * Bulk enrichment (issue 5) in the built extension against the real server: 1,000 profiles
 * from a CSV picked through the file input, the progress bar moving, the service worker
 * stopped mid-job (CDP), the job finishing anyway, and the credits spent exactly what the
 * rules say for those rows and types: one per (lead, type) with data the pool had not paid
 * (R2, R3), nothing for no data (R4), nothing past the last credit (R7).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { IDEMPOTENCY_HEADER, LedgerPageSchema, type LedgerEntry } from '../../shared/api.ts';
import { launchWithExtension } from '../support/extension.ts';
import { startTestServer, type TestPerson, type TestServer } from '../support/test-server.ts';
import { BulkPage } from './pages/bulk.ts';
import { signIn } from './pages/options.ts';
import { setDiscovery } from './pages/popup.ts';

const ROWS = 1000;
const PHONE_CREDITS = 400;

/** 1,000 people with a mix of data: some with nothing, some without phone or B2B email. */
function person(i: number): TestPerson {
  const slug = `bulk-person-${String(i).padStart(4, '0')}`;
  const nothing = i % 10 === 9;
  return {
    slug,
    name: `Bulk Person ${i}`,
    ...(nothing || i % 4 === 1 ? {} : { b2bEmails: [`${slug}@work.example`] }),
    ...(nothing || i % 3 === 0 ? {} : { phones: [`mobile:+33 6 ${String(10_000_000 + i).slice(0, 8)}`] }),
  };
}

const PEOPLE = Array.from({ length: ROWS }, (_, i) => person(i));
/** Leads whose B2B email the pool paid before the job (a teammate, another device): free (R3). */
const PAID_BEFORE = PEOPLE.filter((p, i) => i % 7 === 0 && p.b2bEmails);

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  await server.addPeople(PEOPLE);
});

afterAll(async () => {
  await server?.close();
});

async function revealDirectly(apiKey: string, lead: string): Promise<void> {
  const response = await fetch(`${server.url}/v1/reveals`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${apiKey}`,
      'content-type': 'application/json',
      [IDEMPOTENCY_HEADER]: `paid-before-${lead}`,
    },
    body: JSON.stringify({ lead, types: ['b2bEmail'] }),
  });
  if (!response.ok) throw new Error(`POST /v1/reveals: ${response.status} ${await response.text()}`);
}

async function wholeLedger(apiKey: string): Promise<LedgerEntry[]> {
  const entries: LedgerEntry[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const response = await fetch(`${server.url}/v1/ledger?limit=500${query}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    const page = LedgerPageSchema.parse(await response.json());
    entries.push(...page.entries);
    cursor = page.nextCursor;
  } while (cursor);
  return entries;
}

describe('bulk enrichment of 1,000 rows', () => {
  it('shows progress, survives a stopped service worker, and spends exactly what the rules say', async () => {
    const workspace = await server.createWorkspace({
      b2bEmail: 2 * ROWS,
      phone: PHONE_CREDITS,
      directEmail: 10,
      export: 10,
    });
    for (const paid of PAID_BEFORE) await revealDirectly(workspace.apiKey, paid.slug);
    const browser = await launchWithExtension();
    onTestFinished(() => browser.close());
    await signIn(browser, server.url, workspace.apiKey);
    await setDiscovery(browser, { b2bEmail: true, phone: false, directEmail: false });
    const before = await server.balances(workspace.apiKey);

    // The file: every profile, three written twice (one in another spelling), two lines that are no profile.
    const lines = [
      'linkedin_url,full_name',
      ...PEOPLE.map((p) => `https://www.linkedin.com/in/${p.slug}/,${p.name}`),
      `https://www.linkedin.com/in/${PEOPLE[1]?.slug ?? ''}/,again`,
      `linkedin.com/in/${(PEOPLE[2]?.slug ?? '').toUpperCase()},again`,
      `https://www.linkedin.com/in/${PEOPLE[3]?.slug ?? ''}?trk=x,again`,
      'https://example.com/someone,not a profile',
      'not an address at all,nobody',
    ];
    const bulk = await BulkPage.open(browser);
    await bulk.upload('prospects.csv', lines.join('\n'));
    await expect.poll(() => bulk.page.getByText('1,000 valid rows').isVisible()).toBe(true);
    await expect.poll(() => bulk.page.getByText('3 duplicates (enriched once)').isVisible()).toBe(true);
    await expect.poll(() => bulk.page.getByText('2 invalid rows').isVisible()).toBe(true);
    // Defaults: the discovery settings (B2B email only); the user adds phone.
    expect(await bulk.page.getByRole('checkbox', { name: 'B2B email' }).isChecked()).toBe(true);
    expect(await bulk.page.getByRole('checkbox', { name: 'Phone' }).isChecked()).toBe(false);
    await bulk.setType('Phone', true);
    await expect.poll(() => bulk.page.getByText('At most 2,000 credits').isVisible()).toBe(true);
    await bulk.start();

    // The bar moves; the worker is stopped mid-job; the bar moves on and reaches the end.
    const seen = await bulk.waitForDoneAbove(50, 60_000);
    expect(seen).toBeLessThan(ROWS);
    await browser.stopServiceWorker();
    const afterStop = await bulk.done();
    await bulk.waitForDoneAbove(afterStop, 60_000);
    await bulk.waitForDoneAbove(ROWS - 1, 120_000);
    await expect.poll(() => bulk.page.getByText('Finished', { exact: true }).isVisible()).toBe(true);

    // What the rules say for these rows and types.
    const withEmail = PEOPLE.filter((p) => p.b2bEmails).length;
    const withPhone = PEOPLE.filter((p) => p.phones).length;
    expect(withPhone).toBeGreaterThan(PHONE_CREDITS); // so phone runs out (R7)
    const b2bCharges = withEmail - PAID_BEFORE.length; // R3: paid before is free; R4: no data is free
    const after = await server.balances(workspace.apiKey);
    expect(after.b2bEmail.used - before.b2bEmail.used).toBe(b2bCharges);
    expect(after.phone.used - before.phone.used).toBe(PHONE_CREDITS);
    expect(after.phone.remaining).toBe(0);
    expect(after.directEmail.used).toBe(before.directEmail.used);

    // The pool's ledger: each (lead, type) charged at most once (R2), none for a lead without data.
    const reveals = (await wholeLedger(workspace.apiKey)).filter((entry) => entry.reason === 'reveal');
    const pairs = reveals.map((entry) => `${entry.lead ?? ''}|${entry.type}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(reveals).toHaveLength(PAID_BEFORE.length + b2bCharges + PHONE_CREDITS);
    const noData = new Set(PEOPLE.filter((p) => !p.b2bEmails && !p.phones).map((p) => p.slug));
    expect(reveals.filter((entry) => entry.lead !== null && noData.has(entry.lead))).toHaveLength(0);

    // The page says the same as the server.
    await expect
      .poll(() =>
        bulk.page
          .getByText(`Credits spent by this enrichment: B2B email ${b2bCharges} and Phone ${PHONE_CREDITS}`)
          .isVisible(),
      )
      .toBe(true);
    const table = bulk.page.getByRole('table', { name: 'Results' });
    expect(await table.locator('tbody tr').count()).toBe(100);
  }, 300_000);

  it('goes on after the browser is closed mid-job and started again, and the tab shows it where it is', async () => {
    const rows = PEOPLE.slice(0, 300);
    const workspace = await server.createWorkspace({ b2bEmail: 1000, phone: 1000, directEmail: 10, export: 10 });
    const userDataDir = mkdtempSync(join(tmpdir(), 'leadlens-bulk-restart-'));
    onTestFinished(() => rmSync(userDataDir, { recursive: true, force: true }));
    let browser = await launchWithExtension({ userDataDir });
    await signIn(browser, server.url, workspace.apiKey);
    await setDiscovery(browser, { b2bEmail: true, phone: false, directEmail: false });
    let bulk = await BulkPage.open(browser);
    await bulk.upload('restart.csv', rows.map((p) => `https://www.linkedin.com/in/${p.slug}/`).join('\n'));
    await expect.poll(() => bulk.page.getByText('300 valid rows').isVisible()).toBe(true);
    await bulk.start();
    const before = await bulk.waitForDoneAbove(20, 60_000);
    expect(before).toBeLessThan(rows.length);
    await browser.close();

    browser = await launchWithExtension({ userDataDir });
    onTestFinished(() => browser.close());
    bulk = await BulkPage.open(browser);
    // The job as it was (or further on), without a new file, and it finishes by itself.
    expect(await bulk.done()).toBeGreaterThanOrEqual(before);
    await bulk.waitForDoneAbove(rows.length - 1, 120_000);
    await expect.poll(() => bulk.page.getByText('Finished', { exact: true }).isVisible()).toBe(true);

    const withEmail = rows.filter((p) => p.b2bEmails).length;
    const after = await server.balances(workspace.apiKey);
    expect(after.b2bEmail.used).toBe(withEmail);
    const reveals = (await wholeLedger(workspace.apiKey)).filter((entry) => entry.reason === 'reveal');
    expect(new Set(reveals.map((entry) => `${entry.lead ?? ''}|${entry.type}`)).size).toBe(withEmail);
    expect(reveals).toHaveLength(withEmail);
  }, 300_000);
});
