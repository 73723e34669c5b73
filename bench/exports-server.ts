/**
 * Export benchmark: one export of 10,000 leads through HTTP (POST /v1/exports: the charge,
 * 10,000 ledger entries and counters, the rows built and stored under the key), against
 * reading the same 10,000 leads through GET /v1/leads in pages of 1,000 in the same run (the
 * rows alone, no charge), and the free quote of the same selection; on PGlite and on a
 * private Postgres. The pool's 10,000 reveals are made first through the real reveal path
 * (revealRequest, in-process). Several runs of each, alternated, so a burst of load on this
 * shared machine hits both; median and p95 printed, and the ratio of the medians.
 *
 * Run alone: `node --import tsx bench/exports-server.ts`, or `npm run bench -- exports-server`;
 * BENCH_EXPORT_RUNS sets the runs (7), BENCH_VERBOSE=1 prints every run.
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { IDEMPOTENCY_HEADER, MAX_EXPORT_LEADS } from '../shared/api.ts';
import { createWorkspace } from '../server/accounts.ts';
import { importPeople } from '../server/people.ts';
import { revealRequest } from '../server/reveal-request.ts';
import type { RunningServer } from '../server/serve.ts';
import { onEachBackend } from './backends.ts';
import { loads, median, ms, p95 } from './stats.ts';

const LEADS = MAX_EXPORT_LEADS;
const PAGE = 1000;
const RUNS = Number(process.env.BENCH_EXPORT_RUNS ?? 7);
/** Reveals in flight while the pool is prepared. */
const SETUP_CONCURRENCY = 16;

interface Row {
  backend: string;
  exportMs: number[];
  readMs: number[];
  quoteMs: number[];
  exportBytes: number;
}

async function timed(fn: () => Promise<number>): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const bytes = await fn();
  return { ms: performance.now() - started, bytes };
}

async function benchBackend(backend: string, server: RunningServer): Promise<Row> {
  const { db, url } = server;
  const leads = Array.from({ length: LEADS }, (_, i) => `export-bench-${i}`);
  await importPeople(
    db,
    leads.map((slug, i) => ({
      slug,
      fullName: `Export Bench ${i}`,
      headline: 'Head of Benchmarks',
      company: `Company ${i % 97}`,
      location: 'Lyon',
      b2bEmail: [{ value: `${slug}@work.example`, verifiedAt: new Date() }],
      phone: [{ value: `+33 6 12 34 ${String(i).padStart(5, '0')}`, phoneKind: 'mobile' as const }],
    })),
  );
  const ws = await createWorkspace(db, {
    name: 'Export bench',
    plan: 'business',
    seats: 2,
    credits: { b2bEmail: LEADS, phone: LEADS, export: LEADS * (RUNS + 2) },
  });
  const apiKey = ws.admin.apiKey;
  let next = 0;
  await Promise.all(
    Array.from({ length: SETUP_CONCURRENCY }, async () => {
      for (let i = next++; i < LEADS; i = next++) {
        const answer = await revealRequest(db, {
          apiKey,
          idempotencyKey: randomUUID(),
          request: { lead: leads[i] ?? '', types: ['b2bEmail', 'phone'] },
          now: new Date(),
        });
        if (answer.status !== 200) throw new Error(`reveal answered ${answer.status}`);
      }
    }),
  );

  const headers = { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' };
  const exportOnce = async () => {
    const response = await fetch(`${url}/v1/exports`, {
      method: 'POST',
      headers: { ...headers, [IDEMPOTENCY_HEADER]: randomUUID() },
      body: JSON.stringify({ leads, target: 'csv' }),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`export answered ${response.status}: ${text.slice(0, 200)}`);
    return text.length;
  };
  const readAll = async () => {
    let cursor: string | null = null;
    let count = 0;
    let bytes = 0;
    do {
      const query: string = `?limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const response = await fetch(`${url}/v1/leads${query}`, { headers });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`lead list answered ${response.status}`);
      const page = JSON.parse(text) as { leads: unknown[]; nextCursor: string | null };
      count += page.leads.length;
      bytes += text.length;
      cursor = page.nextCursor;
    } while (cursor !== null);
    if (count !== LEADS) throw new Error(`the lead list had ${count} leads, not ${LEADS}`);
    return bytes;
  };
  const quoteOnce = async () => {
    const response = await fetch(`${url}/v1/exports/quote`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ leads }),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`quote answered ${response.status}`);
    return text.length;
  };

  // One of each first: plans cached, pages warm.
  await readAll();
  await quoteOnce();
  const exportBytes = await exportOnce();
  const row: Row = { backend, exportMs: [], readMs: [], quoteMs: [], exportBytes };
  for (let run = 0; run < RUNS; run++) {
    row.readMs.push((await timed(readAll)).ms);
    row.exportMs.push((await timed(exportOnce)).ms);
    row.quoteMs.push((await timed(quoteOnce)).ms);
  }
  return row;
}

function printRows(rows: Row[]): void {
  const table: string[][] = [
    [
      'backend',
      'export 10k median',
      'p95',
      'read 10k (10 pages) median',
      'p95',
      'export/read',
      'quote 10k median',
      'p95',
      'export answer',
    ],
  ];
  for (const row of rows) {
    table.push([
      row.backend,
      ms(median(row.exportMs)),
      ms(p95(row.exportMs)),
      ms(median(row.readMs)),
      ms(p95(row.readMs)),
      `${(median(row.exportMs) / median(row.readMs)).toFixed(2)}x`,
      ms(median(row.quoteMs)),
      ms(p95(row.quoteMs)),
      `${(row.exportBytes / 1024 / 1024).toFixed(1)} MB`,
    ]);
  }
  const widths = table[0]?.map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length))) ?? [];
  for (const line of table) console.log(line.map((cell, i) => cell.padStart(widths[i] ?? 0)).join('  '));
}

export async function benchExportsServer(): Promise<void> {
  console.log(
    `Exports: ${LEADS} leads through HTTP, ${RUNS} runs each against reading them in pages of ${PAGE}; ` +
      `load average at start ${loads()}`,
  );
  const rows: Row[] = await onEachBackend(benchBackend);
  if (process.env.BENCH_VERBOSE) {
    for (const row of rows) {
      console.log(row.backend, 'runs in ms', {
        read: row.readMs.map(Math.round),
        export: row.exportMs.map(Math.round),
      });
    }
  }
  printRows(rows);
  console.log(`Load average at the end: ${loads()}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchExportsServer().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
