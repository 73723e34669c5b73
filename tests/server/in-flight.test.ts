/**
 * What happens to a request caught in flight by another change, on a real Postgres (PGlite has
 * one connection, so nothing there is ever in flight beside anything else). A second
 * connection plays the other party and holds its locks while the test looks:
 * - a member removed while their reveal is on its way is not charged once the removal
 *   committed, and a removal waits for the reveals already in flight (R8: the key stops
 *   working at once);
 * - a renewal that commits while a reveal waits for the pool's balance counts that reveal in
 *   the new period, for the pool and for the member alike (R10, R11);
 * - a request that looked abandoned and whose key a retry took over rolls its work back: one
 *   charge for the key, answered by the retry;
 * - a reveal that waited while its free workspace moved to a paid plan charges nothing in the
 *   closed personal pool and asks for a retry, which the shared pool answers.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import type { Database, Queryable } from '../../server/db/database.ts';
import { openDatabase } from '../../server/db/open.ts';
import { seedDemo } from '../../server/demo.ts';
import { IN_FLIGHT_TIMEOUT_MS } from '../../server/idempotency.ts';
import { renewIfDue } from '../../server/renewal.ts';
import { upgradeWorkspace } from '../../server/upgrade.ts';
import {
  adminClient,
  client,
  createTestDatabase,
  expectError,
  expectLedgerMatchesBalances,
  expectMemberUsageMatchesBalances,
  newWorkspace,
  type Fetcher,
} from './harness.ts';

/** A demo person with every type of data (server/demo.ts). */
const LEAD = 'ada-lovelace';

describe('requests caught in flight on postgres', () => {
  let db: Database;
  let url: string;
  let fetcher: Fetcher;
  const clock = { now: new Date() };
  const blockers: pg.Client[] = [];

  beforeAll(async () => {
    url = await createTestDatabase();
    db = await openDatabase({ databaseUrl: url });
    await seedDemo(db);
    const app = createApp({ db, now: () => clock.now });
    fetcher = async (path, init) => app.request(path, init);
  });
  afterEach(async () => {
    await Promise.all(blockers.splice(0).map((blocker) => blocker.end()));
    clock.now = new Date();
    await expectLedgerMatchesBalances(db);
    await expectMemberUsageMatchesBalances(db);
  });
  afterAll(async () => {
    await db?.close();
  });

  /** Another connection, inside a transaction: the other party of each test. */
  async function blocker(): Promise<pg.Client> {
    const connection = new pg.Client({ connectionString: url });
    await connection.connect();
    blockers.push(connection);
    await connection.query('BEGIN');
    return connection;
  }

  /** Resolves once `count` backends of this database wait for a lock someone holds. */
  async function waitersOnLocks(count: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { rows } = await db.query<{ n: string }>(
        "SELECT count(*)::text AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
      );
      if (Number(rows[0]?.n) >= count) return;
      if (Date.now() > deadline) throw new Error(`fewer than ${count} requests ever waited for a lock`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function team() {
    const ws = await newWorkspace(db, { plan: 'business', seats: 5 });
    const admin = adminClient(fetcher, ws.admin.apiKey);
    const added = await admin.addMember({ email: `member-${randomUUID()}@example.com` });
    const { rows } = await db.query<{ pool_id: string }>('SELECT pool_id FROM users WHERE id = $1', [ws.admin.userId]);
    const poolId = rows[0]?.pool_id ?? '';
    return { ws: { ...ws, poolId }, admin, memberId: added.member.id, member: client(fetcher, added.apiKey) };
  }

  it('a member removed while their reveal waited is not charged: the reveal answers 401', async () => {
    const { ws, memberId, member } = await team();
    const before = await client(fetcher, ws.admin.apiKey).balances();
    // The removal is under way (its UPDATE not yet committed) when the reveal arrives: the
    // API key still reads as valid, and the reveal goes as far as the member's row.
    const removal = await blocker();
    await removal.query('UPDATE users SET removed_at = $2 WHERE id = $1', [memberId, new Date()]);
    const reveal = member.revealRaw({ lead: LEAD, types: ['b2bEmail', 'phone'] });
    await waitersOnLocks(1);
    await removal.query('COMMIT');

    await expectError(await reveal, 401, 'unauthorized');
    expect(await client(fetcher, ws.admin.apiKey).balances()).toEqual(before);
    const { rows } = await db.query('SELECT 1 FROM reveals WHERE pool_id = $1', [ws.poolId]);
    expect(rows, 'nothing says the pool paid').toEqual([]);
    await expectError(await member.revealRaw({ lead: LEAD, types: ['b2bEmail'] }), 401, 'unauthorized');
  });

  it('a removal waits for the member’s reveal in flight; after it answers, the key no longer works', async () => {
    const { ws, admin, memberId, member } = await team();
    // Hold the pool's balances: the reveal gets past the member's row and waits here.
    const hold = await blocker();
    await hold.query('SELECT 1 FROM balances WHERE pool_id = $1 FOR UPDATE', [ws.poolId]);
    const reveal = member.reveal(LEAD, ['b2bEmail']);
    await waitersOnLocks(1);
    let removed = false;
    const removal = admin.raw.removeMember(memberId).then((response) => {
      removed = true;
      return response;
    });
    await waitersOnLocks(2);
    expect(removed, 'the removal waits for the reveal in flight').toBe(false);
    await hold.query('COMMIT');

    // The reveal began while the member was a member: it counts, and it committed first.
    expect((await reveal).results.b2bEmail).toMatchObject({ status: 'revealed', charged: true });
    expect((await removal).status).toBe(200);
    await expectError(await member.revealRaw({ lead: LEAD, types: ['phone'] }), 401, 'unauthorized');
    const ledger = await client(fetcher, ws.admin.apiKey).ledger(`?userId=${memberId}`);
    expect(ledger.entries.map((entry) => [entry.reason, entry.type])).toEqual([['reveal', 'b2bEmail']]);
  });

  it('a renewal that commits while a reveal waits counts the reveal in the new period, for the pool and the member', async () => {
    const { ws, admin, memberId, member } = await team();
    await admin.setLimits(memberId, { limits: { phone: 3 } });
    const { rows } = await db.query<{ renews_at: Date }>('SELECT renews_at FROM pools WHERE id = $1', [ws.poolId]);
    const renewsAt = rows[0]?.renews_at ?? new Date(Number.NaN);
    // The reveal's clock is a moment before the renewal date (no renewal due for it).
    clock.now = new Date(renewsAt.getTime() - 1000);
    const renewal = await blocker();
    await renewal.query('SELECT 1 FROM balances WHERE pool_id = $1 ORDER BY type FOR UPDATE', [ws.poolId]);
    const reveal = member.reveal(LEAD, ['phone']);
    await waitersOnLocks(1);
    // Another request, a moment after the renewal date, renews the pool and commits.
    expect(await renewIfDue(renewal as unknown as Queryable, ws.poolId, new Date(renewsAt.getTime() + 1000))).toBe(
      true,
    );
    await renewal.query('COMMIT');

    const answer = await reveal;
    expect(answer.results.phone).toMatchObject({ status: 'revealed', charged: true });
    // The new period's balance paid it, and the member's usage of the new period counts it.
    expect(answer.balances.phone).toMatchObject({ used: 1 });
    expect(answer.limits?.phone).toEqual({ limit: 3, used: 1, remaining: 2 });
    const usage = await db.query<{ period_start: Date; used: number }>(
      'SELECT period_start, used FROM member_usage WHERE user_id = $1 AND type = $2',
      [memberId, 'phone'],
    );
    expect(usage.rows).toEqual([{ period_start: renewsAt, used: 1 }]);
  });

  it('a reveal caught by an upgrade charges nothing and asks for a retry; the retry is the shared pool’s', async () => {
    const ws = await newWorkspace(db, { plan: 'free', seats: 2 });
    const admin = client(fetcher, ws.admin.apiKey);
    const personal = (await admin.account()).pool.id;
    const upgrade = await blocker();
    const result = await upgradeWorkspace(upgrade as unknown as Queryable, {
      workspaceId: ws.workspaceId,
      plan: 'business',
      seats: 2,
      credits: { b2bEmail: 10 },
      byUserId: ws.admin.userId,
      now: new Date(),
    });
    const key = randomUUID();
    const reveal = admin.revealRaw({ lead: LEAD, types: ['b2bEmail'] }, key);
    await waitersOnLocks(1);
    await upgrade.query('COMMIT');

    await expectError(await reveal, 409, 'idempotency_in_flight');
    const charged = await db.query("SELECT count(*)::int AS n FROM ledger WHERE reason = 'reveal' AND pool_id = $1", [
      personal,
    ]);
    expect(charged.rows).toEqual([{ n: 0 }]);
    const retried = await admin.revealRaw({ lead: LEAD, types: ['b2bEmail'] }, key);
    expect(retried.status).toBe(200);
    const body = (await retried.json()) as { pool: string; results: { b2bEmail: unknown } };
    expect(body.pool).toBe(result.poolId);
    expect(body.results.b2bEmail).toMatchObject({ status: 'revealed', charged: true });
  });

  it('a slow request whose key a retry took over rolls back: one charge, answered by the retry', async () => {
    const { ws, member } = await team();
    const key = randomUUID();
    const hold = await blocker();
    await hold.query('SELECT 1 FROM balances WHERE pool_id = $1 FOR UPDATE', [ws.poolId]);
    const slow = member.revealRaw({ lead: LEAD, types: ['directEmail'] }, key);
    await waitersOnLocks(1);
    // Past the in-flight timeout the key looks abandoned: the client's retry takes it over.
    clock.now = new Date(clock.now.getTime() + IN_FLIGHT_TIMEOUT_MS + 1000);
    const retry = member.revealRaw({ lead: LEAD, types: ['directEmail'] }, key);
    await waitersOnLocks(2);
    await hold.query('COMMIT');

    const [slowAnswer, retryAnswer] = await Promise.all([slow, retry]);
    await expectError(slowAnswer, 409, 'idempotency_in_flight');
    expect(retryAnswer.status).toBe(200);
    const body = (await retryAnswer.json()) as { results: { directEmail: unknown } };
    expect(body.results.directEmail).toMatchObject({ status: 'revealed', charged: true });
    const spent = await db.query("SELECT count(*)::int AS n FROM ledger WHERE pool_id = $1 AND reason = 'reveal'", [
      ws.poolId,
    ]);
    expect(spent.rows).toEqual([{ n: 1 }]);
    // The key now replays the retry's answer.
    const replay = await member.revealRaw({ lead: LEAD, types: ['directEmail'] }, key);
    expect(replay.status).toBe(200);
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
  });
});
