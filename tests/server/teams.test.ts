/**
 * Teams through HTTP, on PGlite and on Postgres: the admin endpoints (members, seats, removal,
 * add-ons, limits, upgrade) and the rules they keep (R2, R3, R7, R8, R10, R11). The harness
 * checks after every test that each pool's ledger sums to its balance and that its members'
 * usage sums to its `used`.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { CREDIT_TYPES } from '../../shared/credits.ts';
import { importPeople } from '../../server/people.ts';
import { renewIfDue } from '../../server/renewal.ts';
import { adminClient, BACKENDS, client, expectError, newWorkspace, useHarness } from './harness.ts';

/** People with a phone each, beyond the demo's. */
const PHONE_LEADS = Array.from({ length: 8 }, (_, i) => `team-phone-${i}`);

describe.each(BACKENDS)('teams on %s', (backend) => {
  const h = useHarness(backend);
  beforeAll(async () => {
    await importPeople(
      h.db,
      PHONE_LEADS.map((slug, i) => ({
        slug,
        fullName: `Team Phone ${i}`,
        b2bEmail: [{ value: `${slug}@work.example` }],
        phone: [{ value: `+1 555 02${String(i).padStart(3, '0')}`, phoneKind: 'mobile' as const }],
      })),
    );
  });

  /** A paid workspace whose admin adds `members` members through the API. */
  async function team(opts: Parameters<typeof newWorkspace>[1] & { members?: number } = {}) {
    const ws = await newWorkspace(h.db, { plan: 'business', now: h.clock.now, ...opts });
    const admin = adminClient(h.fetcher, ws.admin.apiKey);
    const members = [];
    for (let i = 0; i < (opts.members ?? 1); i++) {
      const added = await admin.addMember({ email: `m${i}-${ws.workspaceId}@example.com` });
      members.push({ ...added.member, apiKey: added.apiKey, api: client(h.fetcher, added.apiKey) });
    }
    return { ws, admin, adminApi: client(h.fetcher, ws.admin.apiKey), members };
  }

  const withClock = async (at: Date, fn: () => Promise<void>) => {
    h.clock.now = at;
    try {
      await fn();
    } finally {
      h.clock.now = new Date();
    }
  };

  it('admin endpoints answer 403 to a member, 401 to no key, before any complaint about the request', async () => {
    const { ws, members } = await team();
    const member = members[0];
    if (!member) throw new Error('no member');
    const asMember = adminClient(h.fetcher, member.apiKey);
    await expectError(await asMember.raw.members(), 403, 'forbidden');
    await expectError(await asMember.raw.addMember({ email: 'x@example.com' }), 403, 'forbidden');
    await expectError(await asMember.raw.removeMember(ws.admin.userId), 403, 'forbidden');
    await expectError(await asMember.raw.setLimits(member.id, { limits: { phone: 100 } }), 403, 'forbidden');
    await expectError(await asMember.raw.buyAddOns({ credits: { phone: 100 } }), 403, 'forbidden');
    await expectError(await asMember.raw.upgrade({ plan: 'business', seats: 5, credits: {} }), 403, 'forbidden');
    await expectError(await asMember.raw.buyAddOns('not json', null), 403, 'forbidden');
    await expectError(await h.fetcher('/v1/workspace/members'), 401, 'unauthorized');
    // Nothing happened: no add-on, the admin is still there, the member has no limit.
    const list = await adminClient(h.fetcher, ws.admin.apiKey).members();
    expect(new Set(list.members.map((m) => m.id))).toEqual(new Set([ws.admin.userId, member.id]));
    expect(list.members.find((m) => m.id === member.id)?.limits).toEqual({});
    expect((await member.api.balances()).phone.addOn).toBe(0);
  });

  it('lists members with their usage this period per type and their limits', async () => {
    const { ws, admin, adminApi, members } = await team({ members: 2 });
    const [a, b] = members;
    if (!a || !b) throw new Error('no members');
    await a.api.reveal('ada-lovelace', ['b2bEmail', 'phone']);
    await a.api.reveal('alan-turing', ['phone']);
    await b.api.reveal('grace-hopper', ['b2bEmail']);
    // Free for b (the pool paid): no usage of theirs.
    await b.api.reveal('ada-lovelace', ['phone']);
    await adminApi.reveal('katherine-johnson', ['directEmail']);
    await admin.setLimits(b.id, { limits: { phone: 3, export: 10 } });
    const list = await admin.members();
    expect(list.workspace).toMatchObject({ id: ws.workspaceId, plan: 'business', seats: 5, members: 3 });
    expect(list.workspace.renewsAt).toBe((await adminApi.account()).workspace.renewsAt);
    const byId = new Map(list.members.map((m) => [m.id, m]));
    expect(byId.get(a.id)).toMatchObject({
      email: a.email,
      role: 'member',
      usage: { b2bEmail: 1, phone: 2, directEmail: 0, export: 0 },
      limits: {},
    });
    expect(byId.get(b.id)).toMatchObject({
      usage: { b2bEmail: 1, phone: 0, directEmail: 0, export: 0 },
      limits: { phone: { limit: 3, used: 0, remaining: 3 }, export: { limit: 10, used: 0, remaining: 10 } },
    });
    expect(byId.get(ws.admin.userId)).toMatchObject({
      role: 'admin',
      usage: { b2bEmail: 0, phone: 0, directEmail: 1, export: 0 },
    });
  });

  it('adding a member returns its key once; past the seats it is refused with seats_full', async () => {
    const ws = await newWorkspace(h.db, { plan: 'starter', seats: 3 });
    const admin = adminClient(h.fetcher, ws.admin.apiKey);
    const address = `new-${ws.workspaceId}@example.com`;
    const added = await admin.addMember({ email: `  ${address.toUpperCase()} ` });
    expect(added.apiKey).toMatch(/^ll_live_/);
    expect(added.member).toMatchObject({ email: address, role: 'member', limits: {} });
    // An address an active user holds, here or anywhere, is refused.
    await expectError(await admin.raw.addMember({ email: address }), 409, 'conflict');
    const second = await admin.addMember({ email: `second-${ws.workspaceId}@example.com`, role: 'admin' });
    expect(second.member.role).toBe('admin');
    // The second admin administers too.
    expect((await adminClient(h.fetcher, second.apiKey).members()).members).toHaveLength(3);
    const full = await expectError(
      await admin.raw.addMember({ email: `third-${ws.workspaceId}@example.com` }),
      409,
      'seats_full',
    );
    expect(full.message).toMatch(/All 3 seats/);
    // The key is shown once: the member list never carries it.
    expect(JSON.stringify(await admin.members())).not.toContain(added.apiKey);
    expect((await client(h.fetcher, added.apiKey).account()).user.email).toBe(address);
    expect((await expectError(await admin.raw.addMember({ email: 'nope' }), 400, 'bad_request')).field).toBe('email');
  });

  it('a removed member is refused at once; their past entries stay theirs; their address can come back', async () => {
    const { ws, admin, adminApi, members } = await team({ seats: 2 });
    const gone = members[0];
    if (!gone) throw new Error('no member');
    await gone.api.reveal('alan-turing', ['phone']);
    const removed = (await admin.removeMember(gone.id)) as { id: string; removedAt: string };
    expect(removed.id).toBe(gone.id);
    // At once, on every path: account, reveal, ledger.
    await expectError(
      await h.fetcher('/v1/account', { headers: { Authorization: `Bearer ${gone.apiKey}` } }),
      401,
      'unauthorized',
    );
    await expectError(await gone.api.revealRaw({ lead: 'ada-lovelace', types: ['phone'] }), 401, 'unauthorized');
    await expectError(
      await h.fetcher('/v1/ledger', { headers: { Authorization: `Bearer ${gone.apiKey}` } }),
      401,
      'unauthorized',
    );
    // Their spending stays attributed to them, and what they paid stays the pool's (R3).
    const theirs = await adminApi.ledger(`?userId=${gone.id}`);
    expect(theirs.entries).toEqual([
      expect.objectContaining({ reason: 'reveal', type: 'phone', lead: 'alan-turing', userEmail: gone.email }),
    ]);
    expect((await adminApi.reveal('alan-turing', ['phone'])).results.phone).toMatchObject({ charged: false });
    expect((await admin.members()).members.map((m) => m.id)).toEqual([ws.admin.userId]);
    await expectError(await admin.raw.removeMember(gone.id), 404, 'not_found');
    // The address comes back as a new user with a new key, in this workspace or another.
    const back = await admin.addMember({ email: gone.email });
    expect(back.member.id).not.toBe(gone.id);
    expect((await client(h.fetcher, back.apiKey).account()).user.email).toBe(gone.email);
    await admin.removeMember(back.member.id);
    const elsewhere = await newWorkspace(h.db);
    const joined = await adminClient(h.fetcher, elsewhere.admin.apiKey).addMember({ email: gone.email });
    expect((await client(h.fetcher, joined.apiKey).account()).workspace.id).toBe(elsewhere.workspaceId);
    // An admin cannot remove themselves, nor a member of another workspace.
    await expectError(await admin.raw.removeMember(ws.admin.userId), 409, 'conflict');
    await expectError(await admin.raw.removeMember(joined.member.id), 404, 'not_found');
  });

  it('free plan: a member removed and added again gets their personal pool back, not a fresh allotment', async () => {
    const ws = await newWorkspace(h.db, { plan: 'free', seats: 2, credits: { phone: 2 } });
    const admin = adminClient(h.fetcher, ws.admin.apiKey);
    const first = await admin.addMember({ email: `free-${ws.workspaceId}@example.com` });
    const api = client(h.fetcher, first.apiKey);
    const pool = (await api.account()).pool.id;
    await api.reveal('ada-lovelace', ['phone']);
    await admin.removeMember(first.member.id);
    const again = await admin.addMember({ email: `free-${ws.workspaceId}@example.com` });
    const back = client(h.fetcher, again.apiKey);
    const account = await back.account();
    expect(account.pool).toMatchObject({ id: pool, kind: 'personal' });
    expect(account.balances.phone).toMatchObject({ remaining: 1, used: 1 });
    expect((await back.reveal('ada-lovelace', ['phone'])).results.phone).toMatchObject({ charged: false });
  });

  it('R11: a member at their limit is refused while the pool still has credits; nothing is charged', async () => {
    const { admin, adminApi, members } = await team({ credits: { b2bEmail: 20, phone: 20 } });
    const member = members[0];
    if (!member) throw new Error('no member');
    const set = await admin.setLimits(member.id, { limits: { phone: 2 } });
    expect(set.limits).toEqual({ phone: { limit: 2, used: 0, remaining: 2 } });
    expect((await member.api.account()).limits).toEqual({ phone: { limit: 2, used: 0, remaining: 2 } });

    const first = await member.api.reveal('team-phone-0', ['phone']);
    expect(first.limits).toEqual({ phone: { limit: 2, used: 1, remaining: 1 } });
    await member.api.reveal('team-phone-1', ['phone']);
    const refused = await member.api.reveal('team-phone-2', ['phone', 'b2bEmail']);
    expect(refused.results.phone).toEqual({
      status: 'insufficientCredits',
      remaining: 0,
      reason: 'memberLimit',
      limit: 2,
      used: 2,
    });
    // Other types are not limited; the pool still has phone credits.
    expect(refused.results.b2bEmail).toMatchObject({ status: 'revealed', charged: true });
    expect(refused.balances.phone).toMatchObject({ remaining: 18, used: 2 });
    expect(refused.limits).toEqual({ phone: { limit: 2, used: 2, remaining: 0 } });
    expect((await member.api.account()).limits).toEqual({ phone: { limit: 2, used: 2, remaining: 0 } });
    // The refused claim was undone: the pool has not paid, and the admin can still reveal it.
    expect((await adminApi.availability('team-phone-2')).paid.phone).toBe(false);
    expect((await adminApi.reveal('team-phone-2', ['phone'])).results.phone).toMatchObject({ charged: true });
    // What the pool paid is free for the member even at their limit (R3).
    expect((await member.api.reveal('team-phone-2', ['phone'])).results.phone).toMatchObject({
      status: 'revealed',
      charged: false,
    });
    const phoneReveals = (await adminApi.ledger(`?userId=${member.id}&type=phone`)).entries;
    expect(phoneReveals.map((e) => e.lead)).toEqual(['team-phone-1', 'team-phone-0']);

    // A raised limit lets them go on; a cleared one removes it; a limit of 0 stops them.
    await admin.setLimits(member.id, { limits: { phone: 3 } });
    expect((await member.api.reveal('team-phone-3', ['phone'])).results.phone).toMatchObject({ charged: true });
    const cleared = await admin.setLimits(member.id, { limits: { phone: null, directEmail: 0 } });
    expect(cleared.limits).toEqual({ directEmail: { limit: 0, used: 0, remaining: 0 } });
    expect((await member.api.reveal('team-phone-4', ['phone'])).results.phone).toMatchObject({ charged: true });
    expect((await member.api.reveal('ada-lovelace', ['directEmail'])).results.directEmail).toEqual({
      status: 'insufficientCredits',
      remaining: 0,
      reason: 'memberLimit',
      limit: 0,
      used: 0,
    });
    // A limit below what they already spent: refused until the renewal, and says so.
    const below = await admin.setLimits(member.id, { limits: { phone: 1 } });
    expect(below.limits.phone).toEqual({ limit: 1, used: 4, remaining: 0 });
    expect(below.usage.phone).toBe(4);
  });

  it('R11: limits are per period; the renewal gives members their limit again', async () => {
    const start = new Date('2026-05-10T12:00:00Z');
    const { admin, members } = await team({ credits: { phone: 10 }, now: start });
    const member = members[0];
    if (!member) throw new Error('no member');
    await withClock(new Date('2026-05-11T12:00:00Z'), async () => {
      await admin.setLimits(member.id, { limits: { phone: 1 } });
      await member.api.reveal('team-phone-0', ['phone']);
      expect((await member.api.reveal('team-phone-1', ['phone'])).results.phone).toMatchObject({
        reason: 'memberLimit',
      });
    });
    // Three idle months later: one renewal, a new period, the limit's count back at 0.
    await withClock(new Date('2026-08-20T12:00:00Z'), async () => {
      expect((await member.api.account()).limits).toEqual({ phone: { limit: 1, used: 0, remaining: 1 } });
      expect((await admin.members()).members.find((m) => m.id === member.id)?.usage.phone).toBe(0);
      const again = await member.api.reveal('team-phone-1', ['phone']);
      expect(again.results.phone).toMatchObject({ charged: true });
      expect(again.balances.phone).toEqual({ remaining: 9, monthlyAllotment: 10, addOn: 0, used: 1 });
    });
  });

  it('limits: bad input is a 400 naming the field, an unknown member a 404, the free plan a 409', async () => {
    const { admin, members } = await team();
    const member = members[0];
    if (!member) throw new Error('no member');
    const negative = await expectError(
      await admin.raw.setLimits(member.id, { limits: { phone: -1 } }),
      400,
      'bad_request',
    );
    expect(negative.field).toBe('limits.phone');
    const unknownType = await expectError(
      await admin.raw.setLimits(member.id, { limits: { fax: 3 } as never }),
      400,
      'bad_request',
    );
    expect(unknownType.field).toBe('limits');
    await expectError(await admin.raw.setLimits(member.id, { limits: {} }), 400, 'bad_request');
    await expectError(await admin.raw.setLimits('usr_nobody', { limits: { phone: 3 } }), 404, 'not_found');
    const free = await newWorkspace(h.db, { plan: 'free', seats: 2 });
    const freeAdmin = adminClient(h.fetcher, free.admin.apiKey);
    const freeMember = await freeAdmin.addMember({ email: `lim-${free.workspaceId}@example.com` });
    await expectError(await freeAdmin.raw.setLimits(freeMember.member.id, { limits: { phone: 3 } }), 409, 'conflict');
  });

  it('R10: add-ons are bought by an admin, recorded in the ledger, and idempotent', async () => {
    const { ws, admin, adminApi, members } = await team({ credits: { b2bEmail: 5, phone: 2, export: 1 } });
    const key = randomUUID();
    const first = await admin.raw.buyAddOns({ credits: { phone: 100, export: 50 } }, key);
    expect(first.status).toBe(200);
    const text = await first.text();
    const bought = JSON.parse(text) as { purchase: unknown; balances: Record<string, unknown> };
    expect(bought.purchase).toEqual({
      at: expect.any(String),
      by: { id: ws.admin.userId, email: ws.admin.email },
      credits: { phone: 100, directEmail: 0, export: 50 },
    });
    expect(bought.balances.phone).toEqual({ remaining: 102, monthlyAllotment: 2, addOn: 100, used: 0 });
    expect(bought.balances.export).toEqual({ remaining: 51, monthlyAllotment: 1, addOn: 50, used: 0 });
    // A retry replays the very bytes and buys nothing more; the same key for another body is a 422.
    const retry = await admin.raw.buyAddOns({ credits: { export: 50, phone: 100 } }, key);
    expect(retry.status).toBe(200);
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await retry.text()).toBe(text);
    await expectError(await admin.raw.buyAddOns({ credits: { phone: 1 } }, key), 422, 'idempotency_key_reused');
    // Every member of the pool sees the credits.
    expect((await members[0]?.api.balances())?.phone.remaining).toBe(102);
    const entries = (await adminApi.ledger()).entries.filter((e) => e.reason === 'addOn');
    expect(entries.map((e) => ({ type: e.type, delta: e.delta, userId: e.userId, userEmail: e.userEmail }))).toEqual([
      { type: 'phone', delta: 100, userId: ws.admin.userId, userEmail: ws.admin.email },
      { type: 'export', delta: 50, userId: ws.admin.userId, userEmail: ws.admin.email },
    ]);
    // No B2B email add-ons; at least one type; a key is required.
    const b2b = await expectError(await admin.raw.buyAddOns({ credits: { b2bEmail: 10 } }), 400, 'bad_request');
    expect(b2b.message).toContain('no B2B email add-ons');
    await expectError(await admin.raw.buyAddOns({ credits: {} }), 400, 'bad_request');
    await expectError(await admin.raw.buyAddOns({ credits: { phone: 0 } }), 400, 'bad_request');
    await expectError(await admin.raw.buyAddOns({ credits: { phone: 10 } }, null), 400, 'idempotency_key_missing');
    expect((await adminApi.balances()).phone.addOn).toBe(100);
    // The free plan has no shared pool to add to.
    const free = await newWorkspace(h.db, { plan: 'free', seats: 1 });
    await expectError(
      await adminClient(h.fetcher, free.admin.apiKey).raw.buyAddOns({ credits: { phone: 10 } }),
      409,
      'conflict',
    );
  });

  it('R10: a purchase that would pass the most a pool can hold is refused whole, with a clear error', async () => {
    const { admin, adminApi } = await team({ credits: { phone: 2, export: 1 } });
    // 2,147 purchases of 1,000,000 phone credits fit in a 32-bit balance; the pool starts near it.
    await h.db.query(
      `UPDATE balances SET add_on = 2147000000, remaining = remaining + 2147000000
        WHERE type = 'phone' AND pool_id = (SELECT pool_id FROM users WHERE email = $1)`,
      [(await adminApi.account()).user.email],
    );
    await h.db.query(
      `INSERT INTO ledger (pool_id, type, delta, reason, at)
       SELECT pool_id, 'phone', 2147000000, 'correction', now() FROM users WHERE email = $1`,
      [(await adminApi.account()).user.email],
    );
    const refused = await expectError(
      await admin.raw.buyAddOns({ credits: { phone: 1_000_000, export: 10 } }),
      409,
      'conflict',
    );
    expect(refused.message).toContain('at most 2,147,483,647');
    // Nothing of it was bought: not the export credits either.
    const balances = await adminApi.balances();
    expect(balances.export.addOn).toBe(0);
    expect(balances.phone.addOn).toBe(2147000000);
    const ok = await admin.raw.buyAddOns({ credits: { phone: 400_000 } });
    expect(ok.status).toBe(200);
  });

  it('R10: add-ons do not expire at renewal; the allotment is spent first and does not roll over', async () => {
    const start = new Date('2026-01-15T09:00:00Z');
    const { admin, adminApi } = await team({ credits: { phone: 2, directEmail: 3 }, now: start });
    await withClock(new Date('2026-01-20T09:00:00Z'), async () => {
      await admin.buyAddOns({ credits: { phone: 5, directEmail: 4 } });
      // phone: 3 spent, the 2 of the allotment first, then 1 add-on.
      for (const lead of ['team-phone-0', 'team-phone-1', 'team-phone-2']) await adminApi.reveal(lead, ['phone']);
      // directEmail: 1 spent, from the allotment.
      await adminApi.reveal('ada-lovelace', ['directEmail']);
      const balances = await adminApi.balances();
      expect(balances.phone).toEqual({ remaining: 4, monthlyAllotment: 2, addOn: 5, used: 3 });
      expect(balances.directEmail).toEqual({ remaining: 6, monthlyAllotment: 3, addOn: 4, used: 1 });
    });
    // Four idle months: exactly one renewal, one allotment, the add-ons left carried over.
    await withClock(new Date('2026-05-16T00:00:00Z'), async () => {
      const account = await adminApi.account();
      expect(account.workspace.renewsAt).toBe('2026-06-15T09:00:00.000Z');
      expect(account.balances.phone).toEqual({ remaining: 6, monthlyAllotment: 2, addOn: 4, used: 0 });
      expect(account.balances.directEmail).toEqual({ remaining: 7, monthlyAllotment: 3, addOn: 4, used: 0 });
      expect(account.balances.b2bEmail).toEqual({ remaining: 0, monthlyAllotment: 0, addOn: 0, used: 0 });
      const entries = (await adminApi.ledger('?limit=500')).entries;
      const renewal = entries.filter((e) => e.reason === 'renewal' || e.reason === 'expiry');
      expect(renewal.map((e) => `${e.reason}:${e.type}:${e.delta}@${e.at}`).sort()).toEqual([
        'expiry:directEmail:-2@2026-05-15T09:00:00.000Z',
        'renewal:directEmail:3@2026-05-15T09:00:00.000Z',
        'renewal:phone:2@2026-05-15T09:00:00.000Z',
      ]);
      // Reading again renews nothing more.
      await adminApi.account();
      expect((await adminApi.ledger('?limit=500')).entries).toHaveLength(entries.length);
    });
  });

  it('the ledger filters by member and by type, and names who spent each credit', async () => {
    const { adminApi, members } = await team({ members: 2 });
    const [a, b] = members;
    if (!a || !b) throw new Error('no members');
    await a.api.reveal('ada-lovelace', ['b2bEmail', 'phone']);
    await b.api.reveal('alan-turing', ['phone']);
    await b.api.reveal('grace-hopper', ['b2bEmail']);
    const aPhone = await b.api.ledger(`?userId=${a.id}&type=phone`);
    expect(aPhone.entries.map((e) => `${e.userEmail}:${e.type}:${e.lead}`)).toEqual([`${a.email}:phone:ada-lovelace`]);
    const bAll = await adminApi.ledger(`?userId=${encodeURIComponent(b.id)}`);
    expect(bAll.entries.map((e) => `${e.type}:${e.lead}`)).toEqual(['b2bEmail:grace-hopper', 'phone:alan-turing']);
    const phones = await adminApi.ledger('?type=phone');
    expect(phones.entries.map((e) => `${e.reason}:${e.userId ?? 'plan'}`)).toEqual([
      `reveal:${b.id}`,
      `reveal:${a.id}`,
      'allotment:plan',
    ]);
    // Pages under a filter.
    const page = await adminApi.ledger(`?type=phone&limit=1`);
    expect(page.nextCursor).not.toBeNull();
    const next = await adminApi.ledger(`?type=phone&limit=1&cursor=${encodeURIComponent(page.nextCursor ?? '')}`);
    expect(next.entries.map((e) => e.userId)).toEqual([a.id]);
    const bad = await expectError(
      await h.fetcher('/v1/ledger?type=fax', { headers: { Authorization: `Bearer ${a.apiKey}` } }),
      400,
      'bad_request',
    );
    expect(bad.field).toBe('type');
  });

  it('upgrade: personal pools merge into one shared pool; paid leads stay paid; personal credits end', async () => {
    const start = new Date('2026-02-01T08:00:00Z');
    const ws = await newWorkspace(h.db, { plan: 'free', seats: 3, credits: { b2bEmail: 3, phone: 2 }, now: start });
    const admin = adminClient(h.fetcher, ws.admin.apiKey);
    const adminApi = client(h.fetcher, ws.admin.apiKey);
    let personal: string[] = [];
    await withClock(new Date('2026-02-10T08:00:00Z'), async () => {
      const member = await admin.addMember({ email: `up-${ws.workspaceId}@example.com` });
      const memberApi = client(h.fetcher, member.apiKey);
      personal = [(await adminApi.account()).pool.id, (await memberApi.account()).pool.id];
      await adminApi.reveal('ada-lovelace', ['b2bEmail', 'phone']);
      await memberApi.reveal('ada-lovelace', ['b2bEmail']);
      await memberApi.reveal('alan-turing', ['phone']);
      await expectError(
        await adminClient(h.fetcher, member.apiKey).raw.upgrade({ plan: 'business', seats: 5, credits: {} }),
        403,
        'forbidden',
      );
      const tooFew = await expectError(
        await admin.raw.upgrade({ plan: 'business', seats: 1, credits: { b2bEmail: 100 } }),
        400,
        'bad_request',
      );
      expect(tooFew.field).toBe('seats');
      const badPlan = await expectError(
        await admin.raw.upgrade({ plan: 'free' as never, seats: 5, credits: {} }),
        400,
        'bad_request',
      );
      expect(badPlan.field).toBe('plan');

      const { upgrade, account } = await admin.upgrade({
        plan: 'business',
        seats: 10,
        credits: { b2bEmail: 100, phone: 20, directEmail: 10, export: 5 },
      });
      expect(upgrade).toMatchObject({
        plan: 'business',
        seats: 10,
        mergedPools: 2,
        // ada-lovelace b2bEmail (paid twice: once for the pool), ada phone, alan phone.
        paidLeads: 3,
        // admin: b2bEmail 2 + phone 1 left; member: b2bEmail 2 + phone 1 left.
        personalCreditsEnded: { b2bEmail: 4, phone: 2, directEmail: 0, export: 0 },
      });
      expect(account.workspace).toMatchObject({ plan: 'business', seats: 10, members: 2 });
      expect(account.workspace.renewsAt).toBe('2026-03-10T08:00:00.000Z');
      expect(account.pool).toEqual({ id: upgrade.poolId, kind: 'shared', members: 2 });
      expect(account.balances.b2bEmail).toEqual({ remaining: 100, monthlyAllotment: 100, addOn: 0, used: 0 });
      expect((await memberApi.account()).pool.id).toBe(upgrade.poolId);

      // Leads either of them paid are free for both now; new ones spend the pool.
      expect((await memberApi.reveal('ada-lovelace', ['phone'])).results.phone).toMatchObject({ charged: false });
      expect((await adminApi.reveal('alan-turing', ['phone'])).results.phone).toMatchObject({ charged: false });
      const fresh = await memberApi.reveal('katherine-johnson', ['b2bEmail']);
      expect(fresh.results.b2bEmail).toMatchObject({ charged: true });
      expect(fresh.balances.b2bEmail.remaining).toBe(99);

      // The personal credits ended with a ledger entry each, naming who upgraded.
      const ended = await h.db.query<{ pool_id: string; type: string; delta: number; user_id: string }>(
        `SELECT pool_id, type, delta, user_id FROM ledger WHERE reason = 'planChange' AND pool_id = ANY ($1::text[])
          ORDER BY pool_id, type`,
        [personal],
      );
      expect(ended.rows).toHaveLength(4);
      expect(ended.rows.every((row) => row.user_id === ws.admin.userId && row.delta < 0)).toBe(true);
      const sums = await h.db.query<{ total: number }>(
        'SELECT coalesce(sum(delta), 0)::int AS total FROM ledger WHERE pool_id = ANY ($1::text[])',
        [personal],
      );
      expect(sums.rows[0]?.total).toBe(0);
      // The shared pool's ledger starts with the paid allotment.
      const shared = (await adminApi.ledger('?limit=500')).entries;
      expect(
        shared
          .filter((e) => e.reason === 'allotment')
          .map((e) => `${e.type}:${e.delta}`)
          .sort(),
      ).toEqual(['b2bEmail:100', 'directEmail:10', 'export:5', 'phone:20']);

      // Once paid, an upgrade is refused (a retry never upgrades twice); limits and add-ons now work.
      await expectError(await admin.raw.upgrade({ plan: 'organization', seats: 10, credits: {} }), 409, 'conflict');
      await admin.setLimits(member.member.id, { limits: { phone: 1 } });
      await admin.buyAddOns({ credits: { phone: 5 } });
      expect((await memberApi.account()).limits).toEqual({ phone: { limit: 1, used: 0, remaining: 1 } });
    });
    // The closed personal pools never renew, however late someone looks.
    const late = new Date('2026-09-01T08:00:00Z');
    for (const pool of personal) expect(await h.db.transaction((tx) => renewIfDue(tx, pool, late))).toBe(false);
    const personalBalances = await h.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM balances b JOIN pools p ON p.id = b.pool_id
        WHERE p.workspace_id = $1 AND p.kind = 'personal' AND b.remaining <> 0`,
      [ws.workspaceId],
    );
    expect(personalBalances.rows[0]?.n).toBe(0);
  });

  it('R2, R3 across members: a lead one member revealed is free for every other member', async () => {
    const { members } = await team({ members: 3, credits: { b2bEmail: 10, phone: 10, directEmail: 10 } });
    const [a, b, c] = members;
    if (!a || !b || !c) throw new Error('no members');
    const paid = await a.api.reveal('ada-lovelace', ['b2bEmail', 'phone', 'directEmail']);
    expect(Object.values(paid.results).every((r) => r.status === 'revealed' && r.charged)).toBe(true);
    for (const other of [b, c]) {
      const again = await other.api.reveal('ada-lovelace', ['directEmail', 'phone', 'b2bEmail']);
      expect(Object.values(again.results).every((r) => r.status === 'revealed' && !r.charged)).toBe(true);
      expect((await other.api.availability('ada-lovelace')).paid).toEqual({
        b2bEmail: true,
        phone: true,
        directEmail: true,
      });
    }
    const balances = await c.api.balances();
    for (const type of CREDIT_TYPES.filter((t) => t !== 'export')) expect(balances[type].remaining).toBe(9);
  });
});
