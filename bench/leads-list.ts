/**
 * The leads page's list with 10,000 revealed leads (issue 5: "fast with 10,000 leads"), in real
 * Chromium with the built extension and the real server, asked the way the options page asks
 * (`leadsList` through runtime messaging, the reply structured-cloned to the page):
 * - the local copy (IndexedDB), with the worker running and with it stopped first (CDP);
 * - read whole again from the server (10 pages of 1,000) and the copy replaced;
 * - each against a message with a tiny reply (`sessionGet`) in the same run.
 */
import type { Page } from 'playwright-core';
import { launchWithExtension } from '../tests/support/extension.ts';
import { startTestServer } from '../tests/support/test-server.ts';
import { signIn } from '../tests/e2e/pages/options.ts';
import { seedRevealedLeads } from './leads-page.ts';
import { median, ms, p95 } from './stats.ts';

const LEADS = Number(process.env.BENCH_LEADS ?? 10_000);
const RUNS = Number(process.env.BENCH_LEADS_RUNS ?? 15);
const REFRESHES = Number(process.env.BENCH_LEADS_REFRESHES ?? 5);

/** Sends `name` from the page and answers how long the reply took and how many leads it held. */
async function ask(
  page: Page,
  name: 'leadsList' | 'sessionGet',
  payload: object,
): Promise<{ ms: number; leads: number }> {
  // No named functions inside: the tsx transform would wrap them in a helper the page lacks.
  return page.evaluate(
    async ({ name, payload }) => {
      const { chrome } = globalThis as unknown as {
        chrome: { runtime: { sendMessage(message: unknown): Promise<{ ok: boolean; data?: { leads?: unknown[] } }> } };
      };
      const started = performance.now();
      const reply = await chrome.runtime.sendMessage({ leadlens: 1, name, payload });
      const elapsed = performance.now() - started;
      if (!reply.ok) throw new Error(`${name} failed: ${JSON.stringify(reply)}`);
      return { ms: elapsed, leads: reply.data?.leads?.length ?? 0 };
    },
    { name, payload },
  );
}

function row(label: string, samples: number[], baseline: number[]): void {
  console.log(
    `| ${label} | ${ms(median(samples))} | ${ms(p95(samples))} | ${ms(median(baseline))} / ${ms(p95(baseline))} | ${(median(samples) / median(baseline)).toFixed(1)}x |`,
  );
}

export async function benchLeadsList(): Promise<void> {
  const server = await startTestServer();
  const workspace = await server.createWorkspace({ b2bEmail: 10, phone: 10, export: 10 });
  const account = await server.account(workspace.apiKey);
  // The pool revealed every lead, as months of prospecting would (seeded in SQL: seconds).
  await seedRevealedLeads(server.db, account.pool.id, account.user.id, LEADS);

  const browser = await launchWithExtension();
  try {
    await signIn(browser, server.url, workspace.apiKey);
    const page = await browser.openExtensionPage('options.html');

    const refresh: number[] = [];
    for (let i = 0; i < REFRESHES; i++) {
      const answer = await ask(page, 'leadsList', { refresh: true });
      if (answer.leads !== LEADS) throw new Error(`expected ${LEADS} leads, got ${answer.leads}`);
      refresh.push(answer.ms);
    }
    const local: number[] = [];
    const tiny: number[] = [];
    for (let i = 0; i < RUNS + 2; i++) {
      const list = await ask(page, 'leadsList', { refresh: false });
      const session = await ask(page, 'sessionGet', {});
      if (i >= 2) {
        local.push(list.ms);
        tiny.push(session.ms);
      }
    }
    const cold: number[] = [];
    for (let i = 0; i < Math.min(RUNS, 8); i++) {
      await browser.stopServiceWorker();
      cold.push((await ask(page, 'leadsList', { refresh: false })).ms);
    }

    console.log(`\n## Leads list (${LEADS} revealed leads; ${RUNS} local reads, ${REFRESHES} refreshes)\n`);
    console.log('| measure | median | p95 | baseline: sessionGet (median / p95) | ratio |');
    console.log('|---|---|---|---|---|');
    row('leadsList from the local copy', local, tiny);
    row('worker stopped: leadsList from the local copy', cold, tiny);
    row('leadsList read whole from the server, copy replaced', refresh, tiny);
  } finally {
    await browser.close();
    await server.close();
  }
}
