/**
 * Leads and exports in the background (R5, R6): the leads page's list (paged from the server,
 * kept per pool, shown from the local copy when the server is down), the free quote, the
 * charged export (its Idempotency-Key stored before the request, so a retry after a lost
 * answer or a stopped worker replays: one charge), the 402 in words, the CRM webhook's
 * settings and a webhook export. The export endpoints are faked here beside the harness's
 * server, with the answers shared/api.ts documents.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ErrorBodySchema,
  ExportQuoteRequestSchema,
  ExportRequestSchema,
  IDEMPOTENCY_HEADER,
  LeadListQuerySchema,
  type ErrorCode,
  type ExportResponse,
  type PoolLead,
} from '../../../shared/api.ts';
import type { Push } from '../../../shared/protocol.ts';
import { verifyWebhookSignature } from '../../../entrypoints/background/webhook.ts';
import {
  FakeServer,
  SERVER,
  balancesOf,
  capturePushes,
  expectOk,
  optionsSender,
  resetIndexedDB,
  startBackground,
  widgetSender,
  type Harness,
  type RecordedRequest,
} from './harness.ts';

/** Where the fake webhook receiver listens (http on 127.0.0.1: granted by the manifest). */
const HOOK = 'http://127.0.0.1:9911/hooks/leads';

function poolLead(slug: string, index = 0): PoolLead {
  const at = new Date(Date.UTC(2026, 10, 1) + index * 60_000).toISOString();
  return {
    lead: slug,
    name: `Person ${slug}`,
    headline: 'Engineer',
    company: 'Example Corp',
    location: 'Paris',
    revealedAt: at,
    lastRevealedAt: at,
    values: { b2bEmail: [{ value: `${slug}@example.com`, verifiedAt: null }], phone: [], directEmail: [] },
    exports: 0,
    lastExportedAt: null,
  };
}

interface ExportPool {
  leads: Map<string, PoolLead>;
  exportLeft: number;
  /** Per Idempotency-Key: the body it was first used with and the answer to replay. */
  keys: Map<string, { body: string; response: ExportResponse }>;
}

/**
 * The leads and export endpoints of the credits API, in front of the harness's server (which
 * answers everything else): keyset pages of the pool's leads, the quote, and the export that
 * charges 1 export credit per lead, all or nothing, and replays a key's first answer.
 */
class ExportServer {
  readonly requests: RecordedRequest[] = [];
  /** Export credits debited, one entry per charged export. */
  readonly charges: Array<{ pool: string; leads: string[] }> = [];
  readonly hookCalls: Array<{ body: string; timestamp: string; signature: string | null }> = [];
  /** Commits the next export, then the connection drops before its answer arrives. */
  dropNextExportAnswer = false;
  down = false;
  private readonly pools = new Map<string, ExportPool>();
  private readonly keyPool = new Map<string, string>();
  private readonly limits = new Map<string, { limit: number; used: number }>();
  private exportCounter = 0;

  constructor(readonly base: FakeServer) {}

  addAccount(apiKey: string, poolId: string, exportCredits: number): void {
    this.base.addAccount(apiKey, poolId, balancesOf({ export: exportCredits }));
    this.keyPool.set(apiKey, poolId);
    if (!this.pools.has(poolId))
      this.pools.set(poolId, { leads: new Map(), exportLeft: exportCredits, keys: new Map() });
  }

  /** The pool revealed these leads (as the server's lead list holds them). */
  reveal(poolId: string, leads: PoolLead[]): void {
    const pool = this.pool(poolId);
    for (const lead of leads) pool.leads.set(lead.lead, structuredClone(lead));
  }

  addExportCredits(poolId: string, credits: number): void {
    this.pool(poolId).exportLeft += credits;
  }

  /** The key is revoked: every request with it is answered 401. */
  revoke(apiKey: string): void {
    this.keyPool.delete(apiKey);
  }

  forget(poolId: string, slug: string): void {
    this.pool(poolId).leads.delete(slug);
  }

  setMemberLimit(apiKey: string, limit: number, used: number): void {
    this.limits.set(apiKey, { limit, used });
  }

  exportsSent(): RecordedRequest[] {
    return this.requests.filter((request) => request.method === 'POST' && request.path === '/v1/exports');
  }

  private pool(poolId: string): ExportPool {
    const pool = this.pools.get(poolId);
    if (!pool) throw new Error(`test setup: no pool ${poolId}`);
    return pool;
  }

  readonly fetch = async (input: string, init: RequestInit): Promise<Response> => {
    const url = new URL(input);
    const headers = new Headers(init.headers);
    const method = init.method ?? 'GET';
    if (url.href.startsWith(HOOK)) {
      this.hookCalls.push({
        body: String(init.body),
        timestamp: headers.get('X-LeadLens-Timestamp') ?? '',
        signature: headers.get('X-LeadLens-Signature'),
      });
      return new Response('{}', { status: 200 });
    }
    const ours = url.pathname === '/v1/leads' || url.pathname.startsWith('/v1/exports');
    if (!ours) return this.base.fetch(input, init);
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : null;
    this.requests.push({
      method,
      path: url.pathname,
      search: url.search,
      body,
      idempotencyKey: headers.get(IDEMPOTENCY_HEADER),
      authorization: headers.get('Authorization'),
    });
    if (this.down) throw new TypeError('fetch failed');
    const apiKey = (headers.get('Authorization') ?? '').replace(/^Bearer /, '');
    const poolId = this.keyPool.get(apiKey);
    if (!poolId) return error(401, 'unauthorized', 'Unknown API key.');
    const pool = this.pool(poolId);

    if (url.pathname === '/v1/leads' && method === 'GET') {
      const query = LeadListQuerySchema.parse(Object.fromEntries(url.searchParams));
      // Newest first reveal first; the cursor is the position (opaque to the client).
      const all = [...pool.leads.values()].sort((a, b) => (a.revealedAt < b.revealedAt ? 1 : -1));
      const from = query.cursor ? Number(query.cursor) : 0;
      const leads = all.slice(from, from + query.limit);
      const next = from + query.limit < all.length ? String(from + query.limit) : null;
      return json(200, { leads, nextCursor: next });
    }
    const available = () => {
      const own = this.limits.get(apiKey);
      return own ? Math.min(pool.exportLeft, Math.max(0, own.limit - own.used)) : pool.exportLeft;
    };
    if (url.pathname === '/v1/exports/quote' && method === 'POST') {
      const { leads } = ExportQuoteRequestSchema.parse(body);
      const revealed = leads.filter((lead) => pool.leads.has(lead));
      const own = this.limits.get(apiKey);
      return json(200, {
        needed: revealed.length,
        available: available(),
        ...(own && own.limit - own.used < pool.exportLeft ? { memberLimit: own } : {}),
        leads: revealed.map((lead) => {
          const row = pool.leads.get(lead);
          return { lead, exports: row?.exports ?? 0, lastExportedAt: row?.lastExportedAt ?? null };
        }),
        notRevealed: leads.filter((lead) => !pool.leads.has(lead)),
      });
    }
    if (url.pathname === '/v1/exports' && method === 'POST') {
      const key = headers.get(IDEMPOTENCY_HEADER);
      if (!key) return error(400, 'idempotency_key_missing', 'Idempotency-Key is required.');
      const raw = JSON.stringify(body);
      const stored = pool.keys.get(key);
      if (stored) {
        if (stored.body !== raw) return error(422, 'idempotency_key_reused', 'Key used with another body.');
        return this.answer(stored.response);
      }
      const { leads, target } = ExportRequestSchema.parse(body);
      const own = this.limits.get(apiKey);
      if (leads.length > available()) {
        return json(402, {
          error: {
            code: 'insufficient_credits',
            message: 'Not enough export credits.',
            needed: leads.length,
            available: available(),
            ...(own && own.limit - own.used < pool.exportLeft ? { reason: 'memberLimit' } : {}),
          },
        });
      }
      const never = leads.filter((lead) => !pool.leads.has(lead));
      if (never.length > 0) {
        return error(404, 'not_found', `${never.length} of these leads was never revealed by your pool.`);
      }
      const at = '2026-11-27T10:00:00.000Z';
      const rows = leads.map((lead) => {
        const row = pool.leads.get(lead);
        if (!row) throw new Error(`test setup: ${lead} not revealed`);
        row.exports += 1;
        row.lastExportedAt = at;
        return structuredClone(row);
      });
      pool.exportLeft -= leads.length;
      if (own) own.used += leads.length;
      this.charges.push({ pool: poolId, leads });
      const response: ExportResponse = {
        export: { id: `export-${++this.exportCounter}`, at, target, charged: leads.length },
        rows,
        balances: balancesOf({ export: pool.exportLeft }),
      };
      pool.keys.set(key, { body: raw, response });
      return this.answer(response);
    }
    return error(404, 'not_found', 'No such route.');
  };

  private answer(response: ExportResponse): Response {
    if (this.dropNextExportAnswer) {
      this.dropNextExportAnswer = false;
      throw new TypeError('network connection was lost');
    }
    return json(200, response);
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function error(status: number, code: ErrorCode, message: string): Response {
  return json(status, ErrorBodySchema.parse({ error: { code, message } }));
}

let server: ExportServer;

beforeEach(() => {
  resetIndexedDB();
  server = new ExportServer(new FakeServer());
  server.addAccount('key-a', 'pool-a', 4);
  server.addAccount('key-b', 'pool-b', 10);
  server.reveal('pool-a', ['ada-lovelace', 'alan-turing', 'grace-hopper'].map(poolLead));
});

function start(overrides: Parameters<typeof startBackground>[1] = {}): Harness {
  return startBackground(server.base, { fetch: server.fetch, ...overrides });
}

async function signedIn(apiKey = 'key-a', overrides: Parameters<typeof startBackground>[1] = {}): Promise<Harness> {
  const bg = start(overrides);
  expectOk(await bg.send('signIn', { serverUrl: SERVER, apiKey }, optionsSender()));
  return bg;
}

const leadsChanged = (pushes: Push[]) => pushes.filter((push) => push.kind === 'leadsChanged');
const exportBalances = (pushes: Push[]) =>
  pushes.flatMap((push) => (push.kind === 'balancesChanged' ? [push.balances.export.remaining] : []));

describe('the quote', () => {
  it('answers what the server quotes, free, to a widget as well as the options page', async () => {
    const bg = await signedIn();
    const quote = expectOk(await bg.send('exportQuote', { leads: ['ada-lovelace', 'nobody-known'] }, widgetSender(1)));
    expect(quote).toEqual({
      needed: 1,
      available: 4,
      leads: [{ lead: 'ada-lovelace', exports: 0, lastExportedAt: null }],
      notRevealed: ['nobody-known'],
    });
    expect(server.charges).toEqual([]);
  });

  it('signed out: no request, a message saying so', async () => {
    const bg = start();
    const reply = await bg.send('exportQuote', { leads: ['ada-lovelace'] }, optionsSender());
    expect(reply).toMatchObject({ ok: false, error: { code: 'signed_out' } });
    expect(server.requests).toEqual([]);
  });
});

describe('an export', () => {
  it('is charged once, returns the rows and the file, updates the balances and the local counts', async () => {
    const bg = await signedIn();
    expectOk(await bg.send('leadsList', { refresh: true }, optionsSender()));
    const pushes = capturePushes();
    const outcome = expectOk(
      await bg.send(
        'exportRun',
        { exportId: 'export-0001', leads: ['grace-hopper', 'ada-lovelace'], target: 'csv' },
        widgetSender(1),
      ),
    );
    expect(server.charges).toEqual([{ pool: 'pool-a', leads: ['ada-lovelace', 'grace-hopper'] }]);
    // The rows and the file keep the user's order; the request went sorted (one body per export).
    expect(outcome.rows.map((row) => row.lead)).toEqual(['grace-hopper', 'ada-lovelace']);
    expect(outcome.export.charged).toBe(2);
    expect(outcome.file?.mimeType).toBe('text/csv;charset=utf-8');
    const lines = outcome.file?.content.split('\r\n') ?? [];
    expect(lines[0]?.startsWith('\uFEFF"Name"')).toBe(true);
    expect(lines[1]).toContain('"grace-hopper@example.com"');
    expect(lines[2]).toContain('"ada-lovelace@example.com"');
    expect(outcome.deliveries).toBeUndefined();

    expect(exportBalances(pushes)).toEqual([2]);
    expect(leadsChanged(pushes)).toEqual([{ leadlensPush: 1, kind: 'leadsChanged', pool: `${SERVER} pool-a` }]);
    const session = expectOk(await bg.send('sessionGet', {}, optionsSender()));
    expect(session.signedIn && session.account.balances.export.remaining).toBe(2);
    // The leads page shows the new counts from the local copy, before any read of the list.
    const local = expectOk(await bg.send('leadsList', { refresh: false }, optionsSender()));
    const counts = Object.fromEntries(local.leads.map((lead) => [lead.lead, lead.exports]));
    expect(counts).toEqual({ 'ada-lovelace': 1, 'alan-turing': 0, 'grace-hopper': 1 });
  });

  it('for HubSpot, the file has HubSpot’s contact import columns', async () => {
    const bg = await signedIn();
    const outcome = expectOk(
      await bg.send(
        'exportRun',
        { exportId: 'export-0002', leads: ['ada-lovelace'], target: 'hubspotCsv' },
        widgetSender(1),
      ),
    );
    expect(outcome.file?.content).toMatch(/^\uFEFF"First Name","Last Name","Email"/);
    expect(outcome.file?.name).toMatch(/hubspot\.csv$/);
  });

  it('the same lead exported twice is charged twice (R5)', async () => {
    const bg = await signedIn();
    for (const exportId of ['export-0003', 'export-0004']) {
      expectOk(await bg.send('exportRun', { exportId, leads: ['ada-lovelace'], target: 'csv' }, widgetSender(1)));
    }
    expect(server.charges).toHaveLength(2);
    const keys = server.exportsSent().map((request) => request.idempotencyKey);
    expect(new Set(keys).size).toBe(2);
  });

  it('after a lost answer, Retry sends the same key: the server replays, one charge', async () => {
    const bg = await signedIn();
    server.dropNextExportAnswer = true;
    const run = { exportId: 'export-0005', leads: ['ada-lovelace', 'alan-turing'], target: 'csv' as const };
    const lost = await bg.send('exportRun', run, widgetSender(1));
    expect(lost).toMatchObject({ ok: false, error: { code: 'server_unreachable' } });
    expect(server.charges).toHaveLength(1);

    const retried = expectOk(await bg.send('exportRun', run, widgetSender(1)));
    expect(retried.rows.map((row) => row.lead)).toEqual(['ada-lovelace', 'alan-turing']);
    expect(server.charges).toHaveLength(1);
    const [first, second] = server.exportsSent().map((request) => request.idempotencyKey);
    expect(first).toBeTruthy();
    expect(second).toBe(first);
  });

  it('a charged export whose answer never reached the page: Retry replays it free, the same file', async () => {
    const bg = await signedIn();
    const run = { exportId: 'export-0015', leads: ['ada-lovelace'], target: 'csv' as const };
    // The background had the answer, but the page gave up waiting (or its frame went away).
    const first = expectOk(await bg.send('exportRun', run, widgetSender(1)));
    const again = expectOk(await bg.send('exportRun', run, widgetSender(1)));
    expect(server.charges).toHaveLength(1);
    expect(again.file?.content).toBe(first.file?.content);
    const [key, retryKey] = server.exportsSent().map((request) => request.idempotencyKey);
    expect(retryKey).toBe(key);
    // A new export of the same lead is a new id: charged again (R5).
    expectOk(await bg.send('exportRun', { ...run, exportId: 'export-0016' }, widgetSender(1)));
    expect(server.charges).toHaveLength(2);
  });

  it('a worker stopped after sending: the new worker replays under the stored key, one charge', async () => {
    const first = await signedIn();
    server.dropNextExportAnswer = true;
    const run = { exportId: 'export-0006', leads: ['grace-hopper'], target: 'csv' as const };
    expect(await first.send('exportRun', run, widgetSender(1))).toMatchObject({ ok: false });

    const restarted = start();
    expectOk(await restarted.send('exportRun', run, widgetSender(1)));
    expect(server.charges).toHaveLength(1);
    const keys = server.exportsSent().map((request) => request.idempotencyKey);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
  });

  it('the same export id for another request is refused before any request', async () => {
    const bg = await signedIn();
    server.dropNextExportAnswer = true;
    await bg.send('exportRun', { exportId: 'export-0007', leads: ['ada-lovelace'], target: 'csv' }, widgetSender(1));
    const sent = server.exportsSent().length;
    const other = await bg.send(
      'exportRun',
      { exportId: 'export-0007', leads: ['ada-lovelace', 'alan-turing'], target: 'csv' },
      widgetSender(1),
    );
    expect(other).toMatchObject({ ok: false, error: { code: 'bad_message' } });
    const target = await bg.send(
      'exportRun',
      { exportId: 'export-0007', leads: ['ada-lovelace'], target: 'hubspotCsv' },
      widgetSender(1),
    );
    expect(target).toMatchObject({ ok: false, error: { code: 'bad_message' } });
    expect(server.exportsSent()).toHaveLength(sent);
  });

  it('not enough export credits: refused whole, nothing charged, the message says needed and left (R6)', async () => {
    server.addAccount('key-c', 'pool-c', 4);
    const five = ['a-one', 'b-two', 'c-three', 'd-four', 'e-five'];
    server.reveal('pool-c', five.map(poolLead));
    const bg = await signedIn('key-c');
    const pushes = capturePushes();
    const reply = await bg.send('exportRun', { exportId: 'export-0008', leads: five, target: 'csv' }, widgetSender(1));
    expect(reply).toEqual({
      ok: false,
      error: { code: 'insufficient_credits', message: 'This export needs 5 export credits; 4 are left.' },
    });
    expect(server.charges).toEqual([]);
    expect(leadsChanged(pushes)).toEqual([]);

    // Nothing was charged, so nothing is replayed: once credits are added, Retry is a new request.
    server.addExportCredits('pool-c', 1);
    expectOk(await bg.send('exportRun', { exportId: 'export-0008', leads: five, target: 'csv' }, widgetSender(1)));
    expect(server.charges).toHaveLength(1);
    const keys = server.exportsSent().map((request) => request.idempotencyKey);
    expect(keys[1]).not.toBe(keys[0]);
  });

  it('a member over their own monthly limit is told what the limit leaves them (R11)', async () => {
    server.setMemberLimit('key-a', 5, 4);
    const bg = await signedIn();
    const reply = await bg.send(
      'exportRun',
      { exportId: 'export-0009', leads: ['ada-lovelace', 'alan-turing'], target: 'csv' },
      widgetSender(1),
    );
    expect(reply).toEqual({
      ok: false,
      error: {
        code: 'insufficient_credits',
        message: 'This export needs 2 export credits; your monthly limit leaves you 1.',
      },
    });
    expect(server.charges).toEqual([]);
  });

  it('a lead the pool never revealed: refused, nothing charged, and the page is told to quote again', async () => {
    const bg = await signedIn();
    const refused = await bg.send(
      'exportRun',
      { exportId: 'export-0031', leads: ['ada-lovelace', 'nobody-revealed-this'], target: 'csv' },
      widgetSender(1),
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'refused' } });
    expect(server.charges).toHaveLength(0);
  });

  it('a refused key signs the user out', async () => {
    const bg = await signedIn();
    server.revoke('key-a');
    const reply = await bg.send(
      'exportRun',
      { exportId: 'export-0010', leads: ['ada-lovelace'], target: 'csv' },
      widgetSender(1),
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(expectOk(await bg.send('sessionGet', {}, optionsSender()))).toMatchObject({ signedIn: false });
  });
});

describe('the CRM webhook', () => {
  it('a webhook export with no webhook set is refused before any request, nothing charged', async () => {
    const bg = await signedIn();
    const reply = await bg.send(
      'exportRun',
      { exportId: 'export-0011', leads: ['ada-lovelace'], target: 'webhook' },
      widgetSender(1),
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad_webhook' } });
    expect(server.requests).toEqual([]);
    expect(server.charges).toEqual([]);
  });

  it('each exported lead is sent once, signed, and the result comes back per lead', async () => {
    const bg = await signedIn();
    expectOk(await bg.send('webhookSet', { url: HOOK, secret: 'shh-secret' }, optionsSender()));
    const outcome = expectOk(
      await bg.send(
        'exportRun',
        { exportId: 'export-0012', leads: ['alan-turing', 'ada-lovelace'], target: 'webhook' },
        widgetSender(1),
      ),
    );
    expect(server.charges).toHaveLength(1);
    expect(outcome.file).toBeUndefined();
    expect(outcome.deliveries?.map((delivery) => [delivery.lead, delivery.status])).toEqual([
      ['alan-turing', 'delivered'],
      ['ada-lovelace', 'delivered'],
    ]);
    expect(server.hookCalls).toHaveLength(2);
    for (const call of server.hookCalls) {
      expect(await verifyWebhookSignature('shh-secret', call.timestamp, call.body, call.signature)).toBe(true);
    }
    const sent = server.hookCalls.map((call) => (JSON.parse(call.body) as { lead: { slug: string } }).lead.slug);
    expect(sent.sort()).toEqual(['ada-lovelace', 'alan-turing']);
  });

  it('stores the address and tells pages only whether a secret is set', async () => {
    const bg = start();
    expect(expectOk(await bg.send('webhookGet', {}, optionsSender()))).toEqual({ url: null, hasSecret: false });
    const set = expectOk(await bg.send('webhookSet', { url: HOOK, secret: 'shh-secret' }, optionsSender()));
    expect(set).toEqual({ url: HOOK, hasSecret: true });
    expect(JSON.stringify(expectOk(await bg.send('webhookGet', {}, optionsSender())))).not.toContain('shh');
    // Absent keeps the secret (for the same receiver), null clears it, a null address removes the webhook.
    expect(expectOk(await bg.send('webhookSet', { url: `${HOOK}?v=2` }, optionsSender()))).toEqual({
      url: `${HOOK}?v=2`,
      hasSecret: true,
    });
    // Another receiver never gets the first one's secret.
    const other = 'http://localhost:9/other-hook';
    expect(expectOk(await bg.send('webhookSet', { url: other }, optionsSender()))).toEqual({
      url: other,
      hasSecret: false,
    });
    expectOk(await bg.send('webhookSet', { url: HOOK, secret: 'shh-secret' }, optionsSender()));
    expect(expectOk(await bg.send('webhookSet', { url: HOOK, secret: null }, optionsSender()))).toEqual({
      url: HOOK,
      hasSecret: false,
    });
    expect(expectOk(await bg.send('webhookSet', { url: null }, optionsSender()))).toEqual({
      url: null,
      hasSecret: false,
    });
  });

  it('only from the options page', async () => {
    const bg = start();
    const reply = await bg.send('webhookSet', { url: HOOK }, widgetSender(1));
    expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    expect(await bg.send('webhookGet', {}, widgetSender(1))).toMatchObject({
      ok: false,
      error: { code: 'forbidden_sender' },
    });
  });

  it('https needs the host permission; plain http only to this machine', async () => {
    const asked: string[] = [];
    let granted = false;
    const bg = start({
      hasHostPermission: (pattern) => {
        asked.push(pattern);
        return Promise.resolve(granted);
      },
    });
    const denied = await bg.send('webhookSet', { url: 'https://hooks.example.com/leadlens' }, optionsSender());
    expect(denied).toMatchObject({ ok: false, error: { code: 'permission_denied' } });
    expect(!denied.ok && denied.error.message).toContain('allow access');
    expect(asked).toEqual(['https://hooks.example.com/*']);
    granted = true;
    expect((await bg.send('webhookSet', { url: 'https://hooks.example.com/leadlens' }, optionsSender())).ok).toBe(true);

    for (const url of [
      'http://hooks.example.com/leadlens',
      'ftp://127.0.0.1/x',
      'not an address',
      'https://user:pw@hooks.example.com/',
    ]) {
      const reply = await bg.send('webhookSet', { url }, optionsSender());
      expect(reply, url).toMatchObject({ ok: false, error: { code: 'bad_webhook' } });
    }
    expect((await bg.send('webhookSet', { url: 'http://localhost:8080/hook' }, optionsSender())).ok).toBe(true);
    // What failed changed nothing: the last good address stays.
    expect(expectOk(await bg.send('webhookGet', {}, optionsSender())).url).toBe('http://localhost:8080/hook');
  });
});

describe('the leads list', () => {
  it('reads every page of 1,000 and keeps them; the local copy answers without a request', async () => {
    server.reveal(
      'pool-a',
      Array.from({ length: 2500 }, (_, index) => poolLead(`lead-${index}`, index + 10)),
    );
    const bg = await signedIn();
    const list = expectOk(await bg.send('leadsList', { refresh: true }, optionsSender()));
    expect(list.leads).toHaveLength(2503);
    expect(list.pool).toBe(`${SERVER} pool-a`);
    expect(list.syncedAt).not.toBeNull();
    expect(list.stale).toBeUndefined();
    // Newest first reveal first, as the server lists them.
    expect(list.leads[0]?.lead).toBe('lead-2499');
    const pages = server.requests.filter((request) => request.path === '/v1/leads');
    expect(pages.map((request) => Object.fromEntries(new URLSearchParams(request.search)))).toEqual([
      { limit: '1000' },
      { limit: '1000', cursor: '1000' },
      { limit: '1000', cursor: '2000' },
    ]);

    const before = server.requests.length;
    const local = expectOk(await bg.send('leadsList', { refresh: false }, optionsSender()));
    expect(local.leads).toEqual(list.leads);
    expect(local.syncedAt).toBe(list.syncedAt);
    expect(server.requests.length).toBe(before);
  });

  it('a refresh replaces the copy: leads gone from the server go, changed ones change', async () => {
    const bg = await signedIn();
    expect(expectOk(await bg.send('leadsList', {}, optionsSender())).leads).toHaveLength(3);
    server.forget('pool-a', 'alan-turing');
    // Another member exported Grace meanwhile: her record changed on the server.
    server.reveal('pool-a', [{ ...poolLead('grace-hopper'), exports: 3, lastExportedAt: '2026-11-26T09:00:00.000Z' }]);
    const list = expectOk(await bg.send('leadsList', { refresh: true }, optionsSender()));
    expect(list.leads.map((lead) => lead.lead).sort()).toEqual(['ada-lovelace', 'grace-hopper']);
    const local = expectOk(await bg.send('leadsList', { refresh: false }, optionsSender()));
    expect(local.leads).toEqual(list.leads);
    expect(local.leads.find((lead) => lead.lead === 'grace-hopper')?.exports).toBe(3);
  });

  it('with the server down, the local copy, marked stale with the reason', async () => {
    const bg = await signedIn();
    const synced = expectOk(await bg.send('leadsList', { refresh: true }, optionsSender()));
    server.down = true;
    const list = expectOk(await bg.send('leadsList', { refresh: true }, optionsSender()));
    expect(list.leads).toEqual(synced.leads);
    expect(list.syncedAt).toBe(synced.syncedAt);
    expect(list.stale).toEqual({
      code: 'server_unreachable',
      message: `LeadLens server at ${SERVER} is not reachable. Check it is running, then retry.`,
    });
  });

  it('a page failing half-way keeps the whole copy as it was', async () => {
    server.reveal(
      'pool-a',
      Array.from({ length: 1500 }, (_, index) => poolLead(`lead-${index}`, index + 10)),
    );
    const bg = await signedIn();
    expect(expectOk(await bg.send('leadsList', {}, optionsSender())).leads).toHaveLength(1503);
    server.forget('pool-a', 'ada-lovelace');
    const fetchOnce = server.fetch;
    let pages = 0;
    const flaky = start({
      fetch: (input, init) => {
        if (input.includes('/v1/leads?') && ++pages === 2) return Promise.resolve(json(503, {}));
        return fetchOnce(input, init);
      },
    });
    const list = expectOk(await flaky.send('leadsList', { refresh: true }, optionsSender()));
    expect(list.stale?.code).toBe('server_error');
    expect(list.leads).toHaveLength(1503);
  });

  it('another account never sees this pool’s leads', async () => {
    const a = await signedIn('key-a');
    expect(expectOk(await a.send('leadsList', { refresh: true }, optionsSender())).leads).toHaveLength(3);
    server.reveal('pool-b', [poolLead('katherine-johnson')]);
    const b = await signedIn('key-b');
    const local = expectOk(await b.send('leadsList', { refresh: false }, optionsSender()));
    expect(local).toEqual({ pool: `${SERVER} pool-b`, leads: [], syncedAt: null });
    server.down = true;
    const stale = expectOk(await b.send('leadsList', { refresh: true }, optionsSender()));
    expect(stale.leads).toEqual([]);
    server.down = false;
    const fresh = expectOk(await b.send('leadsList', { refresh: true }, optionsSender()));
    expect(fresh.leads.map((lead) => lead.lead)).toEqual(['katherine-johnson']);
  });

  it('signed out: the signed-out error, and a widget may not ask', async () => {
    const bg = start();
    expect(await bg.send('leadsList', {}, optionsSender())).toMatchObject({ ok: false, error: { code: 'signed_out' } });
    const signed = await signedIn();
    expect(await signed.send('leadsList', {}, widgetSender(1))).toMatchObject({
      ok: false,
      error: { code: 'forbidden_sender' },
    });
  });
});
