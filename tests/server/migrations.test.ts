/**
 * 003_teams.sql and the later migrations on a database that already lived under 001 and 002
 * (other engineers' databases exist): they keep its data, backfill this period's member usage
 * from the ledger, free the addresses of removed users, and today's reveal_lead serves the
 * old pools.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { RevealResponseSchema } from '../../shared/api.ts';
import { addMember } from '../../server/accounts.ts';
import type { Database } from '../../server/db/database.ts';
import { migrate, migrationFiles } from '../../server/db/migrate.ts';
import { openDatabase } from '../../server/db/open.ts';
import { revealLead } from '../../server/reveals.ts';
import {
  BACKENDS,
  createTestDatabase,
  expectLedgerMatchesBalances,
  expectMemberUsageMatchesBalances,
} from './harness.ts';

const opened: Database[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
});

const sqlOf = (name: string) => readFileSync(new URL(`../../server/db/migrations/${name}`, import.meta.url), 'utf8');

describe.each(BACKENDS)('migration 003 on %s', (backend) => {
  it('upgrades a database written under 002 without losing or misreading anything', async () => {
    const db = await openDatabase(
      backend === 'pglite'
        ? { dataDir: 'memory://', migrate: false }
        : { databaseUrl: await createTestDatabase(), migrate: false },
    );
    opened.push(db);
    const [first, second] = migrationFiles();
    expect([first, second]).toEqual(['001_init.sql', '002_reveal_function.sql']);
    await db.query(
      'CREATE TABLE schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    for (const name of [first ?? '', second ?? '']) {
      await db.query(sqlOf(name));
      await db.query('INSERT INTO schema_migrations (name) VALUES ($1)', [name]);
    }
    // A workspace as 002 left it: a pool in its period, two users (one removed), reveals.
    const at = new Date('2026-03-05T10:00:00Z');
    await db.query(
      `INSERT INTO workspaces VALUES ('ws_old', 'Old', 'starter', 3, $1);
       INSERT INTO workspace_allotments VALUES ('ws_old', 'b2bEmail', 5), ('ws_old', 'phone', 2),
         ('ws_old', 'directEmail', 0), ('ws_old', 'export', 0);
       INSERT INTO pools VALUES ('pool_old', 'ws_old', 'shared', $1, $1, '2026-04-05T10:00:00Z');
       INSERT INTO balances (pool_id, type, remaining, monthly_allotment) VALUES ('pool_old', 'b2bEmail', 5, 5),
         ('pool_old', 'phone', 2, 2), ('pool_old', 'directEmail', 0, 0), ('pool_old', 'export', 0, 0);
       INSERT INTO ledger (pool_id, type, delta, reason, at) VALUES ('pool_old', 'b2bEmail', 5, 'allotment', $1),
         ('pool_old', 'phone', 2, 'allotment', $1);
       INSERT INTO users VALUES ('usr_a', 'ws_old', 'pool_old', 'a@old.example', 'admin', 'hash_a', $1, NULL),
         ('usr_b', 'ws_old', 'pool_old', 'b@old.example', 'member', 'hash_b', $1, NULL);
       INSERT INTO people VALUES ('old-lead', 'Old Lead', NULL, NULL, NULL, $1), ('new-lead', 'New Lead', NULL, NULL, NULL, $1);
       INSERT INTO contacts VALUES ('old-lead', 'b2bEmail', 0, 'old@lead.example', NULL, NULL),
         ('new-lead', 'b2bEmail', 0, 'new@lead.example', NULL, NULL);`.replaceAll('$1', `'${at.toISOString()}'`),
    );
    // 002's reveal_lead, with its own six arguments.
    for (const user of ['usr_a', 'usr_b']) {
      await db.query("SELECT reveal_lead('pool_old', 'old-lead', $1, $2, ARRAY['b2bEmail'], NULL)", [user, at]);
    }
    await db.query("UPDATE users SET removed_at = $1 WHERE id = 'usr_b'", [at]);

    expect(await migrate(db)).toEqual(migrationFiles().slice(2));

    // This period's spending was counted from the ledger: usr_a paid, usr_b's reveal was free.
    const usage = await db.query('SELECT user_id, type, used FROM member_usage ORDER BY user_id');
    expect(usage.rows).toEqual([{ user_id: 'usr_a', type: 'b2bEmail', used: 1 }]);
    await expectLedgerMatchesBalances(db);
    await expectMemberUsageMatchesBalances(db);
    // The removed user's address can be used again.
    const back = await addMember(db, { workspaceId: 'ws_old', email: 'b@old.example', now: at });
    expect(back.userId).not.toBe('usr_b');
    // The new reveal_lead serves the old pool: a paid lead stays free, a new one is counted.
    const free = RevealResponseSchema.parse(
      JSON.parse(
        await revealLead(
          db,
          { poolId: 'pool_old', userId: back.userId },
          { lead: 'old-lead', types: ['b2bEmail'] },
          at,
        ),
      ),
    );
    expect(free.results.b2bEmail).toMatchObject({ status: 'revealed', charged: false });
    const paid = RevealResponseSchema.parse(
      JSON.parse(
        await revealLead(
          db,
          { poolId: 'pool_old', userId: back.userId },
          { lead: 'new-lead', types: ['b2bEmail'] },
          at,
        ),
      ),
    );
    expect(paid.results.b2bEmail).toMatchObject({ status: 'revealed', charged: true });
    expect(paid.balances.b2bEmail).toEqual({ remaining: 3, monthlyAllotment: 5, addOn: 0, used: 2 });
    expect(paid.limits).toEqual({});
    await expectMemberUsageMatchesBalances(db);
  });
});
