/**
 * Teams under concurrency, through a real listening server (parallel HTTP connections, and on
 * Postgres parallel database connections): member limits and the pool hold together (R7,
 * R11), members revealing one lead at once pay once (R2), seats and add-on purchases hold.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RevealResponse } from '../../shared/api.ts';
import type { RevealType } from '../../shared/credits.ts';
import { createWorkspace } from '../../server/accounts.ts';
import { importPeople } from '../../server/people.ts';
import { startServer, type RunningServer } from '../../server/serve.ts';
import {
  adminClient,
  BACKENDS,
  client,
  expectLedgerMatchesBalances,
  expectMemberUsageMatchesBalances,
  httpFetcher,
  testDatabaseOptions,
} from './harness.ts';

const LEADS = 120;
const lead = (i: number) => `crowd-lead-${i}`;

describe.each(BACKENDS)('concurrent team reveals on %s', (backend) => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer({ ...(await testDatabaseOptions(backend)), port: 0, seedDemo: false });
    await importPeople(
      server.db,
      Array.from({ length: LEADS }, (_, i) => ({
        slug: lead(i),
        fullName: `Crowd Lead ${i}`,
        b2bEmail: [{ value: `crowd${i}@work.example` }],
        phone: [{ value: `+1 555 03${String(i).padStart(3, '0')}`, phoneKind: 'mobile' as const }],
      })),
    );
  });
  afterEach(async () => {
    await expectLedgerMatchesBalances(server.db);
    await expectMemberUsageMatchesBalances(server.db);
  });
  afterAll(async () => {
    await server?.close();
  });

  /** A business workspace with `size` members added through the API, each with `limit` phone credits a month. */
  async function crowd(size: number, credits: { phone: number; b2bEmail: number }, limit: number | null) {
    const ws = await createWorkspace(server.db, { name: 'Crowd', plan: 'business', seats: size + 1, credits });
    const fetcher = httpFetcher(server.url);
    const admin = adminClient(fetcher, ws.admin.apiKey);
    const members = [];
    for (let i = 0; i < size; i++) {
      const added = await admin.addMember({ email: `crowd${i}-${ws.workspaceId}@example.com` });
      if (limit !== null) await admin.setLimits(added.member.id, { limits: { phone: limit } });
      members.push({ id: added.member.id, api: client(fetcher, added.apiKey) });
    }
    return { admin, adminApi: client(fetcher, ws.admin.apiKey), members };
  }

  const charged = (answer: RevealResponse, type: RevealType) => {
    const result = answer.results[type];
    return result?.status === 'revealed' && result.charged;
  };

  it('50 concurrent reveals by members near their limits never exceed a limit; the limits bind', async () => {
    // 5 members, phone limit 5, each already spent 2: 3 left each, 15 in all; the pool has 40 left.
    const { admin, members } = await crowd(5, { phone: 50, b2bEmail: 100 }, 5);
    let next = 0;
    for (const member of members) {
      for (let k = 0; k < 2; k++) await member.api.reveal(lead(next++), ['phone']);
    }
    // Then 10 reveals each, all at once, of leads nobody paid; half also ask for a B2B email
    // (unlimited), in either order, so several rows are locked per reveal.
    const requests = members.flatMap((member, m) =>
      Array.from({ length: 10 }, (_, k) => {
        const i = 10 + m * 10 + k;
        const types: RevealType[] =
          k % 2 === 0 ? ['phone'] : k % 4 === 1 ? ['phone', 'b2bEmail'] : ['b2bEmail', 'phone'];
        return { member, lead: lead(i), types };
      }),
    );
    expect(requests).toHaveLength(50);
    const answers = await Promise.all(requests.map((r) => r.member.api.reveal(r.lead, r.types)));
    for (const member of members) {
      const mine = answers.filter((_, i) => requests[i]?.member === member);
      expect(mine.filter((a) => charged(a, 'phone'))).toHaveLength(3);
      for (const answer of mine) {
        const phone = answer.results.phone;
        if (phone?.status === 'insufficientCredits') {
          expect(phone).toMatchObject({ remaining: 0, reason: 'memberLimit', limit: 5 });
          expect(phone.used).toBeLessThanOrEqual(5);
        }
        // Never a limit figure past the limit, in any answer.
        expect(answer.limits?.phone?.used).toBeLessThanOrEqual(5);
      }
      // B2B email is not limited: every one of them was charged.
      expect(mine.filter((a) => charged(a, 'b2bEmail'))).toHaveLength(5);
    }
    const list = await admin.members();
    for (const member of members) {
      expect(list.members.find((m) => m.id === member.id)?.limits.phone).toEqual({ limit: 5, used: 5, remaining: 0 });
    }
    const balances = await members[0]?.api.balances();
    expect(balances?.phone).toMatchObject({ remaining: 25, used: 25 });
    expect(balances?.b2bEmail).toMatchObject({ remaining: 75, used: 25 });
  });

  it('50 concurrent reveals by members near their limits never exceed the pool; the pool binds', async () => {
    // 5 members with 3 phone credits left each under their limit (15), but the pool has 12 left.
    const { members } = await crowd(5, { phone: 22, b2bEmail: 0 }, 5);
    let next = 0;
    for (const member of members) {
      for (let k = 0; k < 2; k++) await member.api.reveal(lead(next++), ['phone']);
    }
    const requests = members.flatMap((member, m) =>
      Array.from({ length: 10 }, (_, k) => ({ member, lead: lead(10 + m * 10 + k) })),
    );
    const answers = await Promise.all(requests.map((r) => r.member.api.reveal(r.lead, ['phone'])));
    expect(answers.filter((a) => charged(a, 'phone'))).toHaveLength(12);
    for (const member of members) {
      const mine = answers.filter((_, i) => requests[i]?.member === member);
      expect(mine.filter((a) => charged(a, 'phone')).length).toBeLessThanOrEqual(3);
    }
    for (const answer of answers) {
      const phone = answer.results.phone;
      if (phone?.status === 'insufficientCredits') expect(phone.remaining).toBe(0);
      expect(answer.balances.phone.remaining).toBeGreaterThanOrEqual(0);
    }
    expect((await members[0]?.api.balances())?.phone).toMatchObject({ remaining: 0, used: 22 });
    // A refused reveal left no claim behind: exactly the 22 charged leads are paid.
    const paid = await Promise.all(requests.map((r) => r.member.api.availability(r.lead)));
    expect(paid.filter((p) => p.paid.phone)).toHaveLength(12);
  });

  it('members revealing the same lead at the same moment spend one credit', async () => {
    const { members } = await crowd(10, { phone: 10, b2bEmail: 10 }, 3);
    const answers = await Promise.all(
      members.flatMap((member) =>
        Array.from({ length: 5 }, (_, k) =>
          member.api.reveal(lead(100), k % 2 === 0 ? ['phone', 'b2bEmail'] : ['b2bEmail', 'phone']),
        ),
      ),
    );
    expect(answers.filter((a) => charged(a, 'phone'))).toHaveLength(1);
    expect(answers.filter((a) => charged(a, 'b2bEmail'))).toHaveLength(1);
    expect(answers.every((a) => a.results.phone?.status === 'revealed')).toBe(true);
    const balances = await members[0]?.api.balances();
    expect(balances?.phone).toMatchObject({ remaining: 9, used: 1 });
    expect(balances?.b2bEmail).toMatchObject({ remaining: 9, used: 1 });
  });

  it('an upgrade racing reveals in the personal pools loses no paid lead and charges nothing twice', async () => {
    const ws = await createWorkspace(server.db, {
      name: 'Racing upgrade',
      plan: 'free',
      seats: 4,
      credits: { phone: 6, b2bEmail: 6 },
    });
    const fetcher = httpFetcher(server.url);
    const admin = adminClient(fetcher, ws.admin.apiKey);
    const apis = [client(fetcher, ws.admin.apiKey)];
    for (let i = 0; i < 3; i++) {
      const added = await admin.addMember({ email: `racer${i}-${ws.workspaceId}@example.com` });
      apis.push(client(fetcher, added.apiKey));
    }
    const personal = await Promise.all(apis.map(async (api) => (await api.account()).pool.id));
    // 40 reveals in flight (members reveal some leads in common), and the upgrade among them.
    const reveals = Array.from({ length: 40 }, (_, i) =>
      (apis[i % apis.length] ?? apis[0])?.revealRaw({
        lead: lead(60 + (i % 12)),
        types: i % 2 ? ['phone', 'b2bEmail'] : ['b2bEmail'],
      }),
    );
    const upgraded = admin.upgrade({ plan: 'starter', seats: 4, credits: { phone: 50, b2bEmail: 50 } });
    const responses = await Promise.all(reveals);
    const { upgrade } = await upgraded;
    // Every reveal was answered: revealed, or refused with nothing charged (its pool ended).
    expect(responses.map((r) => r?.status).filter((status) => status !== 200)).toEqual([]);
    await Promise.all(responses.map((r) => r?.arrayBuffer()));
    // Whatever a personal pool paid, the shared pool holds as paid.
    const lost = await server.db.query(
      `SELECT lead, type FROM reveals WHERE pool_id = ANY ($1::text[])
       EXCEPT SELECT lead, type FROM reveals WHERE pool_id = $2`,
      [personal, upgrade.poolId],
    );
    expect(lost.rows).toEqual([]);
    const personalLeft = await server.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM balances WHERE pool_id = ANY ($1::text[]) AND remaining <> 0',
      [personal],
    );
    expect(personalLeft.rows[0]?.n).toBe(0);
    // The members are on the shared pool (a reveal that started after the upgrade spent from it).
    for (const api of apis) expect((await api.account()).pool.id).toBe(upgrade.poolId);
    expect((await admin.members()).workspace.plan).toBe('starter');
  });

  it('members added at once never pass the seats; one purchase retried at once buys once', async () => {
    const ws = await createWorkspace(server.db, {
      name: 'Seats',
      plan: 'starter',
      seats: 3,
      credits: { phone: 1 },
    });
    const admin = adminClient(httpFetcher(server.url), ws.admin.apiKey);
    const adds = await Promise.all(
      Array.from({ length: 10 }, (_, i) => admin.raw.addMember({ email: `seat${i}-${ws.workspaceId}@example.com` })),
    );
    const statuses = await Promise.all(
      adds.map(async (r) => `${r.status}:${((await r.json()) as { error?: { code: string } }).error?.code ?? ''}`),
    );
    expect(statuses.filter((s) => s === '201:')).toHaveLength(2);
    expect(statuses.filter((s) => s === '409:seats_full')).toHaveLength(8);
    expect((await admin.members()).workspace.members).toBe(3);

    const key = 'one-purchase';
    const buys = await Promise.all(
      Array.from({ length: 8 }, () => admin.raw.buyAddOns({ credits: { phone: 10 } }, key)),
    );
    const codes = await Promise.all(buys.map(async (r) => (await r.text(), r.status)));
    // Each answer is the purchase (first or replayed) or "still in flight"; never a second purchase.
    expect(codes.every((c) => c === 200 || c === 409)).toBe(true);
    expect(codes).toContain(200);
    const bought = await server.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ledger l JOIN users u ON u.pool_id = l.pool_id
        WHERE u.id = $1 AND l.reason = 'addOn'`,
      [ws.admin.userId],
    );
    expect(bought.rows[0]?.n).toBe(1);
    expect((await client(httpFetcher(server.url), ws.admin.apiKey).balances()).phone).toMatchObject({
      remaining: 11,
      addOn: 10,
    });
  });
});
