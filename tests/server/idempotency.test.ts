/** Idempotency-Key on POST /v1/reveals: replay, 422 on another body, 409 while in flight. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_HEADER } from '../../shared/api.ts';
import { createWorkspace } from '../../server/accounts.ts';
import type { Database } from '../../server/db/database.ts';
import { hashRequest, retryDelayMs } from '../../server/idempotency.ts';
import { revealRequest } from '../../server/reveal-request.ts';
import { startServer, type RunningServer } from '../../server/serve.ts';
import {
  BACKENDS,
  client,
  expectError,
  httpFetcher,
  newWorkspace,
  testDatabaseOptions,
  useHarness,
} from './harness.ts';

describe.each(BACKENDS)('idempotency on %s', (backend) => {
  const h = useHarness(backend);

  it('a retry with the same key replays the identical answer and charges once', async () => {
    const ws = await newWorkspace(h.db);
    const api = client(h.fetcher, ws.admin.apiKey);
    const key = randomUUID();
    const first = await api.revealRaw({ lead: 'ada-lovelace', types: ['phone', 'b2bEmail'] }, key);
    const firstText = await first.text();
    expect(first.status).toBe(200);
    // The same request, spelled differently (order of types, case of the slug), is the same request.
    const retries = [
      await api.revealRaw({ lead: 'ada-lovelace', types: ['phone', 'b2bEmail'] }, key),
      await api.revealRaw({ types: ['b2bEmail', 'phone'], lead: 'Ada-Lovelace' }, key),
    ];
    for (const retry of retries) {
      expect(retry.status).toBe(200);
      expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
      expect(await retry.text()).toBe(firstText);
    }
    expect(JSON.parse(firstText)).toMatchObject({ results: { phone: { charged: true }, b2bEmail: { charged: true } } });
    const balances = await api.balances();
    expect(balances.phone.remaining).toBe(9);
    expect(balances.b2bEmail.remaining).toBe(9);
    expect((await api.ledger()).entries.filter((e) => e.reason === 'reveal')).toHaveLength(2);
  });

  it('the same key with a different body is a 422, and nothing is charged', async () => {
    const ws = await newWorkspace(h.db);
    const api = client(h.fetcher, ws.admin.apiKey);
    const key = randomUUID();
    await api.reveal('ada-lovelace', ['phone'], key);
    await expectError(
      await api.revealRaw({ lead: 'grace-hopper', types: ['b2bEmail'] }, key),
      422,
      'idempotency_key_reused',
    );
    await expectError(
      await api.revealRaw({ lead: 'ada-lovelace', types: ['b2bEmail'] }, key),
      422,
      'idempotency_key_reused',
    );
    const balances = await api.balances();
    expect(balances.b2bEmail.remaining).toBe(10);
    expect(balances.phone.remaining).toBe(9);
  });

  it('a request whose key is still in flight is a 409; an abandoned one is taken over after a minute', async () => {
    const ws = await newWorkspace(h.db);
    const api = client(h.fetcher, ws.admin.apiKey);
    const { pool } = await api.account();
    const key = randomUUID();
    const now = new Date();
    // Another server process has recorded the key and is still working on it.
    await h.db.query(
      `INSERT INTO idempotency_keys (pool_id, key, request_hash, state, created_at, updated_at)
       VALUES ($1, $2, $3, 'inFlight', $4, $4)`,
      [pool.id, key, hashRequest({ lead: 'ada-lovelace', types: ['phone'] }), now],
    );
    await expectError(
      await api.revealRaw({ lead: 'ada-lovelace', types: ['phone'] }, key),
      409,
      'idempotency_in_flight',
    );
    expect((await api.balances()).phone.remaining).toBe(10);
    // That process died: after the in-flight timeout the retry does the work, once.
    h.clock.now = new Date(now.getTime() + 61_000);
    try {
      const taken = await api.reveal('ada-lovelace', ['phone'], key);
      expect(taken.results.phone).toMatchObject({ status: 'revealed', charged: true });
      const replay = await api.reveal('ada-lovelace', ['phone'], key);
      expect(replay).toEqual(taken);
    } finally {
      h.clock.now = new Date();
    }
    expect((await api.balances()).phone.remaining).toBe(9);
  });

  it('keys are scoped per pool', async () => {
    const a = client(h.fetcher, (await newWorkspace(h.db)).admin.apiKey);
    const b = client(h.fetcher, (await newWorkspace(h.db)).admin.apiKey);
    const key = randomUUID();
    expect((await a.reveal('ada-lovelace', ['phone'], key)).results.phone).toMatchObject({ charged: true });
    expect((await b.reveal('grace-hopper', ['b2bEmail'], key)).results.b2bEmail).toMatchObject({ charged: true });
  });

  /**
   * The database, except that the reveal statement fails as `failures` says: the production
   * path (revealRequest) runs on it, so the failure paths are tested where they run.
   */
  function failingDb(failures: () => Error | null): Database {
    const fail = (text: string) => {
      const error = text.includes('reveal_lead(') ? failures() : null;
      if (error) throw error;
    };
    return {
      kind: h.db.kind,
      query: async (text, params) => {
        fail(text);
        return h.db.query(text, params);
      },
      transaction: (fn) =>
        h.db.transaction((tx) =>
          fn({
            query: async (text, params) => {
              fail(text);
              return tx.query(text, params);
            },
          }),
        ),
      close: () => h.db.close(),
    };
  }

  async function keyRecords(key: string): Promise<number> {
    const { rows } = await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM idempotency_keys WHERE key = $1', [
      key,
    ]);
    return rows[0]?.n ?? -1;
  }

  it('a request that fails with a non-retryable error releases its key, so the retry does the work', async () => {
    const ws = await newWorkspace(h.db);
    const input = {
      apiKey: ws.admin.apiKey,
      idempotencyKey: randomUUID(),
      request: { lead: 'ada-lovelace', types: ['phone' as const] },
      now: new Date(),
    };
    let calls = 0;
    const broken = failingDb(() => {
      calls++;
      return Object.assign(new Error('boom'), { code: '23514' });
    });
    await expect(revealRequest(broken, input)).rejects.toThrow('boom');
    expect(calls).toBe(1); // not retried
    expect(await keyRecords(input.idempotencyKey)).toBe(0);
    const retried = await revealRequest(h.db, input);
    expect(retried).toMatchObject({ status: 200, replayed: false });
    expect(JSON.parse(retried.body)).toMatchObject({ results: { phone: { status: 'revealed', charged: true } } });
    expect((await client(h.fetcher, ws.admin.apiKey).balances()).phone.remaining).toBe(9);
  });

  it('a deadlock is retried in a new transaction, and the answer is stored once', async () => {
    const ws = await newWorkspace(h.db);
    const input = {
      apiKey: ws.admin.apiKey,
      idempotencyKey: randomUUID(),
      request: { lead: 'ada-lovelace', types: ['phone' as const, 'b2bEmail' as const] },
      now: new Date(),
    };
    let calls = 0;
    const deadlockOnce = failingDb(() =>
      ++calls === 1 ? Object.assign(new Error('deadlock detected'), { code: '40P01' }) : null,
    );
    const answer = await revealRequest(deadlockOnce, input);
    expect(calls).toBe(2);
    expect(answer).toMatchObject({ status: 200, replayed: false });
    expect(JSON.parse(answer.body)).toMatchObject({
      results: { phone: { charged: true }, b2bEmail: { charged: true } },
    });
    expect(await revealRequest(h.db, input)).toEqual({ status: 200, body: answer.body, replayed: true });
    const balances = await client(h.fetcher, ws.admin.apiKey).balances();
    expect([balances.phone.remaining, balances.b2bEmail.remaining]).toEqual([9, 9]);
  });

  it('a deadlock on every attempt gives up after three, and releases the key', async () => {
    const ws = await newWorkspace(h.db);
    const input = {
      apiKey: ws.admin.apiKey,
      idempotencyKey: randomUUID(),
      request: { lead: 'ada-lovelace', types: ['phone' as const] },
      now: new Date(),
    };
    let calls = 0;
    const deadlocked = failingDb(() => {
      calls++;
      return Object.assign(new Error('deadlock detected'), { code: '40P01' });
    });
    await expect(revealRequest(deadlocked, input)).rejects.toThrow('deadlock detected');
    expect(calls).toBe(3);
    expect(await keyRecords(input.idempotencyKey)).toBe(0);
    expect((await client(h.fetcher, ws.admin.apiKey).balances()).phone.remaining).toBe(10);
  });
});

describe.each(BACKENDS)('concurrent duplicates over HTTP on %s', (backend) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ ...(await testDatabaseOptions(backend)), port: 0, seedDemo: true });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('20 parallel sends of one request: one charge; the others replay it or are told it is in flight', async () => {
    const ws = await createWorkspace(server.db, { name: 'Dup', plan: 'starter', seats: 2, credits: { phone: 5 } });
    const key = randomUUID();
    const send = () =>
      fetch(`${server.url}/v1/reveals`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${ws.admin.apiKey}`,
          'Content-Type': 'application/json',
          [IDEMPOTENCY_HEADER]: key,
        },
        body: JSON.stringify({ lead: 'alan-turing', types: ['phone'] }),
      });
    const responses = await Promise.all(Array.from({ length: 20 }, send));
    const texts = await Promise.all(responses.map((r) => r.text()));
    const ok = texts.filter((_, i) => responses[i]?.status === 200);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(new Set(ok).size).toBe(1);
    expect(responses.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    const api = client(httpFetcher(server.url), ws.admin.apiKey);
    expect((await api.balances()).phone.remaining).toBe(4);
  });
});

describe('the wait before a transaction is retried', () => {
  it('is random (full jitter) and doubles its range with each retry', () => {
    expect(retryDelayMs(1, () => 0)).toBe(0);
    expect(retryDelayMs(1, () => 0.5)).toBe(10);
    expect(retryDelayMs(2, () => 0.5)).toBe(20);
    const waits = Array.from({ length: 50 }, () => retryDelayMs(1));
    expect(new Set(waits).size).toBeGreaterThan(1);
    expect(waits.every((ms) => ms >= 0 && ms < 20)).toBe(true);
  });
});
