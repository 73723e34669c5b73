/**
 * Exports through the real UI, the real background and the real server (R5, R6): each export
 * is charged 1 export credit per lead and saved only after the charge; a retried export after
 * a lost answer carries the same Idempotency-Key and is charged once; a selection larger than
 * the credits left is refused whole; a webhook export reaches a receiver in this test once per
 * lead, signed with the secret set in the options page.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Download, Page } from 'playwright-core';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { LeadsPage } from './pages/leads.ts';
import { signIn } from './pages/options.ts';
import { ProfilePage } from './pages/profile.ts';
import { useE2eEnvironment } from './environment.ts';
import { PEOPLE } from './people.ts';

const env = useE2eEnvironment();

/** A fifth person in the contact database: five revealed leads for the R6 test. */
const EDSGER = { slug: 'edsger-dijkstra', name: 'Edsger Dijkstra', b2bEmails: ['edsger@the.example'] };

beforeAll(async () => {
  await env.server.addPeople([EDSGER]);
});

/** Reveals a lead's B2B email for the workspace straight through the API (setup, not the flow under test). */
async function revealForWorkspace(apiKey: string, slug: string): Promise<void> {
  const response = await fetch(`${env.server.url}/v1/reveals`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify({ lead: slug, types: ['b2bEmail'] }),
  });
  if (!response.ok) throw new Error(`reveal ${slug}: ${response.status} ${await response.text()}`);
}

async function exportCreditsLeft(apiKey: string): Promise<number> {
  return (await env.server.balances(apiKey)).export.remaining;
}

/** Export charges in the pool's ledger (grants of export credits left out). */
async function exportCharges(apiKey: string): Promise<number> {
  const entries = await env.server.ledger(apiKey);
  return entries.filter((entry) => entry.type === 'export' && entry.delta < 0).length;
}

/** Reads a downloaded file as the user would open it. */
async function contentOf(download: Download): Promise<string> {
  return readFileSync(await download.path(), 'utf8');
}

/** Every download the page starts, in order. */
function collectDownloads(page: Page): Download[] {
  const downloads: Download[] = [];
  page.on('download', (download) => downloads.push(download));
  return downloads;
}

/** Ada's profile with her B2B email revealed by a click: the widget then offers **Export to CSV**. */
async function adaRevealed(): Promise<ProfilePage> {
  const profile = await ProfilePage.open(env.browser, PEOPLE.ada.slug);
  await profile.waitForLead(PEOPLE.ada.name);
  await profile.revealButton('b2bEmail').click();
  await expect.poll(() => profile.text(PEOPLE.ada.b2bEmails[0] ?? '').isVisible()).toBe(true);
  return profile;
}

describe('export to CSV from the widget', () => {
  it('exporting one lead twice spends 2 export credits and downloads two files', async () => {
    const profile = await adaRevealed();
    const downloads = collectDownloads(profile.page);
    const dialog = profile.widget.getByRole('dialog', { name: 'Confirm export' });

    for (const time of [1, 2]) {
      await profile.widget.getByRole('button', { name: 'Export to CSV' }).click();
      await expect.poll(() => dialog.getByText('Export 1 lead for 1 export credit.').isVisible()).toBe(true);
      if (time === 2) await expect.poll(() => dialog.getByText(/1 time/).isVisible()).toBe(true);
      await dialog.getByRole('button', { name: 'Confirm export' }).click();
      await expect.poll(() => downloads.length).toBe(time);
      await dialog.getByRole('link', { name: 'Save the file again' }).waitFor();
      await dialog.getByRole('button', { name: 'Close' }).click();
      await dialog.waitFor({ state: 'detached' });
    }

    expect(await exportCreditsLeft(env.workspace.apiKey)).toBe(3);
    const [first, second] = await Promise.all(downloads.map(contentOf));
    for (const [file, times] of [
      [first, '1'],
      [second, '2'],
    ] as const) {
      expect(file?.charCodeAt(0)).toBe(0xfeff);
      const [header, row, end] = (file ?? '').slice(1).split('\r\n');
      expect(header).toMatch(/^"Name","Headline","Company","Location","Profile URL","Professional emails"/);
      expect(row).toContain('"Ada Lovelace"');
      expect(row).toContain(`"${PEOPLE.ada.b2bEmails[0]}"`);
      expect(row).toContain('"https://www.linkedin.com/in/ada-lovelace/"');
      // Only what the pool revealed: her phones and personal email were never paid for.
      expect(row).not.toContain('7700');
      expect(row).not.toContain('mail.example');
      expect(row?.endsWith(`"${times}"`)).toBe(true);
      expect(end).toBe('');
    }
  });

  it('a retried export after a lost answer spends nothing more and saves one file', async () => {
    const profile = await adaRevealed();
    const downloads = collectDownloads(profile.page);
    // Discovery is off and the reveal is done: from here only exports carry a key.
    const keysBefore = env.proxy.idempotencyKeys.length;
    // Every answer is lost until the user has clicked Retry: Chromium resends a POST by itself
    // once when a kept-alive connection breaks before any answer, so the first two are dropped.
    env.proxy.setMode({ kind: 'dropResponse' }, { paths: /^\/v1\/exports$/, times: 2 });

    await profile.widget.getByRole('button', { name: 'Export to CSV' }).click();
    const dialog = profile.widget.getByRole('dialog', { name: 'Confirm export' });
    await dialog.getByRole('button', { name: 'Confirm export' }).click();
    // The server committed, the answer was lost: the dialog says so and offers Retry, and
    // nothing was saved. The charge is made once.
    const retry = dialog.getByRole('button', { name: 'Retry' });
    await retry.waitFor({ timeout: 30_000 });
    expect(downloads).toHaveLength(0);
    expect(await exportCreditsLeft(env.workspace.apiKey)).toBe(4);
    let retries = 0;
    while (downloads.length === 0 && retries < 3) {
      await retry.click();
      retries += 1;
      // The dialog runs the export again (same export id); then the file, or Retry once more.
      await retry.waitFor({ state: 'hidden' });
      await expect.poll(async () => downloads.length > 0 || (await retry.isVisible()), { timeout: 30_000 }).toBe(true);
    }
    await expect.poll(() => downloads.length).toBe(1);

    const keys = env.proxy.idempotencyKeys.slice(keysBefore);
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(new Set(keys).size).toBe(1);
    expect(await exportCreditsLeft(env.workspace.apiKey)).toBe(4);
    expect(await exportCharges(env.workspace.apiKey)).toBe(1);
    await profile.page.waitForTimeout(500);
    expect(downloads).toHaveLength(1);
  });
});

describe('export from the leads tab', () => {
  it('a selection of 5 leads with 4 export credits is refused and spends nothing (R6)', async () => {
    const workspace = await env.server.createWorkspace({ b2bEmail: 10, export: 4 });
    const five = [PEOPLE.ada, PEOPLE.alan, PEOPLE.grace, PEOPLE.katherine, EDSGER];
    for (const person of five) await revealForWorkspace(workspace.apiKey, person.slug);
    await signIn(env.browser, env.proxy.url, workspace.apiKey);

    const leads = await LeadsPage.open(env.browser);
    const downloads = collectDownloads(leads.page);
    for (const person of five) await leads.row(person.name).waitFor();
    await leads.selectAll();
    const dialog = await leads.startExport('csv');
    await expect.poll(() => dialog.getByText('Export 5 leads for 5 export credits.').isVisible()).toBe(true);
    await expect.poll(() => dialog.getByText(/needs 5 and you have 4 left/).isVisible()).toBe(true);
    await expect(dialog.getByRole('button', { name: 'Confirm export' }).isDisabled()).resolves.toBe(true);

    // The background refuses it too, should a page ask anyway: the server charges nothing.
    const reply = await leads.page.evaluate(
      (leads) => {
        const { chrome } = globalThis as unknown as {
          chrome: { runtime: { sendMessage(message: unknown): Promise<unknown> } };
        };
        return chrome.runtime.sendMessage({
          leadlens: 1,
          name: 'exportRun',
          payload: { exportId: crypto.randomUUID(), leads, target: 'csv' },
        });
      },
      five.map((person) => person.slug),
    );
    expect(reply).toEqual({
      ok: false,
      error: { code: 'insufficient_credits', message: 'This export needs 5 export credits; 4 are left.' },
    });
    expect(await exportCreditsLeft(workspace.apiKey)).toBe(4);
    expect(await exportCharges(workspace.apiKey)).toBe(0);
    expect(downloads).toEqual([]);
  });
});

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A CRM's webhook receiver on this machine: records every request and answers 200. */
async function startReceiver(): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/leadlens/hook`, received };
}

/** The receiver's check, written from the documented scheme: HMAC-SHA256 of `<timestamp>.<body>`. */
function validSignature(secret: string, request: Received): boolean {
  const timestamp = request.headers['x-leadlens-timestamp'];
  const signature = request.headers['x-leadlens-signature'];
  if (typeof timestamp !== 'string' || typeof signature !== 'string') return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.${request.body}`).digest('hex');
  return signature === `sha256=${expected}`;
}

describe('export to a CRM webhook', () => {
  it('the receiver gets each lead once, with a valid signature', async () => {
    const receiver = await startReceiver();
    const secret = `whsec-${randomUUID()}`;
    for (const person of [PEOPLE.ada, PEOPLE.alan]) await revealForWorkspace(env.workspace.apiKey, person.slug);

    const leads = await LeadsPage.open(env.browser);
    await leads.setWebhook(receiver.url, secret);
    await leads.select(PEOPLE.ada.name);
    await leads.select(PEOPLE.alan.name);
    const dialog = await leads.startExport('webhook');
    await expect.poll(() => dialog.getByText('Export 2 leads for 2 export credits.').isVisible()).toBe(true);
    const results = await leads.confirmAndDeliver();
    expect(results.sort()).toEqual([`${PEOPLE.ada.name}: Delivered`, `${PEOPLE.alan.name}: Delivered`]);

    expect(receiver.received).toHaveLength(2);
    expect(receiver.received.every((request) => validSignature(secret, request))).toBe(true);
    expect(receiver.received.some((request) => validSignature('another secret', request))).toBe(false);
    const slugs = receiver.received.map(
      (request) => (JSON.parse(request.body) as { lead: { slug: string } }).lead.slug,
    );
    expect(slugs.sort()).toEqual([PEOPLE.ada.slug, PEOPLE.alan.slug]);
    const [ada] = receiver.received.filter((request) => request.body.includes(PEOPLE.ada.slug));
    expect(JSON.parse(ada?.body ?? '{}')).toMatchObject({
      event: 'lead.exported',
      lead: { slug: PEOPLE.ada.slug, name: PEOPLE.ada.name, emails: PEOPLE.ada.b2bEmails },
    });
    expect(await exportCreditsLeft(env.workspace.apiKey)).toBe(3);
  });
});
