/**
 * Server benchmark: reveals per second and p50/p99 latency at concurrency 1, 16 and 64, over
 * HTTP on PGlite and on a private Postgres, against the same work in-process (API-key lookup,
 * idempotency record, reveal transaction: what the route does, minus HTTP) and `SELECT 1`
 * through the same driver. Every reveal is a new (pool, lead, type): a claim and a debit on
 * one pool's balance row, the hot spot. Loopback only; a few seconds per cell.
 *
 * Run alone: `node --import tsx bench/server.ts`.
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { IDEMPOTENCY_HEADER } from '../shared/api.ts';
import { createWorkspace } from '../server/accounts.ts';
import { findCaller } from '../server/auth.ts';
import { hashRequest, runIdempotent } from '../server/idempotency.ts';
import { importPeople } from '../server/people.ts';
import { revealInTransaction } from '../server/reveals.ts';
import { startServer, type RunningServer } from '../server/serve.ts';
import { createDatabase, startPostgres } from '../tests/support/postgres.ts';

const CONCURRENCY = [1, 16, 64];
const CELL_MS = Number(process.env.BENCH_CELL_MS ?? 2000);
const WARMUP_MS = 300;
const LEADS = 12_000;

interface Cell {
  backend: string;
  mode: 'http' | 'in-process' | 'SELECT 1';
  concurrency: number;
  perSecond: number;
  p50: number;
  p99: number;
  count: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

/** Runs `op` from `concurrency` workers for `ms`; `op` gets a fresh sequence number each call. */
async function measure(concurrency: number, ms: number, op: (n: number) => Promise<void>) {
  let next = 0;
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const n = next++;
        const t0 = performance.now();
        await op(n);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: (latencies.length / elapsed) * 1000,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    count: latencies.length,
  };
}

/**
 * The HTTP load generator runs in a worker thread, as a real client would run elsewhere: on
 * the server's thread it would take time from the server (PGlite runs on that thread too).
 * node:http with keep-alive, because fetch (undici) costs the client more than the server.
 */
const LOAD_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { randomUUID } = require('node:crypto');
const { url, apiKey, concurrency, ms, leads } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const target = new URL('/v1/reveals', url);
let next = 0;
const latencies = [];
function reveal(n) {
  return new Promise((resolve, reject) => {
    const request = http.request(target, {
      method: 'POST',
      agent,
      headers: {
        Authorization: 'Bearer ' + apiKey,
        'Content-Type': 'application/json',
        '${IDEMPOTENCY_HEADER}': randomUUID(),
      },
    }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => response.statusCode === 200
        ? resolve()
        : reject(new Error('reveal answered ' + response.statusCode + ': ' + Buffer.concat(chunks))));
    });
    request.on('error', reject);
    request.end(JSON.stringify({ lead: 'bench-lead-' + (n % leads), types: ['b2bEmail'] }));
  });
}
const started = performance.now();
const deadline = started + ms;
Promise.all(Array.from({ length: concurrency }, async () => {
  while (performance.now() < deadline) {
    const n = next++;
    const t0 = performance.now();
    await reveal(n);
    latencies.push(performance.now() - t0);
  }
})).then(() => {
  agent.destroy();
  parentPort.postMessage({ latencies, elapsed: performance.now() - started });
});
`;

async function httpLoad(options: { url: string; apiKey: string; concurrency: number; ms: number; leads: number }) {
  const worker = new Worker(LOAD_WORKER, { eval: true, workerData: options });
  const { latencies, elapsed } = await new Promise<{ latencies: number[]; elapsed: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  latencies.sort((a, b) => a - b);
  return {
    perSecond: (latencies.length / elapsed) * 1000,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    count: latencies.length,
  };
}

async function benchBackend(backend: string, server: RunningServer): Promise<Cell[]> {
  const { db } = server;
  await importPeople(
    db,
    Array.from({ length: LEADS }, (_, i) => ({
      slug: `bench-lead-${i}`,
      fullName: `Bench Lead ${i}`,
      b2bEmail: [{ value: `lead${i}@bench.example` }],
    })),
  );
  const freshCaller = async () => {
    const ws = await createWorkspace(db, {
      name: 'Bench',
      plan: 'business',
      seats: 5,
      credits: { b2bEmail: 10_000_000 },
    });
    return ws.admin.apiKey;
  };
  const lead = (n: number) => `bench-lead-${n % LEADS}`;

  const inProcess = async (apiKey: string, n: number) => {
    const caller = await findCaller(db, apiKey);
    if (!caller) throw new Error('no caller');
    const now = new Date();
    const request = { lead: lead(n), types: ['b2bEmail' as const] };
    const key = randomUUID();
    await runIdempotent(db, { poolId: caller.poolId, key, requestHash: hashRequest(request), now }, (tx) =>
      revealInTransaction(tx, caller, request, now, key),
    );
  };

  const cells: Cell[] = [];
  for (const concurrency of CONCURRENCY) {
    const select = await measure(concurrency, CELL_MS, async () => {
      await db.query('SELECT 1');
    });
    cells.push({ backend, mode: 'SELECT 1', concurrency, ...select });
    const warmKey = await freshCaller();
    await measure(concurrency, WARMUP_MS, (n) => inProcess(warmKey, n));
    const inProcessResult = await measure(
      concurrency,
      CELL_MS,
      (
        (apiKey) => (n: number) =>
          inProcess(apiKey, n)
      )(await freshCaller()),
    );
    cells.push({ backend, mode: 'in-process', concurrency, ...inProcessResult });
    await httpLoad({ url: server.url, apiKey: await freshCaller(), concurrency, ms: WARMUP_MS, leads: LEADS });
    const httpResult = await httpLoad({
      url: server.url,
      apiKey: await freshCaller(),
      concurrency,
      ms: CELL_MS,
      leads: LEADS,
    });
    cells.push({ backend, mode: 'http', concurrency, ...httpResult });
    for (const cell of [inProcessResult, httpResult]) {
      if (cell.count > LEADS) console.warn(`${backend} c=${concurrency}: leads reused (already paid, cheaper)`);
    }
  }
  return cells;
}

function printTable(cells: Cell[]): void {
  const find = (backend: string, mode: Cell['mode'], concurrency: number) =>
    cells.find((c) => c.backend === backend && c.mode === mode && c.concurrency === concurrency);
  const rows: string[][] = [
    [
      'backend',
      'conc',
      'HTTP rev/s',
      'p50 ms',
      'p99 ms',
      'in-proc rev/s',
      'p50 ms',
      'p99 ms',
      'SELECT 1/s',
      'HTTP/in-proc',
      'in-proc/SELECT1',
    ],
  ];
  for (const backend of [...new Set(cells.map((c) => c.backend))]) {
    for (const concurrency of CONCURRENCY) {
      const http = find(backend, 'http', concurrency);
      const inProc = find(backend, 'in-process', concurrency);
      const select = find(backend, 'SELECT 1', concurrency);
      if (!http || !inProc || !select) continue;
      rows.push([
        backend,
        String(concurrency),
        http.perSecond.toFixed(0),
        http.p50.toFixed(2),
        http.p99.toFixed(2),
        inProc.perSecond.toFixed(0),
        inProc.p50.toFixed(2),
        inProc.p99.toFixed(2),
        select.perSecond.toFixed(0),
        (http.perSecond / inProc.perSecond).toFixed(2) + 'x',
        (inProc.perSecond / select.perSecond).toFixed(3) + 'x',
      ]);
    }
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  for (const row of rows) console.log(row.map((cell, i) => cell.padStart(widths[i] ?? 0)).join('  '));
}

export async function benchServer(): Promise<void> {
  console.log(`Server: reveals of new (pool, lead, b2bEmail) on one pool, ${CELL_MS} ms per cell, loopback`);
  const cells: Cell[] = [];
  const pglite = await startServer({ dataDir: 'memory://', port: 0, seedDemo: false });
  try {
    cells.push(...(await benchBackend('pglite', pglite)));
  } finally {
    await pglite.close();
  }
  const cluster = await startPostgres();
  try {
    const postgres = await startServer({
      databaseUrl: await createDatabase(cluster.url, 'leadlens_bench'),
      port: 0,
      seedDemo: false,
    });
    try {
      cells.push(...(await benchBackend('postgres', postgres)));
    } finally {
      await postgres.close();
    }
  } finally {
    await cluster.stop();
  }
  printTable(cells);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchServer().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
