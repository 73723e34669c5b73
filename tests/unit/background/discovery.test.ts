/**
 * Automatic discovery (R9, issue 3): the plan the background runs when a profile opens, as
 * a table of cases (toggle x paid x data x credits x guard), each with the requests it
 * makes and what the widget then shows; then the cases a table cannot hold (several types
 * in one request, a profile left before its plan ran, the guard counting reveals in flight).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { AutoState, Cost } from '../../../shared/discovery.ts';
import type { RevealType } from '../../../shared/credits.ts';
import type { TypeView } from '../../../shared/protocol.ts';
import {
  ADA,
  ALL_OFF,
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
  startBackground,
  widgetSender,
  type Harness,
  type Person,
} from './harness.ts';

let server: FakeServer;

beforeEach(() => {
  resetIndexedDB();
  server = new FakeServer();
});

const LEAD = 'ada-lovelace';

interface Case {
  name: string;
  /** Automatic discovery of phone on or off (B2B email and direct email off). */
  on: boolean;
  /** Whether the pool paid the phone before: not at all, in this browser's cache, or elsewhere. */
  paid: 'no' | 'cached' | 'elsewhere';
  /** Whether the contact database has phones for the lead. */
  data: boolean;
  /** Phone credits left. */
  credits: number;
  /** The spending guard for phone. */
  keep: number;
  /** The server is down when the profile opens. */
  down?: boolean;
  /** What is asked of the server when the profile opens (after setup). */
  requests: string[];
  /** Phone credits spent by opening the profile. */
  spent: number;
  auto: AutoState['state'];
  cost: Cost;
  /** What the widget's phone row holds afterwards. */
  shows: TypeView['status'];
}

const AVAILABILITY = `GET /v1/leads/${LEAD}/availability`;
const REVEAL_PHONE = 'POST /v1/reveals phone';

// prettier-ignore
const CASES: Case[] = [
  { name: 'off, unpaid, data, credits', on: false, paid: 'no', data: true, credits: 5, keep: 0, requests: [AVAILABILITY], spent: 0, auto: 'off', cost: 'credit', shows: 'unknown' },
  { name: 'off, paid elsewhere', on: false, paid: 'elsewhere', data: true, credits: 5, keep: 0, requests: [AVAILABILITY], spent: 0, auto: 'off', cost: 'free', shows: 'unknown' },
  { name: 'off, no data', on: false, paid: 'no', data: false, credits: 5, keep: 0, requests: [AVAILABILITY], spent: 0, auto: 'off', cost: 'noData', shows: 'unknown' },
  { name: 'off, cached', on: false, paid: 'cached', data: true, credits: 5, keep: 0, requests: [AVAILABILITY], spent: 0, auto: 'off', cost: 'free', shows: 'revealed' },
  { name: 'on, unpaid, data, credits', on: true, paid: 'no', data: true, credits: 5, keep: 0, requests: [AVAILABILITY, REVEAL_PHONE], spent: 1, auto: 'revealed', cost: 'free', shows: 'revealed' },
  { name: 'on, cached: from the cache, nothing asked for it', on: true, paid: 'cached', data: true, credits: 5, keep: 0, requests: [AVAILABILITY], spent: 0, auto: 'cached', cost: 'free', shows: 'revealed' },
  { name: 'on, paid elsewhere: revealed free', on: true, paid: 'elsewhere', data: true, credits: 5, keep: 0, requests: [AVAILABILITY, REVEAL_PHONE], spent: 0, auto: 'revealed', cost: 'free', shows: 'revealed' },
  { name: 'on, paid elsewhere, 0 credits: still revealed free', on: true, paid: 'elsewhere', data: true, credits: 0, keep: 0, requests: [AVAILABILITY, REVEAL_PHONE], spent: 0, auto: 'revealed', cost: 'free', shows: 'revealed' },
  { name: 'on, paid elsewhere, under the guard: still revealed free', on: true, paid: 'elsewhere', data: true, credits: 2, keep: 5, requests: [AVAILABILITY, REVEAL_PHONE], spent: 0, auto: 'revealed', cost: 'free', shows: 'revealed' },
  { name: 'on, no data: nothing spent', on: true, paid: 'no', data: false, credits: 5, keep: 0, requests: [AVAILABILITY], spent: 0, auto: 'noData', cost: 'noData', shows: 'unknown' },
  { name: 'on, no data, 0 credits', on: true, paid: 'no', data: false, credits: 0, keep: 0, requests: [AVAILABILITY], spent: 0, auto: 'noData', cost: 'noData', shows: 'unknown' },
  { name: 'on, 0 credits: not asked (R7)', on: true, paid: 'no', data: true, credits: 0, keep: 0, requests: [AVAILABILITY], spent: 0, auto: 'outOfCredits', cost: 'credit', shows: 'unknown' },
  { name: 'on, credits at the guard: left for clicks', on: true, paid: 'no', data: true, credits: 3, keep: 3, requests: [AVAILABILITY], spent: 0, auto: 'guarded', cost: 'credit', shows: 'unknown' },
  { name: 'on, credits under the guard', on: true, paid: 'no', data: true, credits: 1, keep: 3, requests: [AVAILABILITY], spent: 0, auto: 'guarded', cost: 'credit', shows: 'unknown' },
  { name: 'on, one credit above the guard: revealed', on: true, paid: 'no', data: true, credits: 4, keep: 3, requests: [AVAILABILITY, REVEAL_PHONE], spent: 1, auto: 'revealed', cost: 'free', shows: 'revealed' },
  { name: 'on, 0 credits and a guard: out of credits', on: true, paid: 'no', data: true, credits: 0, keep: 3, requests: [AVAILABILITY], spent: 0, auto: 'outOfCredits', cost: 'credit', shows: 'unknown' },
  { name: 'on, cached, 0 credits: from the cache', on: true, paid: 'cached', data: true, credits: 0, keep: 0, requests: [AVAILABILITY], spent: 0, auto: 'cached', cost: 'free', shows: 'revealed' },
  { name: 'on, cached, under the guard: from the cache', on: true, paid: 'cached', data: true, credits: 1, keep: 3, requests: [AVAILABILITY], spent: 0, auto: 'cached', cost: 'free', shows: 'revealed' },
  { name: 'on, server down: says so, spends nothing', on: true, paid: 'no', data: true, credits: 5, keep: 0, down: true, requests: [AVAILABILITY], spent: 0, auto: 'failed', cost: 'unknown', shows: 'unknown' },
  { name: 'off, server down', on: false, paid: 'no', data: true, credits: 5, keep: 0, down: true, requests: [AVAILABILITY], spent: 0, auto: 'off', cost: 'unknown', shows: 'unknown' },
];

const PHONES: Person['phone'] = ADA.phone;

/**
 * A fetch whose availability reads wait for `release()`: the server is slow to answer the
 * plan's first step while the user does something else.
 */
function holdingAvailability(server: FakeServer) {
  const held = deferred();
  let holding = true;
  return {
    fetch: async (input: string, init: RequestInit): Promise<Response> => {
      if (holding && input.endsWith('/availability')) await held.promise;
      return server.fetch(input, init);
    },
    /** Reads asked from now on pass at once. */
    stopHolding: () => {
      holding = false;
    },
    release: () => held.resolve(),
  };
}

/** Signs in with the case's credits and settings; the phone already paid as the case says. */
async function setUp(row: Case): Promise<Harness> {
  server.addAccount('key-t', 'pool-t', balancesOf({ phone: row.paid === 'cached' ? row.credits + 1 : row.credits }));
  server.addPerson(LEAD, row.data ? { phone: PHONES } : {});
  const bg = startBackground(server);
  expectOk(await bg.send('settingsChange', { patch: { autoReveal: ALL_OFF } }, optionsSender()));
  expectOk(await bg.send('signIn', { serverUrl: SERVER, apiKey: 'key-t' }, optionsSender()));
  if (row.paid === 'cached') {
    // Paid by a click in this browser earlier: in the local cache.
    expectOk(await bg.send('profileSeen', { profile: profile(LEAD) }, contentSender(9)));
    await bg.idle();
    expectOk(await bg.send('reveal', { slug: LEAD, types: ['phone'] }, widgetSender(9)));
  }
  if (row.paid === 'elsewhere') server.markPaid('pool-t', LEAD, 'phone');
  expectOk(
    await bg.send(
      'settingsChange',
      { patch: { autoReveal: { phone: row.on }, keepAtLeast: { phone: row.keep } } },
      optionsSender(),
    ),
  );
  return bg;
}

function described(request: FakeServer['requests'][number]): string {
  if (request.method === 'POST' && request.path === '/v1/reveals') {
    return `POST /v1/reveals ${(request.body as { types: RevealType[] }).types.join(',')}`;
  }
  return `${request.method} ${request.path}`;
}

describe('the discovery plan when a profile opens', () => {
  it.each(CASES)('$name', async (row) => {
    const bg = await setUp(row);
    const before = server.requests.length;
    const chargesBefore = server.charges.length;

    if (row.down) server.fault = 'down';
    expectOk(await bg.send('profileSeen', { profile: profile(LEAD) }, contentSender(1)));
    await bg.idle();
    server.fault = 'normal';

    expect(server.requests.slice(before).map(described)).toEqual(row.requests);
    expect(server.charges.length - chargesBefore).toBe(row.spent);
    const widget = expectOk(await bg.send('widgetOpened', {}, widgetSender(1)));
    expect(widget.discovery?.auto.phone.state).toBe(row.auto);
    expect(widget.discovery?.cost.phone).toBe(row.cost);
    expect(widget.lead?.phone.status).toBe(row.shows);
    // B2B email and direct email are off: never revealed without a click.
    expect(widget.discovery?.auto.b2bEmail).toEqual({ state: 'off' });
    expect(widget.discovery?.auto.directEmail).toEqual({ state: 'off' });
    expect(server.charges.filter((charge) => charge.type !== 'phone')).toEqual([]);
  });
});

describe('automatic discovery', () => {
  it('with the defaults reveals the B2B email only: one credit, one request', async () => {
    server.addAccount('key-d', 'pool-d');
    server.addPerson(LEAD, { b2bEmail: [{ value: 'ada@engines.example', verifiedAt: null }], phone: PHONES });
    const bg = startBackground(server);
    const pushes = capturePushes();
    expectOk(await bg.send('signIn', { serverUrl: SERVER, apiKey: 'key-d' }, optionsSender()));
    expectOk(await bg.send('profileSeen', { profile: profile(LEAD) }, contentSender(1)));
    await bg.idle();

    expect(server.charges).toEqual([{ pool: 'pool-d', lead: LEAD, type: 'b2bEmail' }]);
    expect(server.reveals().map(described)).toEqual(['POST /v1/reveals b2bEmail']);
    const widget = expectOk(await bg.send('widgetOpened', {}, widgetSender(1)));
    expect(widget.lead?.b2bEmail).toMatchObject({ status: 'revealed' });
    expect(widget.discovery?.cost).toEqual({ b2bEmail: 'free', phone: 'credit', directEmail: 'noData' });
    expect(pushes.some((push) => push.kind === 'balancesChanged')).toBe(true);

    // Opened again (a reload, another tab): from the cache, no reveal request, nothing spent.
    const before = server.requests.length;
    expectOk(await bg.send('profileSeen', { profile: profile(LEAD) }, contentSender(2)));
    await bg.idle();
    expect(server.requests.slice(before).map(described)).toEqual([AVAILABILITY]);
    expect(server.charges).toHaveLength(1);
  });

  it('asks for every type it reveals in one request', async () => {
    server.addAccount('key-d', 'pool-d');
    const bg = startBackground(server);
    expectOk(
      await bg.send(
        'settingsChange',
        { patch: { autoReveal: { b2bEmail: true, phone: true, directEmail: true } } },
        optionsSender(),
      ),
    );
    expectOk(await bg.send('signIn', { serverUrl: SERVER, apiKey: 'key-d' }, optionsSender()));
    server.addPerson(LEAD, {
      b2bEmail: [{ value: 'ada@engines.example', verifiedAt: null }],
      phone: PHONES,
      directEmail: [{ value: 'ada@home.example', verifiedAt: null }],
    });
    expectOk(await bg.send('profileSeen', { profile: profile(LEAD) }, contentSender(1)));
    await bg.idle();
    expect(server.reveals().map(described)).toEqual(['POST /v1/reveals b2bEmail,directEmail,phone']);
    expect(server.charges).toHaveLength(3);

    // Every type paid and cached: opening it again makes no request at all.
    const before = server.requests.length;
    expectOk(await bg.send('profileSeen', { profile: profile(LEAD) }, contentSender(2)));
    await bg.idle();
    expect(server.requests.length).toBe(before);
    const widget = expectOk(await bg.send('widgetOpened', {}, widgetSender(2)));
    expect(widget.discovery?.auto).toEqual({
      b2bEmail: { state: 'cached' },
      phone: { state: 'cached' },
      directEmail: { state: 'cached' },
    });
  });

  it('reveals nothing for a profile the tab left before its plan ran', async () => {
    server.addAccount('key-d', 'pool-d');
    server.addPerson(LEAD, { b2bEmail: [{ value: 'ada@engines.example', verifiedAt: null }] });
    const held = holdingAvailability(server);
    const bg = startBackground(server, { fetch: held.fetch });
    expectOk(await bg.send('signIn', { serverUrl: SERVER, apiKey: 'key-d' }, optionsSender()));
    expectOk(await bg.send('profileSeen', { profile: profile(LEAD) }, contentSender(1)));
    // Scrolled on to another profile while the server was answering.
    expectOk(await bg.send('profileSeen', { profile: profile('grace-hopper') }, contentSender(1)));
    held.release();
    await bg.idle();
    expect(server.reveals()).toEqual([]);
    expect(server.charges).toEqual([]);
  });

  it('reveals nothing when the user left the profile for a page that is not one', async () => {
    server.addAccount('key-d', 'pool-d');
    server.addPerson(LEAD, { b2bEmail: [{ value: 'ada@engines.example', verifiedAt: null }] });
    const held = holdingAvailability(server);
    const bg = startBackground(server, { fetch: held.fetch });
    expectOk(await bg.send('signIn', { serverUrl: SERVER, apiKey: 'key-d' }, optionsSender()));
    expectOk(await bg.send('profileSeen', { profile: profile(LEAD) }, contentSender(1)));
    expectOk(await bg.send('profileLeft', {}, contentSender(1, 'https://www.linkedin.com/feed/')));
    held.release();
    await bg.idle();
    expect(server.reveals()).toEqual([]);
  });

  it('never lets two profiles opened at once dig into the credits kept for clicks', async () => {
    server.addAccount('key-d', 'pool-d', balancesOf({ phone: 4 }));
    server.addPerson(LEAD, { phone: PHONES });
    server.addPerson('grace-hopper', { phone: [{ value: '+1 555 0100', phoneKind: 'mobile', verifiedAt: null }] });
    const bg = startBackground(server);
    expectOk(
      await bg.send(
        'settingsChange',
        { patch: { autoReveal: { b2bEmail: false, phone: true }, keepAtLeast: { phone: 3 } } },
        optionsSender(),
      ),
    );
    expectOk(await bg.send('signIn', { serverUrl: SERVER, apiKey: 'key-d' }, optionsSender()));
    // 4 credits, 3 kept: one automatic reveal may happen, whichever profile gets it.
    await Promise.all([
      bg.send('profileSeen', { profile: profile(LEAD) }, contentSender(1)),
      bg.send('profileSeen', { profile: profile('grace-hopper') }, contentSender(2)),
    ]);
    await bg.idle();
    expect(server.charges).toHaveLength(1);
    const states = await Promise.all(
      [1, 2].map(async (tab) => expectOk(await bg.send('widgetOpened', {}, widgetSender(tab))).discovery?.auto.phone),
    );
    expect(states).toContainEqual({ state: 'revealed' });
    expect(states).toContainEqual({ state: 'guarded', keep: 3, remaining: 4 });
  });

  it('never reveals a type the user turned off while the plan was waiting for the server', async () => {
    server.addAccount('key-d', 'pool-d');
    server.addPerson(LEAD, { b2bEmail: [{ value: 'ada@engines.example', verifiedAt: null }] });
    const held = holdingAvailability(server);
    const bg = startBackground(server, { fetch: held.fetch });
    expectOk(await bg.send('signIn', { serverUrl: SERVER, apiKey: 'key-d' }, optionsSender()));
    expectOk(await bg.send('profileSeen', { profile: profile(LEAD) }, contentSender(1)));
    expectOk(await bg.send('settingsChange', { patch: { autoReveal: { b2bEmail: false } } }, optionsSender()));
    held.release();
    await bg.idle();
    expect(server.reveals()).toEqual([]);
    const widget = expectOk(await bg.send('widgetOpened', {}, widgetSender(1)));
    expect(widget.discovery?.auto.b2bEmail).toEqual({ state: 'off' });
  });

  it('never spends in an account the user switched to while the plan was waiting', async () => {
    server.addAccount('key-d', 'pool-d');
    server.addAccount('key-e', 'pool-e', balancesOf({ b2bEmail: 2 }));
    server.addPerson(LEAD, { b2bEmail: [{ value: 'ada@engines.example', verifiedAt: null }] });
    const held = holdingAvailability(server);
    const bg = startBackground(server, { fetch: held.fetch });
    expectOk(await bg.send('settingsChange', { patch: { keepAtLeast: { b2bEmail: 5 } } }, optionsSender()));
    expectOk(await bg.send('signIn', { serverUrl: SERVER, apiKey: 'key-d' }, optionsSender()));
    expectOk(await bg.send('profileSeen', { profile: profile(LEAD) }, contentSender(1)));
    held.stopHolding();
    // pool-e has 2 B2B email credits, under its guard of 5: nothing may be spent there.
    expectOk(await bg.send('signIn', { serverUrl: SERVER, apiKey: 'key-e' }, optionsSender()));
    held.release();
    await bg.idle();
    expect(server.charges).toEqual([]);
  });

  it('runs the plan again when the worker was stopped in the middle of it', async () => {
    server.addAccount('key-d', 'pool-d');
    server.addPerson(LEAD, { b2bEmail: [{ value: 'ada@engines.example', verifiedAt: null }] });
    // The first worker dies with its reveal request unsent: its fetch never returns.
    const dead = startBackground(server, {
      fetch: (input, init) => (init.method === 'POST' ? new Promise<Response>(() => {}) : server.fetch(input, init)),
    });
    expectOk(await dead.send('signIn', { serverUrl: SERVER, apiKey: 'key-d' }, optionsSender()));
    expectOk(await dead.send('profileSeen', { profile: profile(LEAD) }, contentSender(1)));
    await expect
      .poll(async () => expectOk(await dead.send('widgetOpened', {}, widgetSender(1))).discovery?.auto.b2bEmail)
      .toEqual({ state: 'revealing' });

    // A new worker: the widget (re)opens and finds a plan nobody is running.
    const restarted = startBackground(server);
    const opened = expectOk(await restarted.send('widgetOpened', {}, widgetSender(1)));
    expect(opened.discovery?.auto.b2bEmail).toEqual({ state: 'revealing' });
    await restarted.idle();
    const after = expectOk(await restarted.send('widgetOpened', {}, widgetSender(1)));
    expect(after.lead?.b2bEmail).toMatchObject({ status: 'revealed' });
    expect(after.discovery?.auto.b2bEmail).toEqual({ state: 'revealed' });
    expect(server.charges).toHaveLength(1);
  });

  it('runs the plan when a signed-in widget opens on a profile that has none (signed in on the page)', async () => {
    server.addAccount('key-d', 'pool-d');
    server.addPerson(LEAD, { b2bEmail: [{ value: 'ada@engines.example', verifiedAt: null }] });
    const bg = startBackground(server);
    expectOk(await bg.send('profileSeen', { profile: profile(LEAD) }, contentSender(1)));
    expectOk(await bg.send('signIn', { serverUrl: SERVER, apiKey: 'key-d' }, optionsSender()));
    expectOk(await bg.send('widgetOpened', {}, widgetSender(1)));
    await bg.idle();
    expect(server.charges).toEqual([{ pool: 'pool-d', lead: LEAD, type: 'b2bEmail' }]);
    // Opened again: the plan ran; no second one.
    const before = server.requests.length;
    expectOk(await bg.send('widgetOpened', {}, widgetSender(1)));
    await bg.idle();
    expect(server.requests.length).toBe(before);
  });

  it('after a failed availability read, says automatic reveal did not run and spends nothing', async () => {
    server.addAccount('key-d', 'pool-d');
    const bg = startBackground(server);
    expectOk(await bg.send('signIn', { serverUrl: SERVER, apiKey: 'key-d' }, optionsSender()));
    server.fault = 'down';
    expectOk(await bg.send('profileSeen', { profile: profile(LEAD) }, contentSender(1)));
    await bg.idle();
    server.fault = 'normal';
    const widget = expectOk(await bg.send('widgetOpened', {}, widgetSender(1)));
    expect(widget.discovery?.auto.b2bEmail).toMatchObject({
      state: 'failed',
      error: { code: 'server_unreachable', message: expect.stringMatching(/^Automatic reveal did not run: /) },
    });
    expect(widget.discovery?.cost).toEqual({ b2bEmail: 'unknown', phone: 'unknown', directEmail: 'unknown' });
    expect(server.charges).toEqual([]);
  });

  it('keeps the plan when the same lead is read again in its tab (a richer reading of the page)', async () => {
    server.addAccount('key-d', 'pool-d');
    server.addPerson(LEAD, { b2bEmail: [{ value: 'ada@engines.example', verifiedAt: null }], phone: PHONES });
    const bg = startBackground(server);
    expectOk(await bg.send('signIn', { serverUrl: SERVER, apiKey: 'key-d' }, optionsSender()));
    expectOk(await bg.send('profileSeen', { profile: profile(LEAD) }, contentSender(1)));
    await bg.idle();
    const before = server.requests.length;
    // Phone turned on since: it applies to the next profiles, not to this one read again.
    expectOk(await bg.send('settingsChange', { patch: { autoReveal: { phone: true } } }, optionsSender()));
    const richer = { ...profile(LEAD), headline: 'Analyst of the Analytical Engine' };
    expectOk(await bg.send('profileSeen', { profile: richer }, contentSender(1)));
    await bg.idle();
    expect(server.requests.length).toBe(before);
    const widget = expectOk(await bg.send('widgetOpened', {}, widgetSender(1)));
    expect(widget.profile?.headline).toBe('Analyst of the Analytical Engine');
    expect(widget.discovery?.auto.b2bEmail).toEqual({ state: 'revealed' });
    expect(widget.discovery?.auto.phone).toEqual({ state: 'off' });
  });

  it('does nothing when signed out', async () => {
    const bg = startBackground(server);
    const seen = expectOk(await bg.send('profileSeen', { profile: profile(LEAD) }, contentSender(1)));
    expect(seen).toEqual({ signedIn: false });
    await bg.idle();
    expect(server.requests).toEqual([]);
  });
});
