/**
 * Bulk enrichment throughput in real Chromium with the built extension and the local server:
 * rows per second for a job of BENCH_BULK_ROWS rows (B2B email and phone, every row new, so
 * every row is one charged reveal), from `bulkStart` sent by the options page to the
 * `bulkProgress` push that says the job is done. Baseline, in the same run: the same rows
 * revealed one by one straight to the API (one `POST /v1/reveals` after the other, from the
 * extension's service worker, in a second workspace so they are charged too).
 */
import { launchWithExtension } from '../tests/support/extension.ts';
import { startTestServer } from '../tests/support/test-server.ts';
import { signIn } from '../tests/e2e/pages/options.ts';
import { setDiscovery } from '../tests/e2e/pages/popup.ts';

const ROWS = Number(process.env.BENCH_BULK_ROWS ?? 1000);

/**
 * In the options page: starts a job and resolves with its milliseconds once the background
 * pushes it done. Source text, not a callback (see extension.ts: tsx's `__name` helper).
 */
const RUN_JOB = `async ({ jobId, leads }) => {
  const done = new Promise((resolve, reject) => {
    chrome.runtime.onMessage.addListener((message) => {
      if (message && message.leadlensPush === 1 && message.kind === 'bulkProgress' && message.job.id === jobId) {
        if (message.job.state === 'done') resolve(message.job);
        else if (message.job.state !== 'running') reject(new Error('job ' + message.job.state + ': ' + JSON.stringify(message.job.reason)));
      }
    });
  });
  const t0 = performance.now();
  const reply = await chrome.runtime.sendMessage({
    leadlens: 1,
    name: 'bulkStart',
    payload: { jobId, leads, types: ['b2bEmail', 'phone'] },
  });
  if (!reply.ok) throw new Error(reply.error.message);
  const job = await done;
  return { ms: performance.now() - t0, job };
}`;

export async function benchBulk(): Promise<void> {
  const server = await startTestServer();
  const people = Array.from({ length: ROWS }, (_, i) => ({
    slug: `bulk-bench-${i}`,
    name: `Bulk Bench ${i}`,
    b2bEmails: [`bulk${i}@bench.example`],
    phones: [`mobile:+33 6 ${String(10_000_000 + i)}`],
  }));
  await server.addPeople(people);
  const credits = { b2bEmail: ROWS + 10, phone: ROWS + 10, directEmail: 10, export: 10 };
  const [extensionWorkspace, apiWorkspace] = [
    await server.createWorkspace(credits),
    await server.createWorkspace(credits),
  ];
  const browser = await launchWithExtension();
  try {
    await signIn(browser, server.url, extensionWorkspace.apiKey);
    await setDiscovery(browser, { b2bEmail: false, phone: false, directEmail: false });
    const options = await browser.openExtensionPage('options.html');
    const leads = people.map((person) => person.slug);

    const bulk = await options.evaluate<{ ms: number; job: { done: number; charged: Record<string, number> } }>(
      `(${RUN_JOB})(${JSON.stringify({ jobId: `bench-job-${Date.now()}`, leads })})`,
    );
    if (bulk.job.done !== ROWS || bulk.job.charged.b2bEmail !== ROWS || bulk.job.charged.phone !== ROWS) {
      throw new Error(`the job did not reveal every row: ${JSON.stringify(bulk.job)}`);
    }

    const worker = await browser.serviceWorker();
    const single = await worker.evaluate(
      async ({ url, apiKey, slugs }) => {
        const t0 = performance.now();
        for (const lead of slugs) {
          const response = await fetch(`${url}/v1/reveals`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${apiKey}`,
              'content-type': 'application/json',
              'Idempotency-Key': `bench-${lead}`,
            },
            body: JSON.stringify({ lead, types: ['b2bEmail', 'phone'] }),
          });
          if (!response.ok) throw new Error(`reveal ${lead}: ${response.status}`);
          await response.text();
        }
        return performance.now() - t0;
      },
      { url: server.url, apiKey: apiWorkspace.apiKey, slugs: leads },
    );

    const bulkRate = ROWS / (bulk.ms / 1000);
    const singleRate = ROWS / (single / 1000);
    console.log(`\n## Bulk enrichment in Chromium (${ROWS} rows, B2B email and phone, every row charged)\n`);
    console.log('| measure | rows/s | total | baseline | ratio |');
    console.log('|---|---:|---:|---|---:|');
    console.log(
      `| bulk job, start → done push | ${bulkRate.toFixed(0)} | ${(bulk.ms / 1000).toFixed(1)} s | one by one straight to the API: ${singleRate.toFixed(0)} rows/s (${(single / 1000).toFixed(1)} s) | ${(bulkRate / singleRate).toFixed(2)}x |`,
    );
  } finally {
    await browser.close();
    await server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchBulk();
