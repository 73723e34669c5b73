/** Idempotency-Key on POST /v1/reveals: replay, 422 on another body, 409 while in flight. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_HEADER } from '../../shared/api.ts';
import { createWorkspace } from '../../server/accounts.ts';
import { hashRequest, runIdempotent } from '../../server/idempotency.ts';
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

  it('a failed request releases its key, so the retry does the work', async () => {
    const ws = await newWorkspace(h.db);
    const { pool } = await client(h.fetcher, ws.admin.apiKey).account();
    const scope = { poolId: pool.id, key: randomUUID(), requestHash: 'h', now: new Date() };
    await expect(
      runIdempotent(h.db, scope, async (tx) => {
        await tx.query('SELECT 1');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const retried = await runIdempotent(h.db, scope, async () => ({ ok: 1 }));
    expect(retried).toEqual({ status: 200, body: '{"ok":1}', replayed: false });
  });

  it('a deadlock is retried in a new transaction, and the answer is stored once', async () => {
    const ws = await newWorkspace(h.db);
    const { pool } = await client(h.fetcher, ws.admin.apiKey).account();
    const scope = { poolId: pool.id, key: randomUUID(), requestHash: 'h', now: new Date() };
    let attempts = 0;
    const answer = await runIdempotent(h.db, scope, async (tx) => {
      attempts++;
      await tx.query('SELECT 1');
      if (attempts === 1) throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
      return { attempts };
    });
    expect(answer).toEqual({ status: 200, body: '{"attempts":2}', replayed: false });
    expect(await runIdempotent(h.db, scope, async () => ({ again: true }))).toEqual({
      status: 200,
      body: '{"attempts":2}',
      replayed: true,
    });
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
