/**
 * Bulk enrichment (issue 5): the background's job runner on the fake server. What is
 * checked is what the rules say a job may spend: the server's own record of charges (R2 to
 * R4, R7), then that the job's counters and rows say the same, through pauses, running out,
 * a sign-out and a worker stopped mid-request.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { resumeBulkJobs } from '../../../entrypoints/background/bulk.ts';
import { createDatabase, type Database } from '../../../entrypoints/background/database.ts';
import { createInFlight } from '../../../entrypoints/background/reveal.ts';
import type { RevealType } from '../../../shared/credits.ts';
import type { BulkJobView, BulkRowView, Push } from '../../../shared/protocol.ts';
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
  startBackground,
  resetIndexedDB,
  widgetSender,
  type Harness,
  type Person,
} from './harness.ts';

let server: FakeServer;

const email = (value: string): Person['b2bEmail'] => [{ value, verifiedAt: null }];
const phone = (value: string): Person['phone'] => [{ value, phoneKind: 'mobile', verifiedAt: null }];

beforeEach(() => {
  resetIndexedDB();
  server = new FakeServer();
  server.addAccount('key-a', 'pool-a', balancesOf({ b2bEmail: 100, phone: 100, directEmail: 100 }));
  server.addAccount('key-b', 'pool-b');
});

async function signIn(bg: Harness, apiKey = 'key-a'): Promise<void> {
  expectOk(
    await bg.send(
      'settingsChange',
      { patch: { autoReveal: { b2bEmail: false, phone: false, directEmail: false } } },
      optionsSender(),
    ),
  );
  expectOk(await bg.send('signIn', { serverUrl: SERVER, apiKey }, optionsSender()));
}

async function start(bg: Harness, leads: string[], types: RevealType[], jobId = 'job-00000001') {
  return expectOk(await bg.send('bulkStart', { jobId, leads, types }, optionsSender()));
}

async function status(bg: Harness): Promise<BulkJobView> {
  const job = expectOk(await bg.send('bulkStatus', {}, optionsSender()));
  if (!job) throw new Error('no job');
  return job;
}

async function rows(bg: Harness, jobId = 'job-00000001'): Promise<BulkRowView[]> {
  return expectOk(await bg.send('bulkRows', { jobId, offset: 0, limit: 10_000 }, optionsSender())).rows;
}

/** People numbered p0… with B2B email and phone. */
function addPeople(
  count: number,
  person: (index: number) => Person = (i) => ({
    b2bEmail: email(`p${i}@example.com`),
    phone: phone(`+33 6 00 00 00 ${String(i).padStart(2, '0')}`),
  }),
): string[] {
  return Array.from({ length: count }, (_, i) => {
    server.addPerson(`p${i}`, person(i));
    return `p${i}`;
  });
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A database whose session updates never finish (the worker stopped there). */
function stuckAtSessionUpdates(open: () => Promise<Database>): () => Promise<Database> {
  return async () => {
    const db = await open();
    return new Proxy(db, {
      get(target, property) {
        if (property === 'transaction') {
          return (...args: Parameters<Database['transaction']>) => {
            if (args[0] === 'session' && args[1] === 'readwrite') {
              const never = new Promise<never>(() => undefined);
              return { store: { get: () => never, put: () => never }, done: never };
            }
            return target.transaction(...args);
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  };
}

function chargesOf(pool = 'pool-a'): string[] {
  return server.charges
    .filter((charge) => charge.pool === pool)
    .map((charge) => `${charge.lead}|${charge.type}`)
    .sort();
}

describe('what a job spends', () => {
  it('charges exactly the new (lead, type) pairs of a mix: cached, paid by the pool, no data, new, and a lead written twice', async () => {
    server.addPerson('bob', { b2bEmail: email('bob@example.com') });
    server.addPerson('carol', {});
    server.addPerson('dave', { b2bEmail: email('dave@example.com'), phone: phone('+33 6 11 11 11 11') });
    server.markPaid('pool-a', 'dave', 'b2bEmail');
    server.markPaid('pool-a', 'dave', 'phone');
    const bg = startBackground(server);
    await signIn(bg);
    // Ada's B2B email is already in this browser's cache (a click on her profile).
    expectOk(await bg.send('profileSeen', { profile: profile() }, contentSender(1)));
    expectOk(await bg.send('reveal', { slug: 'ada-lovelace', types: ['b2bEmail'] }, widgetSender(1)));
    await bg.idle();
    server.charges.length = 0;
    const before = server.reveals().length;

    const job = await start(
      bg,
      ['ada-lovelace', 'bob', 'https://www.linkedin.com/in/Bob/', 'carol', 'dave'],
      ['phone', 'b2bEmail'],
    );
    expect(job).toMatchObject({ state: 'running', total: 4, types: ['b2bEmail', 'phone'] });
    await bg.idle();

    // R3: Ada's email from the cache, Dave's from the pool; R4: Bob's phone, Carol; R2: Bob once.
    expect(chargesOf()).toEqual(['ada-lovelace|phone', 'bob|b2bEmail']);
    expect(server.reveals().length - before).toBe(4);
    const done = await status(bg);
    expect(done).toMatchObject({
      state: 'done',
      total: 4,
      done: 4,
      counts: { revealed: 3, notFound: 1, insufficientCredits: 0, error: 0 },
      charged: { b2bEmail: 1, phone: 1, directEmail: 0 },
    });
    expect(await rows(bg)).toEqual([
      {
        index: 0,
        slug: 'ada-lovelace',
        status: 'revealed',
        revealed: ['b2bEmail', 'phone'],
        charged: ['phone'],
        notFound: [],
        refused: [],
      },
      {
        index: 1,
        slug: 'bob',
        status: 'revealed',
        revealed: ['b2bEmail'],
        charged: ['b2bEmail'],
        notFound: ['phone'],
        refused: [],
      },
      {
        index: 2,
        slug: 'carol',
        status: 'notFound',
        revealed: [],
        charged: [],
        notFound: ['b2bEmail', 'phone'],
        refused: [],
      },
      {
        index: 3,
        slug: 'dave',
        status: 'revealed',
        revealed: ['b2bEmail', 'phone'],
        charged: [],
        notFound: [],
        refused: [],
      },
    ]);
  });

  it('tells the pages how it goes, and pages the rows', async () => {
    const pushes = capturePushes();
    const leads = addPeople(12);
    const bg = startBackground(server);
    await signIn(bg);
    await start(bg, leads, ['b2bEmail']);
    await bg.idle();
    const progress = pushes.filter((p): p is Extract<Push, { kind: 'bulkProgress' }> => p.kind === 'bulkProgress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)?.job).toMatchObject({ state: 'done', done: 12 });
    // Once at the end, not per row: the Leads tab reads its list again.
    expect(pushes.filter((p) => p.kind === 'leadsChanged')).toHaveLength(1);
    // The rows' reveals are quiet (no lead push each); the figures come with the progress,
    // and the last ones are the server's last answer.
    expect(pushes.filter((p) => p.kind === 'leadUpdated')).toEqual([]);
    const figures = () =>
      pushes.filter((p): p is Extract<Push, { kind: 'balancesChanged' }> => p.kind === 'balancesChanged');
    const session = expectOk(await bg.send('sessionGet', {}, optionsSender()));
    const stored = session.signedIn ? session.account.balances : null;
    await vi.waitFor(() => expect(figures().at(-1)?.balances).toEqual(stored));
    expect(figures().length).toBeLessThan(12);
    const page = expectOk(await bg.send('bulkRows', { jobId: 'job-00000001', offset: 10, limit: 5 }, optionsSender()));
    expect(page.rows.map((row) => row.slug)).toEqual(['p10', 'p11']);
  });

  it('refuses a second job while one runs in the pool, and starts the same job once when the page retries', async () => {
    const leads = addPeople(6);
    const gate = deferred();
    server.gate = gate.promise;
    const bg = startBackground(server);
    await signIn(bg);
    await start(bg, leads, ['b2bEmail']);
    expect(await start(bg, leads, ['b2bEmail'])).toMatchObject({ id: 'job-00000001' });
    const second = await bg.send('bulkStart', { jobId: 'job-00000002', leads, types: ['phone'] }, optionsSender());
    expect(second).toMatchObject({ ok: false, error: { code: 'refused' } });
    gate.resolve();
    server.gate = null;
    await bg.idle();
    expect(chargesOf()).toHaveLength(6);
  });
});

describe('what a job is given', () => {
  it('refuses a list with something that is no profile, and starts nothing', async () => {
    const bg = startBackground(server);
    await signIn(bg);
    const reply = await bg.send(
      'bulkStart',
      { jobId: 'job-00000001', leads: ['ada-lovelace', 'https://example.com/in/someone'], types: ['b2bEmail'] },
      optionsSender(),
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad_message' } });
    expect(expectOk(await bg.send('bulkStatus', {}, optionsSender()))).toBeNull();
    expect(server.reveals()).toHaveLength(0);
  });

  it('says how many of the leads this browser already holds as paid, per type, with no request', async () => {
    const leads = addPeople(4);
    const bg = startBackground(server);
    await signIn(bg);
    await start(bg, leads.slice(0, 2), ['b2bEmail']);
    await bg.idle();
    const requests = server.requests.length;
    const quote = await bg.send('bulkQuote', { leads: [...leads, 'https://www.linkedin.com/in/P0/'] }, optionsSender());
    expect(expectOk(quote)).toEqual({ paid: { b2bEmail: 2, phone: 0, directEmail: 0 } });
    expect(server.requests).toHaveLength(requests);
  });

  it('is refused when signed out', async () => {
    const bg = startBackground(server);
    const reply = await bg.send(
      'bulkStart',
      { jobId: 'job-00000001', leads: ['p0'], types: ['b2bEmail'] },
      optionsSender(),
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'signed_out' } });
  });
});

describe('running out (R7)', () => {
  it('refuses a type that ran out without a reveal request and goes on with the other types', async () => {
    server.setBalance('pool-a', 'phone', 2);
    const leads = addPeople(6);
    const bg = startBackground(server);
    await signIn(bg);
    await start(bg, leads, ['b2bEmail', 'phone']);
    await bg.idle();

    expect(chargesOf().filter((charge) => charge.endsWith('|phone'))).toHaveLength(2);
    expect(chargesOf().filter((charge) => charge.endsWith('|b2bEmail'))).toHaveLength(6);
    const job = await status(bg);
    expect(job).toMatchObject({ state: 'done', charged: { b2bEmail: 6, phone: 2, directEmail: 0 } });
    expect(job.counts).toMatchObject({ revealed: 2, insufficientCredits: 4 });
    // Once the last phone credit was known spent, no request asked for phone again.
    const phoneAsks = server.reveals().filter((r) => (r.body as { types: string[] }).types.includes('phone'));
    expect(phoneAsks.length).toBeLessThanOrEqual(2 + 3); // the rows already in flight when it ran out
    const refused = (await rows(bg)).filter((row) => row.status === 'insufficientCredits');
    expect(refused.every((row) => row.refused?.includes('phone') && row.revealed.includes('b2bEmail'))).toBe(true);
  });

  it('pauses when every chosen type ran out, says so, and Resume after more credits finishes the refused rows', async () => {
    server.setBalance('pool-a', 'phone', 1);
    const leads = addPeople(8);
    const bg = startBackground(server);
    await signIn(bg);
    await start(bg, leads, ['phone']);
    await bg.idle();

    let job = await status(bg);
    expect(job.state).toBe('paused');
    expect(job.reason?.code).toBe('insufficient_credits');
    expect(job.reason?.message).toContain('phone');
    expect(job.done).toBeLessThan(8);
    expect(chargesOf()).toHaveLength(1);

    server.setBalance('pool-a', 'phone', 50);
    job = expectOk(await bg.send('bulkResume', { jobId: job.id }, optionsSender()));
    expect(job.state).toBe('running');
    expect(job.reason).toBeUndefined();
    await bg.idle();
    job = await status(bg);
    expect(job).toMatchObject({
      state: 'done',
      done: 8,
      charged: { phone: 8 },
      counts: { revealed: 8, insufficientCredits: 0 },
    });
    expect(chargesOf()).toEqual(leads.map((lead) => `${lead}|phone`).sort());
  });
});

describe('pause, resume and stops', () => {
  it('Pause lets the rows in flight finish and starts no other; Resume goes on from there', async () => {
    const leads = addPeople(20);
    const gate = deferred();
    server.gate = gate.promise;
    const bg = startBackground(server);
    await signIn(bg);
    await start(bg, leads, ['b2bEmail']);
    await until(() => server.reveals().length === 4, 'four reveals held at the server');
    const paused = expectOk(await bg.send('bulkPause', { jobId: 'job-00000001' }, optionsSender()));
    expect(paused.state).toBe('paused');
    gate.resolve();
    server.gate = null;
    await bg.idle();

    let job = await status(bg);
    expect(job.state).toBe('paused');
    expect(job.reason).toBeUndefined();
    expect(job.done).toBe(4); // the rows that were in flight
    expect(chargesOf()).toHaveLength(4);

    expectOk(await bg.send('bulkResume', { jobId: 'job-00000001' }, optionsSender()));
    await bg.idle();
    job = await status(bg);
    expect(job).toMatchObject({ state: 'done', done: 20, charged: { b2bEmail: 20 } });
    expect(chargesOf()).toEqual(leads.map((lead) => `${lead}|b2bEmail`).sort());
  });

  it('survives a worker stopped mid-request: the new worker replays the rows in flight and charges nothing twice', async () => {
    const leads = addPeople(10);
    // The first worker's requests reach the server (which charges), then it is stopped: no answer.
    const lost: string[] = [];
    const first = startBackground(server, {
      fetch: async (input, init) => {
        const response = await server.fetch(input, init);
        if (!input.endsWith('/v1/reveals')) return response;
        lost.push(new Headers(init.headers).get('Idempotency-Key') ?? '');
        return new Promise<Response>(() => undefined);
      },
    });
    await signIn(first);
    await start(first, leads, ['b2bEmail', 'phone']);
    await until(() => lost.length === 4, 'four reveals sent');
    expect(chargesOf()).toHaveLength(8);

    // A new worker on the same IndexedDB: started as index.ts starts it.
    const second = startBackground(server);
    await resumeBulkJobs(second.ctx, createInFlight());
    await second.idle();

    const expected = leads.flatMap((lead) => [`${lead}|b2bEmail`, `${lead}|phone`]).sort();
    expect(chargesOf()).toEqual(expected);
    // The rows in flight were asked again under the keys the first worker had persisted.
    const keys = server.reveals().map((request) => request.idempotencyKey);
    for (const key of lost) expect(keys.filter((k) => k === key)).toHaveLength(2);
    expect(await status(second)).toMatchObject({
      state: 'done',
      done: 10,
      charged: { b2bEmail: 10, phone: 10, directEmail: 0 },
    });
  });

  it('counts a charge exactly once when the worker stopped after the cache recorded it but before the row did', async () => {
    const leads = addPeople(6);
    // The first worker stops right after the cache write: the next thing it would do after a
    // reveal, storing the new balances, never ends.
    const first = startBackground(server, { db: stuckAtSessionUpdates(createDatabase()) });
    await signIn(first);
    await start(first, leads, ['b2bEmail', 'phone']);
    const db = await first.ctx.db();
    await until(async () => (await db.getAll('leads')).length === 4, 'four leads in the cache');
    expect(chargesOf()).toHaveLength(8);

    const second = startBackground(server);
    await resumeBulkJobs(second.ctx, createInFlight());
    await second.idle();
    expect(chargesOf()).toEqual(leads.flatMap((lead) => [`${lead}|b2bEmail`, `${lead}|phone`]).sort());
    // The 4 rows in flight came from the cache the second time (no request, no `charged`):
    // the charges noted before the cache write still count, once.
    expect(await status(second)).toMatchObject({ state: 'done', charged: { b2bEmail: 6, phone: 6 } });
  });

  it('pauses with the reason when the user signs out, and spends nothing more', async () => {
    const leads = addPeople(12);
    const gate = deferred();
    server.gate = gate.promise;
    const bg = startBackground(server);
    await signIn(bg);
    await start(bg, leads, ['b2bEmail']);
    await until(() => server.reveals().length === 4, 'four reveals held at the server');
    expectOk(await bg.send('signOut', {}, optionsSender()));
    gate.resolve();
    server.gate = null;
    await bg.idle();
    expect(chargesOf().length).toBeLessThanOrEqual(4);

    await signIn(bg);
    const job = await status(bg);
    expect(job.state).toBe('paused');
    expect(job.reason?.code).toBe('signed_out');
    expect(job.reason?.message).toMatch(/signed out/);
  });

  it('another account neither sees nor resumes the job', async () => {
    const leads = addPeople(3);
    const bg = startBackground(server);
    await signIn(bg);
    server.setBalance('pool-a', 'b2bEmail', 0);
    await start(bg, leads, ['b2bEmail']);
    await bg.idle();
    expect((await status(bg)).state).toBe('paused');
    await signIn(bg, 'key-b');
    expect(expectOk(await bg.send('bulkStatus', {}, optionsSender()))).toBeNull();
    const resumed = await bg.send('bulkResume', { jobId: 'job-00000001' }, optionsSender());
    expect(resumed).toMatchObject({ ok: false, error: { code: 'refused' } });
  });

  it('tries again while the server is down, then pauses with the reason; Resume finishes once it is back', async () => {
    const leads = addPeople(5);
    const bg = startBackground(server);
    await signIn(bg);
    server.fault = 'down';
    await start(bg, leads, ['b2bEmail']);
    await bg.idle();
    let job = await status(bg);
    expect(job.state).toBe('paused');
    expect(job.reason?.code).toBe('server_unreachable');
    expect(job.done).toBe(0);

    server.fault = 'normal';
    expectOk(await bg.send('bulkResume', { jobId: job.id }, optionsSender()));
    await bg.idle();
    job = await status(bg);
    expect(job).toMatchObject({ state: 'done', done: 5, charged: { b2bEmail: 5 } });
    expect(chargesOf()).toHaveLength(5);
  });
});

describe('the cache stays the truth', () => {
  it('a job after a job spends nothing for what the first paid (R3)', async () => {
    server.addPerson('ada-lovelace', ADA);
    const leads = addPeople(5);
    const bg = startBackground(server);
    await signIn(bg);
    await start(bg, leads, ['b2bEmail']);
    await bg.idle();
    const requests = server.reveals().length;
    await start(bg, leads, ['b2bEmail'], 'job-00000002');
    await bg.idle();
    expect(server.reveals().length).toBe(requests);
    expect(await status(bg)).toMatchObject({
      id: 'job-00000002',
      state: 'done',
      charged: { b2bEmail: 0 },
      counts: { revealed: 5 },
    });
    expect(chargesOf()).toHaveLength(5);
  });
});
