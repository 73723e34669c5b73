/**
 * A background under test: the real handlers, router and IndexedDB code (fake-indexeddb),
 * the fake browser, and a fake credits server that gives the documented answers of
 * shared/api.ts. The e2e tier runs the real server; here its behaviour is faked on purpose.
 */
import { IDBFactory } from 'fake-indexeddb';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Browser } from 'wxt/browser';
import {
  ErrorBodySchema,
  IDEMPOTENCY_HEADER,
  RevealRequestSchema,
  type Account,
  type Balances,
  type ContactValue,
  type ErrorCode,
  type MemberLimits,
  type RevealResponse,
  type RevealResult,
} from '../../../shared/api.ts';
import type { RevealType } from '../../../shared/credits.ts';
import type { Badge } from '../../../shared/usage.ts';
import type { ProfileSnapshot } from '../../../shared/profile.ts';
import type { MessageName, Push, Reply, RequestOf, ResponseOf } from '../../../shared/protocol.ts';
import type { BackgroundContext } from '../../../entrypoints/background/context.ts';
import { createDatabase } from '../../../entrypoints/background/database.ts';
import { createHandlers } from '../../../entrypoints/background/handlers.ts';
import { createInFlight } from '../../../entrypoints/background/reveal.ts';
import { route } from '../../../entrypoints/background/router.ts';

type MessageSender = Browser.runtime.MessageSender;

export const SERVER = 'http://127.0.0.1:8787';
export const EXTENSION_ORIGIN = `chrome-extension://${fakeBrowser.runtime.id}`;

/** A fresh, empty IndexedDB for each test; old connections die with the old factory. */
export function resetIndexedDB(): void {
  globalThis.indexedDB = new IDBFactory();
}

// ---------------------------------------------------------------- senders

export function widgetSender(tabId: number): MessageSender {
  return {
    id: fakeBrowser.runtime.id,
    url: `${EXTENSION_ORIGIN}/widget.html`,
    tab: { id: tabId, index: 0, highlighted: false, active: true, pinned: false, incognito: false, windowId: 1 },
    frameId: 3,
  } as MessageSender;
}

export function optionsSender(): MessageSender {
  return { id: fakeBrowser.runtime.id, url: `${EXTENSION_ORIGIN}/options.html` } as MessageSender;
}

export function contentSender(tabId: number, url = 'https://www.linkedin.com/in/ada-lovelace/'): MessageSender {
  return {
    id: fakeBrowser.runtime.id,
    url,
    tab: { id: tabId, index: 0, highlighted: false, active: true, pinned: false, incognito: false, windowId: 1 },
    frameId: 0,
  } as MessageSender;
}

export function profile(slug = 'ada-lovelace'): ProfileSnapshot {
  return {
    slug,
    url: `https://www.linkedin.com/in/${slug}/`,
    name: 'Ada Lovelace',
    headline: 'Analyst',
    company: 'Analytical Engines',
    location: 'London',
    unreadable: [],
  };
}

// ---------------------------------------------------------------- fake server

export interface Person {
  b2bEmail?: ContactValue[];
  phone?: ContactValue[];
  directEmail?: ContactValue[];
}

interface PoolState {
  balances: Balances;
  paid: Set<string>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** The query string, "?…" or "". */
  search: string;
  body: unknown;
  idempotencyKey: string | null;
  authorization: string | null;
}

/** How the server misbehaves for the next requests (until set back to 'normal'). */
export type Fault =
  | 'normal'
  | 'down'
  | 'status500'
  | 'malformedJson'
  | 'schemaMismatch'
  | 'hang'
  /** Commits the reveal, then the connection drops before the answer arrives. */
  | 'lostAfterCommit';

function balance(remaining: number): Balances['b2bEmail'] {
  return { remaining, monthlyAllotment: remaining, addOn: 0, used: 0 };
}

export function balancesOf(remaining: Partial<Record<keyof Balances, number>> = {}): Balances {
  return {
    b2bEmail: balance(remaining.b2bEmail ?? 10),
    phone: balance(remaining.phone ?? 5),
    directEmail: balance(remaining.directEmail ?? 5),
    export: balance(remaining.export ?? 10),
  };
}

export const ADA: Person = {
  b2bEmail: [{ value: 'ada@engines.example', verifiedAt: null }],
  phone: [
    { value: '+44 20 7946 0001', phoneKind: 'mobile', verifiedAt: null },
    { value: '+44 20 7946 0002', phoneKind: 'landline', verifiedAt: null },
  ],
};

export class FakeServer {
  readonly requests: RecordedRequest[] = [];
  /** Credits debited, per pool and type (the ledger's reveal entries). */
  readonly charges: Array<{ pool: string; lead: string; type: RevealType }> = [];
  fault: Fault = 'normal';
  /** Answers given before normal processing, one per request (e.g. 409 in flight). */
  readonly scripted: Array<{ status: number; body: unknown }> = [];
  /** While set, reveals wait for it before they are processed (to hold requests in flight). */
  gate: Promise<void> | null = null;
  /** The path the server is mounted under (a reverse proxy's prefix). */
  basePath = '';

  private readonly keys = new Map<string, { account: Account; pool: string }>();
  /** Per API key: the member's monthly limits (R11), as `limit` and `used` per type. */
  private readonly memberLimits = new Map<string, Partial<Record<RevealType, { limit: number; used: number }>>>();
  private readonly pools = new Map<string, PoolState>();
  private readonly people = new Map<string, Person>([['ada-lovelace', ADA]]);
  private readonly idempotency = new Map<string, { body: string; response: RevealResponse | 'inFlight' }>();

  addAccount(apiKey: string, poolId: string, balances = balancesOf(), role: 'admin' | 'member' = 'admin'): void {
    if (!this.pools.has(poolId)) this.pools.set(poolId, { balances, paid: new Set() });
    const account: Account = {
      user: { id: `u-${apiKey}`, email: `${apiKey}@example.com`, role },
      workspace: {
        id: `w-${poolId}`,
        name: 'Demo',
        plan: 'starter',
        seats: 3,
        members: 1,
        renewsAt: '2027-01-01T00:00:00Z',
      },
      pool: { id: poolId, kind: 'shared', members: 1 },
      balances,
    };
    this.keys.set(apiKey, { account, pool: poolId });
  }

  /** The key's user now spends from `poolId` (a plan upgrade merged their pool into a shared one). */
  moveToPool(apiKey: string, poolId: string): void {
    const caller = this.keys.get(apiKey);
    if (!caller) throw new Error('test setup: no such key');
    if (!this.pools.has(poolId)) this.pools.set(poolId, { balances: balancesOf(), paid: new Set() });
    caller.pool = poolId;
    caller.account = { ...caller.account, pool: { ...caller.account.pool, id: poolId } };
  }

  setBalance(poolId: string, type: keyof Balances, remaining: number): void {
    const pool = this.pools.get(poolId);
    if (pool) pool.balances[type] = balance(remaining);
  }

  /** An admin sets the member's monthly limit on `type` (R11); `used` is their spending so far. */
  setLimit(apiKey: string, type: RevealType, limit: number, used = 0): void {
    this.memberLimits.set(apiKey, { ...this.memberLimits.get(apiKey), [type]: { limit, used } });
  }

  /** The limits as the server reports them: only the limited types. */
  limitsOf(apiKey: string): MemberLimits {
    const limits: MemberLimits = {};
    for (const [type, own] of Object.entries(this.memberLimits.get(apiKey) ?? {}) as Array<
      [RevealType, { limit: number; used: number }]
    >) {
      limits[type] = { limit: own.limit, used: own.used, remaining: Math.max(0, own.limit - own.used) };
    }
    return limits;
  }

  reveals(): RecordedRequest[] {
    return this.requests.filter((request) => request.path === '/v1/reveals');
  }

  /** Marks a (lead, type) as paid by the pool, as another member or device would have. */
  markPaid(poolId: string, lead: string, type: RevealType): void {
    this.pools.get(poolId)?.paid.add(`${lead}|${type}`);
  }

  /** Adds or replaces a person in the contact database. */
  addPerson(slug: string, person: Person): void {
    this.people.set(slug, person);
  }

  readonly fetch = async (input: string, init: RequestInit): Promise<Response> => {
    const url = new URL(input);
    if (!url.pathname.startsWith(this.basePath)) return error(404, 'not_found', 'No such route.');
    url.pathname = url.pathname.slice(this.basePath.length);
    const headers = new Headers(init.headers);
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : null;
    this.requests.push({
      method: init.method ?? 'GET',
      path: url.pathname,
      search: url.search,
      body,
      idempotencyKey: headers.get(IDEMPOTENCY_HEADER),
      authorization: headers.get('Authorization'),
    });
    const signal = init.signal;
    switch (this.fault) {
      case 'down':
        throw new TypeError('fetch failed');
      case 'status500':
        return json(500, { error: { code: 'internal', message: 'boom' } });
      case 'malformedJson':
        return new Response('{"lead": "ada-lovelace", "results": {', { status: 200 });
      case 'schemaMismatch':
        return json(200, { lead: 'ada-lovelace', results: { phone: { status: 'revealed' } } });
      case 'hang':
        return new Promise((_resolve, reject) => {
          signal?.addEventListener('abort', () => reject(signal.reason as Error));
        });
      default:
        break;
    }
    const scripted = this.scripted.shift();
    if (scripted) return json(scripted.status, scripted.body);

    const apiKey = (headers.get('Authorization') ?? '').replace(/^Bearer /, '');
    const caller = this.keys.get(apiKey);
    if (!caller) return error(401, 'unauthorized', 'Unknown API key.');
    const pool = this.pools.get(caller.pool);
    if (!pool) throw new Error('test setup: no pool');

    if (url.pathname === '/v1/account' && init.method === 'GET') {
      return json(200, { ...caller.account, balances: structuredClone(pool.balances), limits: this.limitsOf(apiKey) });
    }
    const availability = /^\/v1\/leads\/([^/]+)\/availability$/.exec(url.pathname);
    if (availability && init.method === 'GET') {
      const lead = decodeURIComponent(availability[1] ?? '');
      const person = this.people.get(lead);
      const has = (type: RevealType) => (person?.[type]?.length ?? 0) > 0;
      const paid = (type: RevealType) => pool.paid.has(`${lead}|${type}`);
      return json(200, {
        lead,
        available: { b2bEmail: has('b2bEmail'), phone: has('phone'), directEmail: has('directEmail') },
        paid: { b2bEmail: paid('b2bEmail'), phone: paid('phone'), directEmail: paid('directEmail') },
      });
    }
    if (url.pathname === '/v1/reveals' && init.method === 'POST') {
      const key = headers.get(IDEMPOTENCY_HEADER);
      if (!key) return error(400, 'idempotency_key_missing', 'Idempotency-Key is required.');
      const stored = this.idempotency.get(`${caller.pool}|${key}`);
      const rawBody = JSON.stringify(body);
      if (stored) {
        if (stored.body !== rawBody) return error(422, 'idempotency_key_reused', 'Key used with another body.');
        if (stored.response === 'inFlight') return error(409, 'idempotency_in_flight', 'Still running.');
        return this.answer(stored.response);
      }
      const parsed = RevealRequestSchema.safeParse(body);
      if (!parsed.success) return error(400, 'bad_request', 'Bad reveal request.');
      this.idempotency.set(`${caller.pool}|${key}`, { body: rawBody, response: 'inFlight' });
      if (this.gate) await this.gate;
      const response = this.reveal(apiKey, caller.pool, pool, parsed.data.lead, parsed.data.types);
      this.idempotency.set(`${caller.pool}|${key}`, { body: rawBody, response });
      return this.answer(response);
    }
    if (url.pathname === '/v1/ledger' && init.method === 'GET') return json(200, { entries: [], nextCursor: null });
    if (url.pathname.startsWith('/v1/workspace/'))
      return this.workspace(caller.account, pool, url.pathname, init, body);
    return error(404, 'not_found', 'No such route.');
  };

  /** Just enough of the admin endpoints for the background's own part: roles and add-ons. */
  private workspace(account: Account, pool: PoolState, path: string, init: RequestInit, body: unknown): Response {
    if (account.user.role !== 'admin') return error(403, 'forbidden', 'Only a workspace admin can do this.');
    if (path === '/v1/workspace/add-ons' && init.method === 'POST') {
      const credits = (body as { credits: Partial<Record<'phone' | 'directEmail' | 'export', number>> }).credits;
      for (const type of ['phone', 'directEmail', 'export'] as const) {
        const bought = credits[type] ?? 0;
        const now = pool.balances[type];
        pool.balances[type] = { ...now, remaining: now.remaining + bought, addOn: now.addOn + bought };
      }
      return json(200, {
        purchase: {
          at: '2026-11-27T10:00:00.000Z',
          by: { id: account.user.id, email: account.user.email },
          credits: { phone: credits.phone ?? 0, directEmail: credits.directEmail ?? 0, export: credits.export ?? 0 },
        },
        balances: structuredClone(pool.balances),
      });
    }
    if (path === '/v1/workspace/members' && init.method === 'POST') {
      return error(409, 'seats_full', 'All 3 seats are taken.');
    }
    return error(404, 'not_found', 'No such route.');
  }

  private answer(response: RevealResponse): Response {
    if (this.fault === 'lostAfterCommit') throw new TypeError('network connection was lost');
    return json(200, response);
  }

  private reveal(apiKey: string, poolId: string, pool: PoolState, lead: string, types: RevealType[]): RevealResponse {
    const person = this.people.get(lead);
    const own = this.memberLimits.get(apiKey) ?? {};
    const results: RevealResponse['results'] = {};
    for (const type of types) {
      const values = person?.[type];
      let result: RevealResult;
      if (!values || values.length === 0) result = { status: 'notFound' };
      else if (pool.paid.has(`${lead}|${type}`)) result = { status: 'revealed', charged: false, values };
      else if (own[type] && own[type].used >= own[type].limit) {
        const { limit, used } = own[type];
        result = { status: 'insufficientCredits', remaining: 0, reason: 'memberLimit', limit, used };
      } else if (pool.balances[type].remaining < 1) {
        result = { status: 'insufficientCredits', remaining: pool.balances[type].remaining };
      } else {
        if (own[type]) own[type].used += 1;
        pool.paid.add(`${lead}|${type}`);
        pool.balances[type] = { ...pool.balances[type], remaining: pool.balances[type].remaining - 1 };
        this.charges.push({ pool: poolId, lead, type });
        result = { status: 'revealed', charged: true, values };
      }
      results[type] = result;
    }
    return {
      lead,
      pool: poolId,
      results,
      balances: structuredClone(pool.balances),
      limits: this.limitsOf(apiKey),
    };
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function error(status: number, code: ErrorCode, message: string): Response {
  return json(status, ErrorBodySchema.parse({ error: { code, message } }));
}

export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

// ---------------------------------------------------------------- the background

export interface Harness {
  ctx: BackgroundContext;
  /** Every badge the background showed, in order. */
  badges: Badge[];
  /** Waits until the work started by messages (automatic discovery) has finished. */
  idle(): Promise<void>;
  /** Sends a message the way the browser delivers it: through the router. */
  send<K extends MessageName>(name: K, payload: RequestOf<K>, sender: MessageSender): Promise<Reply<ResponseOf<K>>>;
  /** Sends anything at all, to test what the router refuses. */
  sendRaw(message: unknown, sender: MessageSender): Promise<Reply<unknown>>;
}

/**
 * A background as the worker starts it: new module state (context, in-flight map, database
 * connection) on whatever IndexedDB and storage already hold. Calling it again simulates
 * the worker being stopped and started.
 */
export function startBackground(server: FakeServer, overrides: Partial<BackgroundContext> = {}): Harness {
  let keyCounter = 0;
  const badges: Badge[] = [];
  const tasks: Array<Promise<void>> = [];
  const ctx: BackgroundContext = {
    db: createDatabase(),
    fetch: server.fetch,
    now: () => Date.now(),
    newIdempotencyKey: () => `key-${Math.random().toString(36).slice(2)}-${++keyCounter}`,
    sleep: () => Promise.resolve(),
    timeoutMs: 1_000,
    hasHostPermission: () => Promise.resolve(false),
    balancesMaxAgeMs: 60_000,
    setBadge: (badge) => {
      badges.push(badge);
      return Promise.resolve();
    },
    ...overrides,
  };
  const handlers = createHandlers(ctx, createInFlight(), (task) => tasks.push(task));
  return {
    ctx,
    badges,
    async idle() {
      // A task may start others (none today); wait until no new one appeared.
      for (let seen = -1; seen !== tasks.length;) {
        seen = tasks.length;
        await Promise.all(tasks);
      }
    },
    send: (name, payload, sender) =>
      route({ leadlens: 1, name, payload }, sender, handlers) as Promise<Reply<ResponseOf<typeof name>>>,
    sendRaw: (message, sender) => route(message, sender, handlers),
  };
}

/** Collects the pushes the background sends to extension pages. */
export function capturePushes(): Push[] {
  const pushes: Push[] = [];
  fakeBrowser.runtime.onMessage.addListener((message: unknown) => {
    if (typeof message === 'object' && message !== null && 'leadlensPush' in message) pushes.push(message as Push);
    return undefined;
  });
  return pushes;
}

export const ALL_OFF = { b2bEmail: false, phone: false, directEmail: false };

/**
 * Signs in and shows Ada's profile in `tabId`: the usual start of a reveal test. Automatic
 * discovery is off unless `autoReveal` says otherwise, so a test of clicks sees only clicks.
 */
export async function signedInOnProfile(
  harness: Harness,
  {
    apiKey = 'key-a',
    tabIds = [1],
    autoReveal = ALL_OFF,
  }: { apiKey?: string; tabIds?: number[]; autoReveal?: Partial<Record<RevealType, boolean>> } = {},
): Promise<void> {
  expectOk(await harness.send('settingsChange', { patch: { autoReveal } }, optionsSender()));
  const signIn = await harness.send('signIn', { serverUrl: SERVER, apiKey }, optionsSender());
  if (!signIn.ok) throw new Error(`sign-in failed: ${signIn.error.message}`);
  for (const tabId of tabIds) {
    const seen = await harness.send('profileSeen', { profile: profile() }, contentSender(tabId));
    if (!seen.ok) throw new Error(`profileSeen failed: ${seen.error.message}`);
  }
  await harness.idle();
}

export function expectOk<T>(reply: Reply<T>): T {
  if (!reply.ok) throw new Error(`expected ok, got ${reply.error.code}: ${reply.error.message}`);
  return reply.data;
}
