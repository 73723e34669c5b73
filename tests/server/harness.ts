/**
 * What the server tests share: a database per backend (PGlite in memory, or a fresh
 * database on the private Postgres), the app on a movable clock, and a typed HTTP client
 * that checks every answer against the shared API contract.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';
import {
  AccountSchema,
  AddedMemberSchema,
  AddOnPurchaseSchema,
  AvailabilitySchema,
  ErrorBodySchema,
  IDEMPOTENCY_HEADER,
  LedgerPageSchema,
  MemberListSchema,
  MemberSchema,
  RevealResponseSchema,
  UpgradeResponseSchema,
  type AddMemberRequest,
  type AddOnPurchaseRequest,
  type ErrorBody,
  type RevealRequest,
  type SetLimitsRequest,
  type UpgradeRequest,
} from '../../shared/api.ts';
import type { CreditType, Plan } from '../../shared/credits.ts';
import { createWorkspace } from '../../server/accounts.ts';
import { createApp } from '../../server/app.ts';
import type { Database, Queryable } from '../../server/db/database.ts';
import { openDatabase } from '../../server/db/open.ts';
import { seedDemo } from '../../server/demo.ts';
import { createDatabase } from '../support/postgres.ts';

export type Backend = 'pglite' | 'postgres';
export const BACKENDS: Backend[] = ['pglite', 'postgres'];

/** A fresh database on the test Postgres, named with this run's prefix (dropped by the teardown). */
export function createTestDatabase(): Promise<string> {
  return createDatabase(inject('postgresUrl'), inject('postgresDbPrefix'));
}

export async function openTestDatabase(backend: Backend): Promise<Database> {
  if (backend === 'pglite') return openDatabase({ dataDir: 'memory://' });
  return openDatabase({ databaseUrl: await createTestDatabase() });
}

/** A database URL option for startServer and spawned processes. */
export async function testDatabaseOptions(backend: Backend): Promise<{ databaseUrl?: string; dataDir?: string }> {
  return backend === 'pglite' ? { dataDir: 'memory://' } : { databaseUrl: await createTestDatabase() };
}

export type Fetcher = (path: string, init?: RequestInit) => Promise<Response>;

export function httpFetcher(baseUrl: string): Fetcher {
  return (path, init) => fetch(baseUrl + path, init);
}

export interface Harness {
  db: Database;
  fetcher: Fetcher;
  /** The app's clock; tests move it forward to reach renewals. */
  clock: { now: Date };
}

/** One database and app per test file and backend (PGlite takes ~2 s to start), demo people seeded. */
export function useHarness(backend: Backend): Harness {
  const harness = { clock: { now: new Date() } } as Harness;
  beforeAll(async () => {
    harness.db = await openTestDatabase(backend);
    await seedDemo(harness.db);
    const app = createApp({ db: harness.db, now: () => harness.clock.now });
    harness.fetcher = async (path, init) => app.request(path, init);
  });
  afterEach(async () => {
    if (harness.db) {
      await expectLedgerMatchesBalances(harness.db);
      await expectMemberUsageMatchesBalances(harness.db);
    }
  });
  afterAll(async () => {
    await harness.db?.close();
  });
  return harness;
}

/**
 * The ledger invariant: for every (pool, type), the ledger's entries sum to the balance's
 * `remaining`, and no ledger entry has a type the pool has no balance row for.
 */
export async function expectLedgerMatchesBalances(db: Queryable): Promise<void> {
  const { rows } = await db.query<{ pool_id: string; type: string; remaining: number | null; total: number | null }>(
    `SELECT coalesce(b.pool_id, l.pool_id) AS pool_id, coalesce(b.type, l.type) AS type,
            b.remaining, coalesce(l.total, 0)::int AS total
       FROM balances b
       FULL JOIN (SELECT pool_id, type, sum(delta) AS total FROM ledger GROUP BY pool_id, type) l
         ON l.pool_id = b.pool_id AND l.type = b.type
      WHERE b.remaining IS DISTINCT FROM coalesce(l.total, 0)::int`,
  );
  expect(rows, 'ledger sums that differ from the balances').toEqual([]);
}

/**
 * The member invariant (R11): in every open pool, for every type, what its members spent in
 * the current period sums to the balance's `used`, and every balance adds up
 * (`remaining = monthlyAllotment + addOn - used`).
 */
export async function expectMemberUsageMatchesBalances(db: Queryable): Promise<void> {
  const { rows } = await db.query<{ pool_id: string; type: string; used: number; members: number }>(
    `SELECT b.pool_id, b.type, b.used,
            coalesce((SELECT sum(mu.used) FROM member_usage mu
                       WHERE mu.pool_id = b.pool_id AND mu.type = b.type AND mu.period_start = p.period_start), 0)::int
              AS members
       FROM balances b JOIN pools p ON p.id = b.pool_id
      WHERE p.closed_at IS NULL`,
  );
  expect(
    rows.filter((row) => row.used !== row.members),
    'member usage that differs from the pool',
  ).toEqual([]);
  const { rows: off } = await db.query('SELECT * FROM balances WHERE remaining <> monthly_allotment + add_on - used');
  expect(off, 'balances that do not add up').toEqual([]);
}

export async function newWorkspace(
  db: Database,
  opts: { plan?: Plan; seats?: number; credits?: Partial<Record<CreditType, number>>; now?: Date } = {},
) {
  return createWorkspace(db, {
    name: `Test ${randomUUID().slice(0, 8)}`,
    plan: opts.plan ?? 'starter',
    seats: opts.seats ?? 5,
    credits: opts.credits ?? { b2bEmail: 10, phone: 10, directEmail: 10, export: 10 },
    now: opts.now,
  });
}

export async function expectError(response: Response, status: number, code: ErrorBody['error']['code']) {
  expect(response.status).toBe(status);
  const body = ErrorBodySchema.parse(await response.json());
  expect(body.error.code).toBe(code);
  return body.error;
}

/** A typed client for one API key; every success is parsed with the shared schema. */
export function client(fetcher: Fetcher, apiKey: string) {
  const auth = { Authorization: `Bearer ${apiKey}` };
  const getOk = async (path: string) => {
    const response = await fetcher(path, { headers: auth });
    if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as unknown;
  };
  const revealRaw = (body: RevealRequest | unknown, key: string | null = randomUUID()) =>
    fetcher('/v1/reveals', {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json', ...(key === null ? {} : { [IDEMPOTENCY_HEADER]: key }) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return {
    account: async () => AccountSchema.parse(await getOk('/v1/account')),
    balances: async () => AccountSchema.parse(await getOk('/v1/account')).balances,
    revealRaw,
    reveal: async (lead: string, types: RevealRequest['types'], key?: string) => {
      const response = await revealRaw({ lead, types }, key);
      if (response.status !== 200) throw new Error(`POST /v1/reveals: ${response.status} ${await response.text()}`);
      return RevealResponseSchema.parse(await response.json());
    },
    availability: async (lead: string) =>
      AvailabilitySchema.parse(await getOk(`/v1/leads/${encodeURIComponent(lead)}/availability`)),
    ledger: async (query = '') => LedgerPageSchema.parse(await getOk(`/v1/ledger${query}`)),
  };
}

/** A typed client of the admin endpoints (/v1/workspace) for one API key. */
export function adminClient(fetcher: Fetcher, apiKey: string) {
  const auth = { Authorization: `Bearer ${apiKey}` };
  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetcher(path, {
      method,
      headers: { ...auth, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const ok = async (response: Response, status = 200) => {
    if (response.status !== status) throw new Error(`${response.status} ${await response.text()}`);
    return (await response.json()) as unknown;
  };
  const raw = {
    members: () => send('GET', '/v1/workspace/members'),
    addMember: (body: AddMemberRequest) => send('POST', '/v1/workspace/members', body),
    removeMember: (userId: string) => send('DELETE', `/v1/workspace/members/${encodeURIComponent(userId)}`),
    setLimits: (userId: string, body: SetLimitsRequest) =>
      send('PUT', `/v1/workspace/members/${encodeURIComponent(userId)}/limits`, body),
    buyAddOns: (body: AddOnPurchaseRequest | unknown, key: string | null = randomUUID()) =>
      send('POST', '/v1/workspace/add-ons', body, key === null ? {} : { [IDEMPOTENCY_HEADER]: key }),
    upgrade: (body: UpgradeRequest) => send('POST', '/v1/workspace/upgrade', body),
  };
  return {
    raw,
    members: async () => MemberListSchema.parse(await ok(await raw.members())),
    addMember: async (body: AddMemberRequest) => AddedMemberSchema.parse(await ok(await raw.addMember(body), 201)),
    removeMember: async (userId: string) => ok(await raw.removeMember(userId)),
    setLimits: async (userId: string, body: SetLimitsRequest) =>
      MemberSchema.parse(await ok(await raw.setLimits(userId, body))),
    buyAddOns: async (body: AddOnPurchaseRequest, key?: string) =>
      AddOnPurchaseSchema.parse(await ok(await raw.buyAddOns(body, key))),
    upgrade: async (body: UpgradeRequest) => UpgradeResponseSchema.parse(await ok(await raw.upgrade(body))),
  };
}
