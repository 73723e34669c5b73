/** The credit rules R1 to R4, R7, R8 and R10 through HTTP, on PGlite and on Postgres. */
import { describe, expect, it } from 'vitest';
import { CREDIT_TYPES } from '../../shared/credits.ts';
import { addMember, removeMember } from '../../server/accounts.ts';
import { BACKENDS, client, expectError, newWorkspace, useHarness } from './harness.ts';

describe.each(BACKENDS)('credit rules on %s', (backend) => {
  const h = useHarness(backend);

  it('R1: an account has balances for the four credit types', async () => {
    const ws = await newWorkspace(h.db, { credits: { b2bEmail: 15, phone: 5, directEmail: 4, export: 10 } });
    const account = await client(h.fetcher, ws.admin.apiKey).account();
    expect(Object.keys(account.balances).sort()).toEqual([...CREDIT_TYPES].sort());
    expect(account.balances.b2bEmail).toEqual({ remaining: 15, monthlyAllotment: 15, addOn: 0, used: 0 });
    expect(account.balances.phone.remaining).toBe(5);
    expect(account.balances.directEmail.remaining).toBe(4);
    expect(account.balances.export.remaining).toBe(10);
    expect(account.user).toMatchObject({ id: ws.admin.userId, email: ws.admin.email, role: 'admin' });
    expect(account.workspace).toMatchObject({ id: ws.workspaceId, plan: 'starter', seats: 5, members: 1 });
    expect(account.pool).toMatchObject({ kind: 'shared', members: 1 });
  });

  it('the ledger is append-only: no UPDATE, DELETE or TRUNCATE', async () => {
    const ws = await newWorkspace(h.db);
    expect((await client(h.fetcher, ws.admin.apiKey).ledger()).entries.length).toBeGreaterThan(0);
    await expect(h.db.query('UPDATE ledger SET delta = delta + 1')).rejects.toThrow(/append-only/);
    await expect(h.db.query('DELETE FROM ledger')).rejects.toThrow(/append-only/);
    await expect(h.db.query('TRUNCATE ledger')).rejects.toThrow(/append-only/);
    expect((await client(h.fetcher, ws.admin.apiKey).ledger()).entries.length).toBeGreaterThan(0);
  });

  it('R2: a lead with three phone numbers costs one phone credit, and all three are revealed', async () => {
    const ws = await newWorkspace(h.db);
    const api = client(h.fetcher, ws.admin.apiKey);
    const answer = await api.reveal('alan-turing', ['phone']);
    const phone = answer.results.phone;
    expect(phone?.status).toBe('revealed');
    if (phone?.status !== 'revealed') return;
    expect(phone.charged).toBe(true);
    expect(phone.values.map((v) => v.value)).toEqual(['+44 7700 900456', '+44 1908 640404', '+44 7700 900789']);
    expect(phone.values.map((v) => v.phoneKind)).toEqual(['mobile', 'landline', 'mobile']);
    expect(answer.balances.phone).toMatchObject({ remaining: 9, used: 1 });
  });

  it('R2: revealing the same (pool, lead, type) twice debits once', async () => {
    const ws = await newWorkspace(h.db);
    const api = client(h.fetcher, ws.admin.apiKey);
    const first = await api.reveal('ada-lovelace', ['b2bEmail', 'phone']);
    const second = await api.reveal('ada-lovelace', ['phone', 'b2bEmail', 'directEmail']);
    expect(first.results.b2bEmail).toMatchObject({ status: 'revealed', charged: true });
    expect(second.results.b2bEmail).toMatchObject({ status: 'revealed', charged: false });
    expect(second.results.phone).toMatchObject({ status: 'revealed', charged: false });
    expect(second.results.directEmail).toMatchObject({ status: 'revealed', charged: true });
    expect(second.balances.b2bEmail.remaining).toBe(9);
    expect(second.balances.phone.remaining).toBe(9);
    expect(second.balances.directEmail.remaining).toBe(9);
    const ledger = await api.ledger();
    expect(ledger.entries.filter((e) => e.reason === 'reveal')).toHaveLength(3);
  });

  it('R3: data the pool paid for is free for another member, forever (e.g. after a lost cache)', async () => {
    const ws = await newWorkspace(h.db);
    const member = await addMember(h.db, { workspaceId: ws.workspaceId, email: `m-${ws.workspaceId}@example.com` });
    const admin = client(h.fetcher, ws.admin.apiKey);
    const other = client(h.fetcher, member.apiKey);
    const paid = await admin.reveal('ada-lovelace', ['directEmail']);
    expect(paid.results.directEmail).toMatchObject({ status: 'revealed', charged: true });
    // The member's device has no cache: the server serves the same values, free.
    const again = await other.reveal('ada-lovelace', ['directEmail']);
    expect(again.results.directEmail).toEqual({
      status: 'revealed',
      charged: false,
      values: [{ value: 'ada.lovelace@mail.example', verifiedAt: '2026-01-15T09:00:00.000Z' }],
    });
    expect(again.balances.directEmail.remaining).toBe(9);
    // Much later, still free.
    h.clock.now = new Date(h.clock.now.getTime() + 400 * 24 * 3600 * 1000);
    try {
      const later = await admin.reveal('ada-lovelace', ['directEmail']);
      expect(later.results.directEmail).toMatchObject({ status: 'revealed', charged: false });
    } finally {
      h.clock.now = new Date();
    }
  });

  it('R4: a type with no data is not found and charges nothing', async () => {
    const ws = await newWorkspace(h.db);
    const api = client(h.fetcher, ws.admin.apiKey);
    const answer = await api.reveal('grace-hopper', ['b2bEmail', 'phone', 'directEmail']);
    expect(answer.results.b2bEmail).toMatchObject({ status: 'revealed', charged: true });
    expect(answer.results.phone).toEqual({ status: 'notFound' });
    expect(answer.results.directEmail).toEqual({ status: 'notFound' });
    const unknown = await api.reveal('nobody-we-know', ['b2bEmail']);
    expect(unknown.results.b2bEmail).toEqual({ status: 'notFound' });
    const empty = await api.reveal('no-contact-data', ['phone']);
    expect(empty.results.phone).toEqual({ status: 'notFound' });
    expect(empty.balances.phone.remaining).toBe(10);
    expect(empty.balances.b2bEmail.remaining).toBe(9);
    expect((await api.ledger()).entries.filter((e) => e.reason === 'reveal')).toHaveLength(1);
  });

  it('R7: with no credits left a reveal is refused, nothing is charged, and what is left is reported', async () => {
    const ws = await newWorkspace(h.db, { credits: { b2bEmail: 1, phone: 0, directEmail: 3 } });
    const api = client(h.fetcher, ws.admin.apiKey);
    const answer = await api.reveal('ada-lovelace', ['phone', 'directEmail']);
    expect(answer.results.phone).toEqual({ status: 'insufficientCredits', remaining: 0 });
    expect(answer.results.directEmail).toMatchObject({ status: 'revealed', charged: true });
    expect(answer.balances.phone.remaining).toBe(0);
    await api.reveal('ada-lovelace', ['b2bEmail']);
    const refused = await api.reveal('katherine-johnson', ['b2bEmail']);
    expect(refused.results.b2bEmail).toEqual({ status: 'insufficientCredits', remaining: 0 });
    // The refused claim was undone: the pool has not paid for it.
    const availability = await api.availability('katherine-johnson');
    expect(availability.paid.b2bEmail).toBe(false);
    const entries = (await api.ledger()).entries.filter((e) => e.reason === 'reveal');
    expect(entries.map((e) => `${e.type}:${e.lead}`).sort()).toEqual([
      'b2bEmail:ada-lovelace',
      'directEmail:ada-lovelace',
    ]);
  });

  it('R8: on the free plan each user has a personal pool', async () => {
    const ws = await newWorkspace(h.db, { plan: 'free', seats: 2, credits: { b2bEmail: 5 } });
    const member = await addMember(h.db, { workspaceId: ws.workspaceId, email: `f-${ws.workspaceId}@example.com` });
    const admin = client(h.fetcher, ws.admin.apiKey);
    const other = client(h.fetcher, member.apiKey);
    const adminAccount = await admin.account();
    const otherAccount = await other.account();
    expect(adminAccount.pool.kind).toBe('personal');
    expect(otherAccount.pool.kind).toBe('personal');
    expect(adminAccount.pool.id).not.toBe(otherAccount.pool.id);
    expect(otherAccount.workspace.members).toBe(2);
    await admin.reveal('ada-lovelace', ['b2bEmail']);
    const theirs = await other.reveal('ada-lovelace', ['b2bEmail']);
    // The admin's payment does not cover the other user: their own credit is spent.
    expect(theirs.results.b2bEmail).toMatchObject({ status: 'revealed', charged: true });
    expect((await admin.balances()).b2bEmail.remaining).toBe(4);
    expect(theirs.balances.b2bEmail.remaining).toBe(4);
  });

  it('R8: on a paid plan members share one pool, and seats cap the members', async () => {
    const ws = await newWorkspace(h.db, { plan: 'business', seats: 2, credits: { b2bEmail: 5 } });
    const member = await addMember(h.db, { workspaceId: ws.workspaceId, email: `b-${ws.workspaceId}@example.com` });
    await expect(
      addMember(h.db, { workspaceId: ws.workspaceId, email: `c-${ws.workspaceId}@example.com` }),
    ).rejects.toMatchObject({ code: 'seats_full' });
    const admin = client(h.fetcher, ws.admin.apiKey);
    const other = client(h.fetcher, member.apiKey);
    const account = await other.account();
    expect(account.pool).toMatchObject({ id: (await admin.account()).pool.id, kind: 'shared', members: 2 });
    await other.reveal('grace-hopper', ['b2bEmail']);
    expect((await admin.balances()).b2bEmail.remaining).toBe(4);
    const ledger = await admin.ledger();
    expect(ledger.entries[0]).toMatchObject({ reason: 'reveal', userId: member.userId, delta: -1 });
  });

  it('a removed member loses access at once; their seat frees up', async () => {
    const ws = await newWorkspace(h.db, { seats: 2 });
    const member = await addMember(h.db, { workspaceId: ws.workspaceId, email: `r-${ws.workspaceId}@example.com` });
    expect((await client(h.fetcher, member.apiKey).account()).user.role).toBe('member');
    await removeMember(h.db, { userId: member.userId });
    await expectError(
      await h.fetcher('/v1/account', { headers: { Authorization: `Bearer ${member.apiKey}` } }),
      401,
      'unauthorized',
    );
    await addMember(h.db, { workspaceId: ws.workspaceId, email: `s-${ws.workspaceId}@example.com` });
  });

  it('R10: the monthly allotment renews on the renewal date, with no rollover', async () => {
    const start = new Date('2026-01-31T10:00:00Z');
    const ws = await newWorkspace(h.db, { credits: { b2bEmail: 3, phone: 2 }, now: start });
    const api = client(h.fetcher, ws.admin.apiKey);
    h.clock.now = new Date('2026-02-10T10:00:00Z');
    try {
      const account = await api.account();
      expect(account.workspace.renewsAt).toBe('2026-02-28T10:00:00.000Z');
      await api.reveal('ada-lovelace', ['b2bEmail']);
      await api.reveal('grace-hopper', ['b2bEmail']);
      expect((await api.balances()).b2bEmail).toMatchObject({ remaining: 1, used: 2 });
      // Two renewal dates later (Feb 28 and Mar 31): reset to the allotment, nothing carried over.
      h.clock.now = new Date('2026-04-01T00:00:00Z');
      const renewed = await api.account();
      expect(renewed.balances.b2bEmail).toEqual({ remaining: 3, monthlyAllotment: 3, addOn: 0, used: 0 });
      expect(renewed.balances.phone).toEqual({ remaining: 2, monthlyAllotment: 2, addOn: 0, used: 0 });
      expect(renewed.workspace.renewsAt).toBe('2026-04-30T10:00:00.000Z');
      // Already paid stays free after renewal (R3), and a new reveal spends from the new period.
      const after = await api.reveal('ada-lovelace', ['b2bEmail', 'phone']);
      expect(after.results.b2bEmail).toMatchObject({ charged: false });
      expect(after.results.phone).toMatchObject({ charged: true });
      expect(after.balances.phone.remaining).toBe(1);
      // The ledger sums to the balance for every type.
      const entries = (await api.ledger('?limit=500')).entries;
      for (const type of CREDIT_TYPES) {
        const sum = entries.filter((e) => e.type === type).reduce((total, e) => total + e.delta, 0);
        expect(sum, type).toBe(after.balances[type].remaining);
      }
      // One renewal however many periods went by: the unspent allotment expires (no rollover)
      // and one new allotment is granted, dated at the start of the new period.
      const renewal = entries.filter((e) => e.reason === 'renewal' || e.reason === 'expiry');
      expect(renewal.map((e) => `${e.reason}:${e.type}:${e.delta}`).sort()).toEqual([
        'expiry:b2bEmail:-1',
        'expiry:phone:-2',
        'renewal:b2bEmail:3',
        'renewal:phone:2',
      ]);
      expect(new Set(renewal.map((e) => e.at))).toEqual(new Set(['2026-03-31T10:00:00.000Z']));
    } finally {
      h.clock.now = new Date();
    }
  });

  it('R10: a reveal after the renewal date renews first, then spends from the new period', async () => {
    const ws = await newWorkspace(h.db, { credits: { phone: 1 }, now: new Date('2026-03-15T08:00:00Z') });
    const api = client(h.fetcher, ws.admin.apiKey);
    h.clock.now = new Date('2026-03-20T08:00:00Z');
    try {
      await api.reveal('ada-lovelace', ['phone']);
      expect((await api.reveal('alan-turing', ['phone'])).results.phone).toEqual({
        status: 'insufficientCredits',
        remaining: 0,
      });
      h.clock.now = new Date('2026-04-15T08:00:00Z');
      const renewed = await api.reveal('alan-turing', ['phone']);
      expect(renewed.results.phone).toMatchObject({ status: 'revealed', charged: true });
      expect(renewed.balances.phone).toEqual({ remaining: 0, monthlyAllotment: 1, addOn: 0, used: 1 });
      expect((await api.account()).workspace.renewsAt).toBe('2026-05-15T08:00:00.000Z');
    } finally {
      h.clock.now = new Date();
    }
  });

  it('availability says which types have data and which the pool paid, for free', async () => {
    const ws = await newWorkspace(h.db);
    const api = client(h.fetcher, ws.admin.apiKey);
    expect(await api.availability('grace-hopper')).toEqual({
      lead: 'grace-hopper',
      available: { b2bEmail: true, phone: false, directEmail: false },
      paid: { b2bEmail: false, phone: false, directEmail: false },
    });
    await api.reveal('grace-hopper', ['b2bEmail']);
    const after = await api.availability('Grace-Hopper');
    expect(after.paid).toEqual({ b2bEmail: true, phone: false, directEmail: false });
    expect(JSON.stringify(after)).not.toContain('@');
    expect((await api.balances()).b2bEmail.remaining).toBe(9);
    expect((await api.availability('unknown-person')).available).toEqual({
      b2bEmail: false,
      phone: false,
      directEmail: false,
    });
  });

  it('the ledger pages newest first', async () => {
    const ws = await newWorkspace(h.db);
    const api = client(h.fetcher, ws.admin.apiKey);
    await api.reveal('ada-lovelace', ['b2bEmail']);
    await api.reveal('grace-hopper', ['b2bEmail']);
    await api.reveal('alan-turing', ['b2bEmail']);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await api.ledger(`?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...page.entries.map((e) => `${e.reason}:${e.type}:${e.lead ?? ''}`));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen.slice(0, 3)).toEqual([
      'reveal:b2bEmail:alan-turing',
      'reveal:b2bEmail:grace-hopper',
      'reveal:b2bEmail:ada-lovelace',
    ]);
    // Then the four grants made when the workspace was created.
    expect(seen.slice(3).every((s) => s.startsWith('allotment:'))).toBe(true);
    expect(seen).toHaveLength(7);
    expect(pages).toBe(4);
  });

  it('bad input is a 400 that names the field', async () => {
    const ws = await newWorkspace(h.db);
    const api = client(h.fetcher, ws.admin.apiKey);
    const unknownType = await expectError(
      await api.revealRaw({ lead: 'ada-lovelace', types: ['fax'] }),
      400,
      'bad_request',
    );
    expect(unknownType.field).toBe('types.0');
    const noLead = await expectError(await api.revealRaw({ types: ['phone'] }), 400, 'bad_request');
    expect(noLead.field).toBe('lead');
    const badLead = await expectError(await api.revealRaw({ lead: 'a/b', types: ['phone'] }), 400, 'bad_request');
    expect(badLead.field).toBe('lead');
    const repeated = await expectError(
      await api.revealRaw({ lead: 'x', types: ['phone', 'phone'] }),
      400,
      'bad_request',
    );
    expect(repeated.field).toBe('types');
    const notJson = await expectError(await api.revealRaw('{nope'), 400, 'bad_request');
    expect(notJson.field).toBe('body');
    const noKey = await expectError(
      await api.revealRaw({ lead: 'x', types: ['phone'] }, null),
      400,
      'idempotency_key_missing',
    );
    expect(noKey.field).toBe('Idempotency-Key');
    const auth = { Authorization: `Bearer ${ws.admin.apiKey}` };
    const limit = await expectError(await h.fetcher('/v1/ledger?limit=0', { headers: auth }), 400, 'bad_request');
    expect(limit.field).toBe('limit');
    const cursor = await expectError(await h.fetcher('/v1/ledger?cursor=zzz', { headers: auth }), 400, 'bad_request');
    expect(cursor.field).toBe('cursor');
    expect((await api.balances()).b2bEmail.remaining).toBe(10);
  });

  it('a missing or wrong API key is a 401', async () => {
    await expectError(await h.fetcher('/v1/account'), 401, 'unauthorized');
    await expectError(
      await h.fetcher('/v1/account', { headers: { Authorization: 'Bearer ll_live_nope' } }),
      401,
      'unauthorized',
    );
    await expectError(await h.fetcher('/v1/account', { headers: { Authorization: 'Basic abc' } }), 401, 'unauthorized');
    const reveal = await h.fetcher('/v1/reveals', { method: 'POST', body: '{}' });
    await expectError(reveal, 401, 'unauthorized');
    await expectError(await h.fetcher('/v1/ledger'), 401, 'unauthorized');
    await expectError(await h.fetcher('/v1/leads/ada-lovelace/availability'), 401, 'unauthorized');
    await expectError(await h.fetcher('/v1/nothing-here'), 401, 'unauthorized');
    await expectError(await h.fetcher('/nothing-here'), 404, 'not_found');
  });

  it('healthz answers', async () => {
    const response = await h.fetcher('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });
});
