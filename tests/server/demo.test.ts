/**
 * Demo seeding (server/demo.ts) and startup on an empty database: the demo appears only on a
 * fresh database, is never re-imported, never un-removes its admin, and processes starting
 * together on one Postgres (migrations, then seeding) all succeed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkspace, removeMember } from '../../server/accounts.ts';
import { generateApiKey, hashApiKey } from '../../server/auth.ts';
import type { Database } from '../../server/db/database.ts';
import { openDatabase } from '../../server/db/open.ts';
import { DEMO_ADMIN_EMAIL, seedDemo } from '../../server/demo.ts';
import { BACKENDS, createTestDatabase, openTestDatabase } from './harness.ts';

const opened: Database[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
});

async function fresh(backend: (typeof BACKENDS)[number]): Promise<Database> {
  const db = await openTestDatabase(backend);
  opened.push(db);
  return db;
}

async function count(db: Database, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${sql}) t`, params);
  return rows[0]?.n ?? -1;
}

describe.each(BACKENDS)('demo seeding on %s', (backend) => {
  it('seeds a fresh database once; later starts do not re-import the demo people', async () => {
    const db = await fresh(backend);
    const first = await seedDemo(db);
    expect(first).toMatchObject({ created: true, apiKey: expect.any(String) });
    await db.query("UPDATE people SET full_name = 'Ada King' WHERE slug = 'ada-lovelace'");
    const again = await seedDemo(db);
    expect(again).toEqual({ workspaceId: first?.workspaceId, apiKey: null, created: false });
    const { rows } = await db.query<{ full_name: string }>("SELECT full_name FROM people WHERE slug = 'ada-lovelace'");
    expect(rows[0]?.full_name).toBe('Ada King');
  });

  it('adds no demo workspace or people to a database that already has workspaces', async () => {
    const db = await fresh(backend);
    await createWorkspace(db, { name: 'Production customer', plan: 'starter', seats: 3, credits: { b2bEmail: 5 } });
    expect(await seedDemo(db, { apiKey: generateApiKey() })).toBeNull();
    expect(await count(db, 'SELECT 1 FROM users WHERE email = $1', [DEMO_ADMIN_EMAIL])).toBe(0);
    expect(await count(db, 'SELECT 1 FROM people')).toBe(0);
    expect(await count(db, 'SELECT 1 FROM workspaces')).toBe(1);
  });

  it('gives an existing demo admin the given key, but never brings back a removed one', async () => {
    const db = await fresh(backend);
    const seeded = await seedDemo(db);
    const key = generateApiKey();
    expect(await seedDemo(db, { apiKey: key })).toEqual({
      workspaceId: seeded?.workspaceId,
      apiKey: key,
      created: false,
    });
    expect(await count(db, 'SELECT 1 FROM users WHERE api_key_hash = $1', [hashApiKey(key)])).toBe(1);

    const admin = await db.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [DEMO_ADMIN_EMAIL]);
    await removeMember(db, { userId: admin.rows[0]?.id ?? '' });
    const other = generateApiKey();
    expect(await seedDemo(db, { apiKey: other })).toEqual({
      workspaceId: seeded?.workspaceId,
      apiKey: null,
      created: false,
    });
    const after = await db.query<{ removed: boolean; api_key_hash: string }>(
      'SELECT removed_at IS NOT NULL AS removed, api_key_hash FROM users WHERE email = $1',
      [DEMO_ADMIN_EMAIL],
    );
    expect(after.rows[0]).toEqual({ removed: true, api_key_hash: hashApiKey(key) });
  });
});

describe('servers starting together on one empty Postgres', () => {
  it('both migrate and seed without error, and make one demo workspace', async () => {
    const url = await createTestDatabase();
    const dbs = await Promise.all([openDatabase({ databaseUrl: url }), openDatabase({ databaseUrl: url })]);
    opened.push(...dbs);
    const seeded = await Promise.all(dbs.map((db) => seedDemo(db)));
    expect(seeded.filter((s) => s?.created)).toHaveLength(1);
    expect(new Set(seeded.map((s) => s?.workspaceId)).size).toBe(1);
    expect(await count(dbs[0] as Database, 'SELECT 1 FROM workspaces')).toBe(1);
  });

  it('several at once all migrate an empty database', async () => {
    for (let round = 0; round < 3; round++) {
      const url = await createTestDatabase();
      const dbs = await Promise.all(Array.from({ length: 4 }, () => openDatabase({ databaseUrl: url })));
      opened.push(...dbs);
    }
  });
});
