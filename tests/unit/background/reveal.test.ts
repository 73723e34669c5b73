import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LeadLensDB } from '../../../entrypoints/background/database.ts';
import type { RequestOf } from '../../../shared/protocol.ts';
import {
  ADA,
  FakeServer,
  SERVER,
  balancesOf,
  capturePushes,
  contentSender,
  deferred,
  expectOk,
  optionsSender,
  profile,
  resetIndexedDB,
  signedInOnProfile,
  startBackground,
  widgetSender,
} from './harness.ts';

let server: FakeServer;

beforeEach(() => {
  resetIndexedDB();
  server = new FakeServer();
  server.addAccount('key-a', 'pool-a');
  server.addAccount('key-a2', 'pool-a'); // another member of the same shared pool
  server.addAccount('key-b', 'pool-b');
});

afterEach(() => {
  vi.restoreAllMocks();
});

const revealPhone: RequestOf<'reveal'> = { slug: 'ada-lovelace', types: ['phone'] };

describe('cache first', () => {
  it('reveals a phone once (both numbers, one credit), then serves it from the cache with no request', async () => {
    const bg = startBackground(server);
    await signedInOnProfile(bg);
    const first = expectOk(await bg.send('reveal', revealPhone, widgetSender(1)));
    expect(first.pool).toBe(`${SERVER} pool-a`);
    expect(first.lead.phone).toMatchObject({ status: 'revealed', values: ADA.phone });
    expect(first.balances?.phone.remaining).toBe(4);
    expect(server.charges).toHaveLength(1);

    const requestsBefore = server.requests.length;
    const again = expectOk(await bg.send('reveal', revealPhone, widgetSender(1)));
    expect(again.lead.phone).toMatchObject({ status: 'revealed', values: ADA.phone });
    const opened = expectOk(await bg.send('widgetOpened', {}, widgetSender(1)));
    expect(opened).toMatchObject({ tabId: 1, profile: profile(), lead: { phone: { status: 'revealed' } } });
    expect(opened.balances?.phone.remaining).toBe(4);
    expect(server.requests.length).toBe(requestsBefore);
  });

  it('asks only for the types not yet paid', async () => {
    const bg = startBackground(server);
    await signedInOnProfile(bg);
    expectOk(await bg.send('reveal', revealPhone, widgetSender(1)));
    const both = expectOk(
      await bg.send('reveal', { slug: 'ada-lovelace', types: ['phone', 'b2bEmail'] }, widgetSender(1)),
    );
    expect(both.lead).toMatchObject({ phone: { status: 'revealed' }, b2bEmail: { status: 'revealed' } });
    expect(server.reveals().map((request) => request.body)).toEqual([
      { lead: 'ada-lovelace', types: ['phone'] },
      { lead: 'ada-lovelace', types: ['b2bEmail'] },
    ]);
  });

  it('keys the cache by pool: another pool’s leads are not paid, a pool member’s are', async () => {
    const bg = startBackground(server);
    await signedInOnProfile(bg);
    expectOk(await bg.send('reveal', revealPhone, widgetSender(1)));

    expectOk(await bg.send('signIn', { serverUrl: SERVER, apiKey: 'key-b' }, optionsSender()));
    const other = expectOk(await bg.send('widgetOpened', {}, widgetSender(1)));
    expect(other.lead?.phone).toEqual({ status: 'unknown' });
    expectOk(await bg.send('reveal', revealPhone, widgetSender(1)));
    expect(server.reveals()).toHaveLength(2);
    expect(server.charges.map((charge) => charge.pool)).toEqual(['pool-a', 'pool-b']);

    // Another member of pool A sees the pool's lead as paid, without a request.
    expectOk(await bg.send('signIn', { serverUrl: SERVER, apiKey: 'key-a2' }, optionsSender()));
    const member = expectOk(await bg.send('widgetOpened', {}, widgetSender(1)));
    expect(member.lead?.phone).toMatchObject({ status: 'revealed' });
    expect(server.reveals()).toHaveLength(2);
  });

  it('does not cache "not found": it is not paid, and is asked again next time', async () => {
    const bg = startBackground(server);
    await signedInOnProfile(bg);
    const reveal: RequestOf<'reveal'> = { slug: 'ada-lovelace', types: ['directEmail'] };
    expect(expectOk(await bg.send('reveal', reveal, widgetSender(1))).lead.directEmail).toEqual({ status: 'notFound' });
    expect(expectOk(await bg.send('reveal', reveal, widgetSender(1))).lead.directEmail).toEqual({ status: 'notFound' });
    expect(server.reveals()).toHaveLength(2);
    expect(server.charges).toHaveLength(0);
  });

  it('pushes the updated lead and balances to extension pages', async () => {
    const bg = startBackground(server);
    await signedInOnProfile(bg);
    const pushes = capturePushes();
    expectOk(await bg.send('reveal', revealPhone, widgetSender(1)));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(pushes).toContainEqual(
      expect.objectContaining({
        kind: 'leadUpdated',
        pool: `${SERVER} pool-a`,
        slug: 'ada-lovelace',
        lead: expect.objectContaining({ phone: expect.objectContaining({ status: 'revealed' }) }),
      }),
    );
  });

  it('refuses a reveal for a lead the tab does not show', async () => {
    const bg = startBackground(server);
    await signedInOnProfile(bg);
    const reply = await bg.send('reveal', { slug: 'grace-hopper', types: ['phone'] }, widgetSender(1));
    expect(reply).toMatchObject({ ok: false, error: { code: 'no_profile' } });
    const otherTab = await bg.send('reveal', revealPhone, widgetSender(9));
    expect(otherTab).toMatchObject({ ok: false, error: { code: 'no_profile' } });
    const popup = await bg.send('reveal', revealPhone, optionsSender());
    expect(popup).toMatchObject({ ok: false, error: { code: 'no_profile' } });
    expect(server.reveals()).toHaveLength(0);
  });

  it('refuses a reveal when signed out, with no request', async () => {
    const bg = startBackground(server);
    await bg.send('profileSeen', { profile: profile() }, contentSender(1));
    expect(await bg.send('reveal', revealPhone, widgetSender(1))).toMatchObject({
      ok: false,
      error: { code: 'signed_out' },
    });
    expect(server.requests).toHaveLength(0);
  });
});

describe('concurrency', () => {
  it('sends one request for a double click', async () => {
    const bg = startBackground(server);
    await signedInOnProfile(bg);
    const [a, b] = await Promise.all([
      bg.send('reveal', revealPhone, widgetSender(1)),
      bg.send('reveal', revealPhone, widgetSender(1)),
    ]);
    expect(expectOk(a).lead.phone).toMatchObject({ status: 'revealed' });
    expect(expectOk(b).lead.phone).toMatchObject({ status: 'revealed' });
    expect(server.reveals()).toHaveLength(1);
    expect(server.charges).toHaveLength(1);
  });

  it('sends one request for two tabs on the same lead, while the first is still in flight', async () => {
    const bg = startBackground(server);
    await signedInOnProfile(bg, { tabIds: [1, 2] });
    const gate = deferred();
    server.gate = gate.promise;
    const first = bg.send('reveal', revealPhone, widgetSender(1));
    await vi.waitFor(() => expect(server.reveals()).toHaveLength(1));
    const second = bg.send('reveal', revealPhone, widgetSender(2));
    await new Promise((resolve) => setTimeout(resolve, 20));
    gate.resolve();
    const [a, b] = await Promise.all([first, second]);
    expect(expectOk(a).lead.phone).toMatchObject({ status: 'revealed' });
    expect(expectOk(b).lead.phone).toMatchObject({ status: 'revealed' });
    expect(server.reveals()).toHaveLength(1);
  });

  it('for A+B while A is in flight, waits for A and asks only for B', async () => {
    const bg = startBackground(server);
    await signedInOnProfile(bg);
    const gate = deferred();
    server.gate = gate.promise;
    const phone = bg.send('reveal', revealPhone, widgetSender(1));
    await vi.waitFor(() => expect(server.reveals()).toHaveLength(1));
    server.gate = null;
    const both = bg.send('reveal', { slug: 'ada-lovelace', types: ['phone', 'b2bEmail'] }, widgetSender(1));
    await vi.waitFor(() => expect(server.reveals()).toHaveLength(2));
    gate.resolve();
    const outcome = expectOk(await both);
    expectOk(await phone);
    expect(outcome.lead).toMatchObject({ phone: { status: 'revealed' }, b2bEmail: { status: 'revealed' } });
    expect(server.reveals().map((request) => request.body)).toEqual([
      { lead: 'ada-lovelace', types: ['phone'] },
      { lead: 'ada-lovelace', types: ['b2bEmail'] },
    ]);
    expect(server.charges).toHaveLength(2);
  });

  it('retries a 409 "in flight" after a backoff, with the same key', async () => {
    const sleeps: number[] = [];
    const bg = startBackground(server, {
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    });
    await signedInOnProfile(bg);
    const inFlight = { status: 409, body: { error: { code: 'idempotency_in_flight', message: 'running' } } };
    server.scripted.push(inFlight, inFlight);
    const outcome = expectOk(await bg.send('reveal', revealPhone, widgetSender(1)));
    expect(outcome.lead.phone).toMatchObject({ status: 'revealed' });
    expect(sleeps).toHaveLength(2);
    expect(new Set(server.reveals().map((request) => request.idempotencyKey)).size).toBe(1);
  });
});

describe('the session changing during a reveal', () => {
  it('answers signed_out when the user signed out while the request ran (the charge is still cached)', async () => {
    const bg = startBackground(server);
    await signedInOnProfile(bg);
    const gate = deferred();
    server.gate = gate.promise;
    const reveal = bg.send('reveal', revealPhone, widgetSender(1));
    await vi.waitFor(() => expect(server.reveals()).toHaveLength(1));
    expectOk(await bg.send('signOut', {}, optionsSender()));
    gate.resolve();
    expect(await reveal).toMatchObject({ ok: false, error: { code: 'signed_out' } });
    // Pool A paid: signing in again shows the phone without a request.
    expectOk(await bg.send('signIn', { serverUrl: SERVER, apiKey: 'key-a' }, optionsSender()));
    const opened = expectOk(await bg.send('widgetOpened', {}, widgetSender(1)));
    expect(opened.lead?.phone).toMatchObject({ status: 'revealed' });
    expect(server.charges).toHaveLength(1);
  });

  it('answers with the new account’s pool and its own view when the user switched accounts', async () => {
    const bg = startBackground(server);
    await signedInOnProfile(bg);
    const gate = deferred();
    server.gate = gate.promise;
    const reveal = bg.send('reveal', revealPhone, widgetSender(1));
    await vi.waitFor(() => expect(server.reveals()).toHaveLength(1));
    expectOk(await bg.send('signIn', { serverUrl: SERVER, apiKey: 'key-b' }, optionsSender()));
    gate.resolve();
    const outcome = expectOk(await reveal);
    expect(outcome.pool).toBe(`${SERVER} pool-b`);
    // Pool B has not paid for Ada's phone: nothing of pool A's answer shows.
    expect(outcome.lead.phone).toEqual({ status: 'unknown' });
    expect(outcome.balances?.phone.remaining).toBe(5);
  });

  it('reads the account again when the answer names another pool (an upgrade), and files the data there', async () => {
    const bg = startBackground(server);
    await signedInOnProfile(bg);
    // The workspace moved to a paid plan: the member now spends from the shared pool.
    server.moveToPool('key-a', 'pool-shared');
    const outcome = expectOk(await bg.send('reveal', revealPhone, widgetSender(1)));
    expect(outcome.pool).toBe(`${SERVER} pool-shared`);
    expect(outcome.lead.phone).toMatchObject({ status: 'revealed' });
    expect(server.charges).toEqual([{ pool: 'pool-shared', lead: 'ada-lovelace', type: 'phone' }]);
    const session = expectOk(await bg.send('sessionGet', {}, optionsSender()));
    expect(session.signedIn && session.account.pool.id).toBe('pool-shared');
    // Filed under the pool that paid: shown again from the cache, with no request.
    const requests = server.reveals().length;
    const opened = expectOk(await bg.send('widgetOpened', {}, widgetSender(1)));
    expect(opened.pool).toBe(`${SERVER} pool-shared`);
    expect(opened.lead?.phone).toMatchObject({ status: 'revealed' });
    expect(server.reveals()).toHaveLength(requests);
  });
});

describe('idempotency key', () => {
  it('survives a worker restart: the retry re-sends the same key and the server replays (one charge)', async () => {
    const bg = startBackground(server);
    await signedInOnProfile(bg);
    // The server commits, then the answer is lost (or the worker was stopped waiting for it).
    server.fault = 'lostAfterCommit';
    const lost = expectOk(await bg.send('reveal', revealPhone, widgetSender(1)));
    expect(lost.lead.phone).toMatchObject({ status: 'error', code: 'server_unreachable' });
    expect(server.charges).toHaveLength(1);

    server.fault = 'normal';
    const restarted = startBackground(server); // new module state, same IndexedDB and storage
    const opened = expectOk(await restarted.send('widgetOpened', {}, widgetSender(1)));
    expect(opened.lead?.phone).toEqual({ status: 'unknown' }); // nothing cached on failure
    const retried = expectOk(await restarted.send('reveal', revealPhone, widgetSender(1)));
    expect(retried.lead.phone).toMatchObject({ status: 'revealed', values: ADA.phone });

    const [firstTry, retry] = server.reveals();
    expect(retry?.idempotencyKey).toBe(firstTry?.idempotencyKey);
    expect(retry?.body).toEqual(firstTry?.body);
    expect(server.charges).toHaveLength(1);
  });

  it('is forgotten when the server refuses it (422 reused), so the retry does not repeat the refusal', async () => {
    const bg = startBackground(server);
    await signedInOnProfile(bg);
    server.scripted.push({ status: 422, body: { error: { code: 'idempotency_key_reused', message: 'reused' } } });
    const refused = expectOk(await bg.send('reveal', revealPhone, widgetSender(1)));
    expect(refused.lead.phone).toMatchObject({ status: 'error', code: 'server_error' });
    const db = await bg.ctx.db();
    expect(await db.getAll('pendingReveals')).toEqual([]);
    expect(await db.getAll('leads')).toEqual([]);
    const retried = expectOk(await bg.send('reveal', revealPhone, widgetSender(1)));
    expect(retried.lead.phone).toMatchObject({ status: 'revealed' });
    const [first, second] = server.reveals();
    expect(second?.idempotencyKey).not.toBe(first?.idempotencyKey);
  });

  it('is forgotten once the server confirmed, so the next reveal gets a new key', async () => {
    const bg = startBackground(server);
    await signedInOnProfile(bg);
    expectOk(await bg.send('reveal', { slug: 'ada-lovelace', types: ['directEmail'] }, widgetSender(1)));
    expectOk(await bg.send('reveal', { slug: 'ada-lovelace', types: ['directEmail'] }, widgetSender(1)));
    const [a, b] = server.reveals();
    expect(a?.idempotencyKey).toBeTruthy();
    expect(b?.idempotencyKey).not.toBe(a?.idempotencyKey);
    const db = await bg.ctx.db();
    expect(await db.getAll('pendingReveals')).toEqual([]);
  });
});

describe('failures cache nothing and say what to do', () => {
  it.each([
    ['down', 'server_unreachable', /is not reachable\. Check it is running, then retry\./],
    ['status500', 'server_error', /failed \(HTTP 500\)/],
    ['malformedJson', 'server_invalid', /cannot read/],
    ['schemaMismatch', 'server_invalid', /cannot read/],
    ['hang', 'server_unreachable', /did not answer within/],
  ] as const)('%s → %s', async (fault, code, message) => {
    const bg = startBackground(server, { timeoutMs: 30 });
    await signedInOnProfile(bg);
    server.fault = fault;
    const outcome = expectOk(await bg.send('reveal', revealPhone, widgetSender(1)));
    expect(outcome.lead.phone).toMatchObject({ status: 'error', code });
    expect(outcome.lead.phone.status === 'error' && outcome.lead.phone.message).toMatch(message);

    const db = await bg.ctx.db();
    expect(await db.getAll('leads')).toEqual([]);
    // The key is kept: the server may have done it, and the retry must replay, not charge again.
    expect(await db.getAll('pendingReveals')).toHaveLength(1);

    server.fault = 'normal';
    const retried = expectOk(await bg.send('reveal', revealPhone, widgetSender(1)));
    expect(retried.lead.phone).toMatchObject({ status: 'revealed' });
    expect(server.charges).toHaveLength(1);
  });

  it('keeps showing paid values when they cannot be saved locally, and says so', async () => {
    const bg = startBackground(server);
    await signedInOnProfile(bg);
    const originalPut = IDBObjectStore.prototype.put;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args) {
      if (this.name === ('leads' satisfies keyof LeadLensDB)) {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
      return originalPut.apply(this, args);
    });
    const outcome = expectOk(await bg.send('reveal', revealPhone, widgetSender(1)));
    expect(outcome.lead.phone).toMatchObject({ status: 'revealed', values: ADA.phone });
    expect(outcome.warning).toMatchObject({ code: 'storage_failed' });
    expect(outcome.warning?.message).toMatch(/could not be saved/);
    vi.restoreAllMocks();
    const db = await bg.ctx.db();
    expect(await db.getAll('leads')).toEqual([]);
  });
});

describe('credits', () => {
  it('answers "insufficient credits" for a 0 balance without sending a reveal (only the free availability read)', async () => {
    server.addAccount('key-z', 'pool-z', balancesOf({ phone: 0 }));
    const bg = startBackground(server);
    await signedInOnProfile(bg, { apiKey: 'key-z' });
    const requestsBefore = server.requests.length;
    const outcome = expectOk(await bg.send('reveal', revealPhone, widgetSender(1)));
    expect(outcome.lead.phone).toEqual({ status: 'insufficientCredits', remaining: 0 });
    expect(server.requests.slice(requestsBefore).map((request) => request.path)).toEqual([
      '/v1/leads/ada-lovelace/availability',
    ]);
  });

  it('reveals at a 0 balance what the pool already paid elsewhere: it is free (R3)', async () => {
    server.addAccount('key-z', 'pool-z', balancesOf({ phone: 0 }));
    server.markPaid('pool-z', 'ada-lovelace', 'phone');
    const bg = startBackground(server);
    await signedInOnProfile(bg, { apiKey: 'key-z' });
    const outcome = expectOk(await bg.send('reveal', revealPhone, widgetSender(1)));
    expect(outcome.lead.phone).toMatchObject({ status: 'revealed', values: ADA.phone });
    expect(server.charges).toEqual([]);
  });

  it('reads stale balances again (free) before refusing, and reveals if credits were added', async () => {
    server.addAccount('key-z', 'pool-z', balancesOf({ phone: 0 }));
    let now = Date.parse('2026-11-27T10:00:00Z');
    const bg = startBackground(server, { now: () => now, balancesMaxAgeMs: 60_000 });
    await signedInOnProfile(bg, { apiKey: 'key-z' });
    const before = server.requests.length;

    now += 120_000;
    const stillZero = expectOk(await bg.send('reveal', revealPhone, widgetSender(1)));
    expect(stillZero.lead.phone).toEqual({ status: 'insufficientCredits', remaining: 0 });
    expect(server.requests.slice(before).map((request) => request.path)).toEqual([
      '/v1/account',
      '/v1/leads/ada-lovelace/availability',
    ]);

    server.setBalance('pool-z', 'phone', 3);
    now += 120_000;
    const revealed = expectOk(await bg.send('reveal', revealPhone, widgetSender(1)));
    expect(revealed.lead.phone).toMatchObject({ status: 'revealed' });
    expect(server.reveals()).toHaveLength(1);
  });

  it('shows the server’s "insufficient credits" (another member spent the last one)', async () => {
    const bg = startBackground(server);
    await signedInOnProfile(bg);
    server.setBalance('pool-a', 'phone', 0);
    const outcome = expectOk(await bg.send('reveal', revealPhone, widgetSender(1)));
    expect(outcome.lead.phone).toEqual({ status: 'insufficientCredits', remaining: 0 });
    expect(outcome.balances?.phone.remaining).toBe(0);
    const db = await bg.ctx.db();
    expect(await db.getAll('leads')).toEqual([]);
  });
});
