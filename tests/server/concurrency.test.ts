/**
 * Concurrency through a real listening server (parallel HTTP connections, and on Postgres
 * parallel database connections): one debit per (pool, lead, type), balances never negative.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../server/accounts.ts';
import { importPeople } from '../../server/people.ts';
import { startServer, type RunningServer } from '../../server/serve.ts';
import { BACKENDS, client, httpFetcher, testDatabaseOptions } from './harness.ts';

const BULK = 1000;

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
});
