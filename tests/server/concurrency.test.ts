/**
 * Concurrency through a real listening server (parallel HTTP connections, and on Postgres
 * parallel database connections): one debit per (pool, lead, type), balances never negative.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createWorkspace } from '../../server/accounts.ts';
import type { RevealType } from '../../shared/credits.ts';
import { importPeople } from '../../server/people.ts';
import { startServer, type RunningServer } from '../../server/serve.ts';
import { BACKENDS, client, expectLedgerMatchesBalances, httpFetcher, testDatabaseOptions } from './harness.ts';

const BULK = 1000;
const MULTI_LEADS = 150;
const MULTI_TYPES: RevealType[] = ['b2bEmail', 'phone', 'directEmail'];

/** A deterministic shuffle (a small LCG), so a failure can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe.each(BACKENDS)('concurrent reveals on %s', (backend) => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer({ ...(await testDatabaseOptions(backend)), port: 0, seedDemo: true });
    await importPeople(
      server.db,
      Array.from({ length: BULK }, (_, i) => ({
        slug: `bulk-lead-${i}`,
        fullName: `Bulk Lead ${i}`,
        b2bEmail: [{ value: `lead${i}@bulk.example` }],
      })),
    );
  });
  afterAll(async () => {
    await server?.close();
  });

  it('200 concurrent reveals of one (pool, lead, type) debit exactly once', async () => {
    const ws = await createWorkspace(server.db, { name: 'Race', plan: 'starter', seats: 5, credits: { phone: 10 } });
    const api = client(httpFetcher(server.url), ws.admin.apiKey);
    const answers = await Promise.all(Array.from({ length: 200 }, () => api.reveal('ada-lovelace', ['phone'])));
    const charged = answers.filter((a) => a.results.phone?.status === 'revealed' && a.results.phone.charged);
    expect(charged).toHaveLength(1);
    expect(answers.every((a) => a.results.phone?.status === 'revealed')).toBe(true);
    expect((await api.balances()).phone).toMatchObject({ remaining: 9, used: 1 });
    const ledger = await api.ledger('?limit=500');
    expect(ledger.entries.filter((e) => e.reason === 'reveal')).toHaveLength(1);
  });

  it('1,000 concurrent reveals of distinct leads on 500 credits make exactly 500 debits', async () => {
    const ws = await createWorkspace(server.db, {
      name: 'Rush',
      plan: 'starter',
      seats: 5,
      credits: { b2bEmail: 500 },
    });
    const api = client(httpFetcher(server.url), ws.admin.apiKey);
    const answers = await Promise.all(
      Array.from({ length: BULK }, (_, i) => api.reveal(`bulk-lead-${i}`, ['b2bEmail'])),
    );
    const statuses = answers.map((a) => a.results.b2bEmail?.status);
    expect(statuses.filter((s) => s === 'revealed')).toHaveLength(500);
    expect(statuses.filter((s) => s === 'insufficientCredits')).toHaveLength(500);
    // Every answer reported a balance never below zero, and every refusal reported 0 left.
    expect(answers.every((a) => a.balances.b2bEmail.remaining >= 0)).toBe(true);
    for (const answer of answers) {
      if (answer.results.b2bEmail?.status === 'insufficientCredits') {
        expect(answer.results.b2bEmail.remaining).toBe(0);
        expect(answer.balances.b2bEmail.remaining).toBe(0);
      }
    }
    const balances = await api.balances();
    expect(balances.b2bEmail).toMatchObject({ remaining: 0, used: 500 });
    const debits = await server.db.query<{ n: number; sum: number }>(
      `SELECT count(*)::int AS n, coalesce(sum(delta), 0)::int AS sum FROM ledger l
         JOIN users u ON u.pool_id = l.pool_id WHERE u.id = $1 AND l.reason = 'reveal'`,
      [ws.admin.userId],
    );
    expect(debits.rows[0]).toEqual({ n: 500, sum: -500 });
    const claims = await server.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM reveals r JOIN users u ON u.pool_id = r.pool_id WHERE u.id = $1',
      [ws.admin.userId],
    );
    expect(claims.rows[0]?.n).toBe(500);
  });

  it('hundreds of concurrent multi-type reveals on one pool, types in mixed orders: all 200, no deadlock', async () => {
    // A server of its own, so its database connections can be closed and Postgres's deadlock
    // count read afterwards (a backend reports its statistics at the latest when it exits).
    const options = await testDatabaseOptions(backend);
    const own = await startServer({ ...options, port: 0, seedDemo: false });
    let closed = false;
    try {
      await importPeople(
        own.db,
        Array.from({ length: MULTI_LEADS }, (_, i) => ({
          slug: `multi-lead-${i}`,
          fullName: `Multi Lead ${i}`,
          b2bEmail: [{ value: `multi${i}@work.example` }],
          phone: [{ value: `+1 555 01${String(i).padStart(3, '0')}`, phoneKind: 'mobile' as const }],
          directEmail: [{ value: `multi${i}@home.example` }],
        })),
      );
      // Each type has fewer credits than leads, so some reveals are refused too; the debit of
      // a reveal locks several balance rows of one pool (a deadlock if in scan order).
      const credits = { b2bEmail: 120, phone: 100, directEmail: 110 };
      const ws = await createWorkspace(own.db, { name: 'Multi', plan: 'starter', seats: 5, credits });
      const api = client(httpFetcher(own.url), ws.admin.apiKey);
      const requests = Array.from({ length: 400 }, (_, i) => ({
        lead: `multi-lead-${i % MULTI_LEADS}`,
        types: shuffled(MULTI_TYPES, i + 1).slice(0, 2 + (i % 2)),
      }));
      const responses = await Promise.all(requests.map((body) => api.revealRaw(body)));
      const statuses = responses.map((r) => r.status);
      await Promise.all(responses.map((r) => r.arrayBuffer()));
      expect(statuses.filter((s) => s !== 200)).toEqual([]);

      const balances = await api.balances();
      const pool = await own.db.query<{ pool_id: string }>('SELECT pool_id FROM users WHERE id = $1', [
        ws.admin.userId,
      ]);
      const poolId = pool.rows[0]?.pool_id;
      const claims = await own.db.query<{ type: RevealType; n: number }>(
        'SELECT type, count(*)::int AS n FROM reveals WHERE pool_id = $1 GROUP BY type',
        [poolId],
      );
      const ledger = await own.db.query<{ type: RevealType; n: number; sum: number }>(
        `SELECT type, count(*)::int AS n, sum(delta)::int AS sum FROM ledger
          WHERE pool_id = $1 AND reason = 'reveal' GROUP BY type`,
        [poolId],
      );
      for (const type of MULTI_TYPES) {
        const wanted = new Set(requests.filter((r) => r.types.includes(type)).map((r) => r.lead)).size;
        const paid = Math.min(wanted, credits[type as keyof typeof credits]);
        expect(balances[type]).toMatchObject({ remaining: credits[type as keyof typeof credits] - paid, used: paid });
        expect(claims.rows.find((row) => row.type === type)?.n).toBe(paid);
        expect(ledger.rows.find((row) => row.type === type)).toEqual({ type, n: paid, sum: -paid });
      }
      await expectLedgerMatchesBalances(own.db);
      await own.close();
      closed = true;
      // A deadlock retried in time still answers 200, so count them: there must be none.
      if (options.databaseUrl) expect(await deadlocksOf(options.databaseUrl)).toBe(0);
    } finally {
      if (!closed) await own.close();
    }
  });
});

/** Postgres's deadlock count for the database at `url`, once none of its backends is left. */
async function deadlocksOf(url: string): Promise<number> {
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: inject('postgresUrl') });
  await admin.connect();
  try {
    for (let waited = 0; ; waited += 50) {
      const { rows } = await admin.query<{ numbackends: number; deadlocks: string }>(
        'SELECT numbackends, deadlocks FROM pg_stat_database WHERE datname = $1',
        [name],
      );
      const row = rows[0];
      if (row && (row.numbackends === 0 || waited >= 10_000)) return Number(row.deadlocks);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await admin.end();
  }
}
