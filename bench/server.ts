/**
 * Server benchmark: reveals per second and p50/p99 latency at concurrency 1, 16 and 64, over
 * HTTP on PGlite and on a private Postgres, against the same work in-process (revealRequest:
 * API-key lookup, idempotency record, reveal transaction; exactly what the route runs, minus
 * HTTP and the body's JSON and zod parsing) and `SELECT 1` through the same driver. Every
 * reveal is a new (pool, lead, type): a claim and a debit on one pool's balance row, the hot
 * spot; one more row spreads the same load over 16 pools (a pool each per workspace), and two
 * more put 20 members of one workspace on its shared pool at the highest concurrency, without
 * and with a monthly limit on each (R11: every reveal then also counts against the member's
 * limit, a row per member), against the single user's row measured in the same run. "bare
 * HTTP" is the load generator against a Node server that answers at once: the ceiling of the
 * HTTP column on this machine, to show the client is not the bottleneck. Loopback only; a few
 * seconds per cell. The load averages (as `uptime` prints them) say how busy the machine was.
 *
 * Run alone: `node --import tsx bench/server.ts`.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { IDEMPOTENCY_HEADER } from '../shared/api.ts';
import { addMember, createWorkspace } from '../server/accounts.ts';
import { findCaller } from '../server/auth.ts';
import { setLimits } from '../server/members.ts';
import { importPeople } from '../server/people.ts';
import { revealRequest } from '../server/reveal-request.ts';
import type { RunningServer } from '../server/serve.ts';
import { onEachBackend } from './backends.ts';
import { loads, quantile } from './stats.ts';

const CONCURRENCY = [1, 16, 64];
const CELL_MS = Number(process.env.BENCH_CELL_MS ?? 2000);
const WARMUP_MS = 300;
const LEADS = 12_000;
/** The spread-out row: this many pools, at the highest concurrency. */
const POOLS = 16;
/** The team rows: this many members sharing one pool, at the highest concurrency. */
const MEMBERS = 20;

/** Who reveals: `pools` workspaces, each with `members` callers (limited or not). */
interface Shape {
  pools: number;
  members: number;
  limited: boolean;
}

const ONE_USER: Shape = { pools: 1, members: 1, limited: false };

interface Cell {
  backend: string;
  mode: 'http' | 'in-process' | 'SELECT 1' | 'bare HTTP';
  concurrency: number;
  pools: number;
  /** Members revealing on each pool (their keys taken in turn). */
  members: number;
  /** Whether each member has a monthly limit (R11) on the type revealed. */
  limited: boolean;
  perSecond: number;
  p50: number;
  p99: number;
  count: number;
  /** Main-thread CPU per operation, µs. */
  cpuUs: number;
}

/**
 * CPU time of this process's main thread (the server's thread: Hono, and PGlite's WebAssembly),
 * in ms, from /proc (Linux; 100 ticks a second, so read over whole cells); NaN elsewhere.
 * Wall-clock rates on a busy 2-core machine depend on how much CPU each thread got; CPU per
 * reveal says what the server's thread spends on one, whatever else is running.
 */
function mainThreadCpuMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, fields 14 and 15 of the line (the fields after the name start at 3).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Rate, latency percentiles and server-thread CPU per operation of one measured cell. */
function summarize(latencies: number[], elapsedMs: number, cpuMs: number) {
  return {
    perSecond: (latencies.length / elapsedMs) * 1000,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    count: latencies.length,
    cpuUs: (cpuMs * 1000) / latencies.length,
  };
}

/** Runs `op` from `concurrency` workers for `ms`; `op` gets a fresh sequence number each call. */
async function measure(concurrency: number, ms: number, op: (n: number) => Promise<void>) {
  let next = 0;
  const latencies: number[] = [];
  const cpuBefore = mainThreadCpuMs();
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
  return summarize(latencies, performance.now() - started, mainThreadCpuMs() - cpuBefore);
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
const { url, apiKeys, concurrency, ms, leads, path } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const target = new URL(path, url);
let next = 0;
const latencies = [];
function reveal(n) {
  return new Promise((resolve, reject) => {
    const request = http.request(target, {
      method: 'POST',
      agent,
      headers: {
        Authorization: 'Bearer ' + apiKeys[n % apiKeys.length],
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

interface LoadOptions {
  url: string;
  apiKeys: string[];
  concurrency: number;
  ms: number;
  leads: number;
  path?: string;
}

async function httpLoad(options: LoadOptions) {
  const cpuBefore = mainThreadCpuMs();
  const worker = new Worker(LOAD_WORKER, { eval: true, workerData: { path: '/v1/reveals', ...options } });
  const { latencies, elapsed } = await new Promise<{ latencies: number[]; elapsed: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const cpuMs = mainThreadCpuMs() - cpuBefore;
  await worker.terminate();
  return summarize(latencies, elapsed, cpuMs);
}

/** The load generator against a server on this thread that reads the body and answers a fixed reveal-sized JSON. */
async function bareHttp(): Promise<Cell[]> {
  const answer = JSON.stringify({ lead: 'bench-lead-0', results: {}, balances: {}, padding: 'x'.repeat(400) });
  const server = createServer({ noDelay: true }, (request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'Content-Type': 'application/json' }).end(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const cells: Cell[] = [];
  try {
    for (const concurrency of CONCURRENCY) {
      const options = { url, apiKeys: ['none'], concurrency, leads: LEADS, path: '/' };
      await httpLoad({ ...options, ms: WARMUP_MS });
      cells.push({
        backend: 'any',
        mode: 'bare HTTP',
        concurrency,
        pools: 1,
        members: 1,
        limited: false,
        ...(await httpLoad({ ...options, ms: CELL_MS })),
      });
    }
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  return cells;
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
  /**
   * API keys of `pools` new workspaces, one pool each, with credit enough for the whole run:
   * the admin's key, or with `members` > 1 the keys of that many members of each workspace,
   * each limited (when `limited`) to more than the run can spend, so the limit is checked on
   * every reveal and never refuses.
   */
  const freshCallers = async ({ pools, members, limited }: Shape) => {
    const keys: string[] = [];
    for (let i = 0; i < pools; i++) {
      const ws = await createWorkspace(db, {
        name: 'Bench',
        plan: 'business',
        seats: members + 1,
        credits: { b2bEmail: 10_000_000 },
      });
      if (members === 1) {
        keys.push(ws.admin.apiKey);
        continue;
      }
      const admin = await findCaller(db, ws.admin.apiKey);
      if (!admin) throw new Error('the bench admin has no account');
      for (let m = 0; m < members; m++) {
        const member = await addMember(db, {
          workspaceId: ws.workspaceId,
          email: `m${m}-${ws.workspaceId}@bench.test`,
        });
        if (limited) {
          await db.transaction((tx) =>
            setLimits(tx, admin, { userId: member.userId, limits: { b2bEmail: 1_000_000 }, now: new Date() }),
          );
        }
        keys.push(member.apiKey);
      }
    }
    return keys;
  };
  const lead = (n: number) => `bench-lead-${n % LEADS}`;

  // Exactly what POST /v1/reveals runs once its headers and body are parsed.
  const inProcess = (apiKeys: string[]) => async (n: number) => {
    const answer = await revealRequest(db, {
      apiKey: apiKeys[n % apiKeys.length] ?? '',
      idempotencyKey: randomUUID(),
      request: { lead: lead(n), types: ['b2bEmail'] },
      now: new Date(),
    });
    if (answer.status !== 200) throw new Error(`reveal answered ${answer.status}`);
  };

  const cells: Cell[] = [];
  const top = CONCURRENCY[CONCURRENCY.length - 1] ?? 64;
  const runs: Array<Shape & { concurrency: number }> = [
    ...CONCURRENCY.map((concurrency) => ({ concurrency, pools: 1, members: 1, limited: false })),
    { concurrency: top, pools: POOLS, members: 1, limited: false },
    { concurrency: top, pools: 1, members: MEMBERS, limited: false },
    { concurrency: top, pools: 1, members: MEMBERS, limited: true },
  ];
  for (const run of runs) {
    const { concurrency } = run;
    const shape = { pools: run.pools, members: run.members, limited: run.limited };
    if (run.pools === 1 && run.members === 1) {
      const select = await measure(concurrency, CELL_MS, async () => {
        await db.query('SELECT 1');
      });
      cells.push({ backend, mode: 'SELECT 1', concurrency, ...shape, ...select });
    }
    await measure(concurrency, WARMUP_MS, inProcess(await freshCallers(shape)));
    const inProcessResult = await measure(concurrency, CELL_MS, inProcess(await freshCallers(shape)));
    cells.push({ backend, mode: 'in-process', concurrency, ...shape, ...inProcessResult });
    const load = { url: server.url, concurrency, leads: LEADS };
    await httpLoad({ ...load, apiKeys: await freshCallers(shape), ms: WARMUP_MS });
    const httpResult = await httpLoad({ ...load, apiKeys: await freshCallers(shape), ms: CELL_MS });
    cells.push({ backend, mode: 'http', concurrency, ...shape, ...httpResult });
    for (const cell of [inProcessResult, httpResult]) {
      if (cell.count > LEADS) console.warn(`${backend} c=${concurrency}: leads reused (already paid, cheaper)`);
    }
  }
  return cells;
}

function printTable(cells: Cell[]): void {
  const find = (backend: string, mode: Cell['mode'], concurrency: number, shape: Shape = ONE_USER) =>
    cells.find(
      (c) =>
        c.backend === backend &&
        c.mode === mode &&
        c.concurrency === concurrency &&
        c.pools === shape.pools &&
        c.members === shape.members &&
        c.limited === shape.limited,
    );
  const rows: string[][] = [
    [
      'backend',
      'conc',
      'pools',
      'members',
      'HTTP rev/s',
      'p50 ms',
      'p99 ms',
      'in-proc rev/s',
      'p50 ms',
      'p99 ms',
      'SELECT 1/s',
      'bare HTTP/s',
      'srv CPU µs/rev HTTP',
      'in-proc',
      'HTTP/in-proc',
      'in-proc/SELECT1',
      'HTTP vs 1 user',
      'in-proc vs 1 user',
    ],
  ];
  for (const backend of [...new Set(cells.map((c) => c.backend))]) {
    const keys = cells.filter((c) => c.backend === backend && c.mode === 'http');
    for (const key of keys) {
      const { concurrency } = key;
      const http = find(backend, 'http', concurrency, key);
      const inProc = find(backend, 'in-process', concurrency, key);
      const select = find(backend, 'SELECT 1', concurrency);
      const bare = find('any', 'bare HTTP', concurrency);
      // The baseline of a team row: one user on one pool at the same concurrency, same run.
      const oneHttp = find(backend, 'http', concurrency);
      const oneInProc = find(backend, 'in-process', concurrency);
      if (!http || !inProc || !select) continue;
      const versus = (cell: Cell, one: Cell | undefined) =>
        key.members > 1 && one ? (cell.perSecond / one.perSecond).toFixed(2) + 'x' : '-';
      rows.push([
        backend,
        String(concurrency),
        String(key.pools),
        `${key.members}${key.limited ? ' lim' : ''}`,
        http.perSecond.toFixed(0),
        http.p50.toFixed(2),
        http.p99.toFixed(2),
        inProc.perSecond.toFixed(0),
        inProc.p50.toFixed(2),
        inProc.p99.toFixed(2),
        select.perSecond.toFixed(0),
        bare ? bare.perSecond.toFixed(0) : '-',
        http.cpuUs.toFixed(0),
        inProc.cpuUs.toFixed(0),
        (http.perSecond / inProc.perSecond).toFixed(2) + 'x',
        (inProc.perSecond / select.perSecond).toFixed(3) + 'x',
        versus(http, oneHttp),
        versus(inProc, oneInProc),
      ]);
    }
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  for (const row of rows) console.log(row.map((cell, i) => cell.padStart(widths[i] ?? 0)).join('  '));
}

export async function benchServer(): Promise<void> {
  console.log(
    `Server: reveals of new (pool, lead, b2bEmail), ${CELL_MS} ms per cell, loopback; load average at start ${loads()}`,
  );
  const cells: Cell[] = await bareHttp();
  for (const backend of await onEachBackend(benchBackend)) cells.push(...backend);
  printTable(cells);
  console.log(`Load average at the end: ${loads()}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchServer().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
