/**
 * Exports through HTTP, on PGlite and on Postgres (R5, R6, R10, R11): every export costs 1
 * export credit per lead, all or nothing; a retry with the same key replays; rows hold only
 * what the pool revealed; member limits and renewals apply. The harness checks after every
 * test that each pool's ledger sums to its balance and its members' usage to its `used`.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { importPeople } from '../../server/people.ts';
import { addMonths } from '../../server/renewal.ts';
import { exportsClient } from './exports-client.ts';
import { adminClient, BACKENDS, client, expectError, newWorkspace, useHarness } from './harness.ts';

/** People with a B2B email each, beyond the demo's. */
const LEADS = Array.from({ length: 30 }, (_, i) => `export-lead-${i}`);

describe.each(BACKENDS)('exports on %s', (backend) => {
  const h = useHarness(backend);
  beforeAll(async () => {
    await importPeople(
      h.db,
      LEADS.map((slug, i) => ({
        slug,
        fullName: `Export Lead ${i}`,
        company: `Company ${i}`,
        b2bEmail: [{ value: `${slug}@work.example` }],
        phone: [{ value: `+1 555 03${String(i).padStart(3, '0')}`, phoneKind: 'mobile' as const }],
      })),
    );
  });

  /** A paid workspace whose admin adds `members` members; everyone gets both clients. */
  async function team(opts: Parameters<typeof newWorkspace>[1] & { members?: number } = {}) {
    const ws = await newWorkspace(h.db, { plan: 'business', now: h.clock.now, ...opts });
    const admin = adminClient(h.fetcher, ws.admin.apiKey);
    const members = [];
    for (let i = 0; i < (opts.members ?? 1); i++) {
      const added = await admin.addMember({ email: `m${i}-${ws.workspaceId}@example.com` });
      members.push({
        id: added.member.id,
        api: client(h.fetcher, added.apiKey),
        ex: exportsClient(h.fetcher, added.apiKey),
      });
    }
    return { ws, admin, adminApi: client(h.fetcher, ws.admin.apiKey), members };
  }

  const first = <T>(items: T[]): T => {
    const item = items[0];
    if (item === undefined) throw new Error('none');
    return item;
  };

  it('charges 1 export credit per lead on every export: the same lead twice spends 2, each entry naming the member', async () => {
    const { adminApi, members } = await team();
    const m = first(members);
    await m.api.reveal('ada-lovelace', ['b2bEmail']);
    const once = await m.ex.exportLeads(['ada-lovelace']);
    expect(once.export).toMatchObject({ target: 'csv', charged: 1 });
    expect(once.rows.map((row) => [row.lead, row.exports])).toEqual([['ada-lovelace', 1]]);
    expect(once.balances.export).toEqual({ remaining: 9, monthlyAllotment: 10, addOn: 0, used: 1 });
    const twice = await m.ex.exportLeads(['ada-lovelace'], 'webhook');
    expect(twice.export).toMatchObject({ target: 'webhook', charged: 1 });
    expect(twice.export.id).not.toBe(once.export.id);
    expect(twice.rows[0]).toMatchObject({ exports: 2, lastExportedAt: twice.export.at });
    expect((await adminApi.balances()).export.remaining).toBe(8);
    const ledger = await adminApi.ledger('?type=export');
    const spent = ledger.entries.filter((entry) => entry.reason === 'export');
    expect(spent).toHaveLength(2);
    for (const entry of spent) expect(entry).toMatchObject({ delta: -1, lead: 'ada-lovelace', userId: m.id });
  });

  it('answers rows in the order asked, with only the types the pool revealed', async () => {
    const { members } = await team();
    const m = first(members);
    // Ada has all three types in the contact database; the pool pays for the B2B email only.
    await m.api.reveal('ada-lovelace', ['b2bEmail']);
    await m.api.reveal('alan-turing', ['b2bEmail', 'phone']);
    const answer = await m.ex.exportLeads(['alan-turing', 'ada-lovelace']);
    expect(answer.rows.map((row) => row.lead)).toEqual(['alan-turing', 'ada-lovelace']);
    const [alan, ada] = answer.rows;
    expect(ada).toMatchObject({
      name: 'Ada Lovelace',
      headline: 'Analyst & Programmer',
      company: 'Analytical Engines Ltd',
      location: 'London',
      values: {
        b2bEmail: [{ value: 'ada@analytical-engines.example', verifiedAt: '2026-01-15T09:00:00.000Z' }],
        phone: [],
        directEmail: [],
      },
      exports: 1,
    });
    expect(alan?.values.phone.map((v) => [v.value, v.phoneKind])).toEqual([
      ['+44 7700 900456', 'mobile'],
      ['+44 1908 640404', 'landline'],
      ['+44 7700 900789', 'mobile'],
    ]);
    expect(JSON.stringify(answer)).not.toContain('ada.lovelace@mail.example');
    expect(JSON.stringify(answer)).not.toContain('+44 7700 900123');
  });

  it('replays a retried export byte for byte and charges nothing; another body under the key is a 422', async () => {
    const { adminApi, members } = await team();
    const m = first(members);
    await m.api.reveal('grace-hopper', ['b2bEmail']);
    await m.api.reveal('alan-turing', ['b2bEmail']);
    const key = randomUUID();
    const body = { leads: ['grace-hopper', 'alan-turing'], target: 'csv' as const };
    const firstAnswer = await m.ex.exportRaw(body, key);
    expect(firstAnswer.status).toBe(200);
    const bytes = await firstAnswer.text();
    const retry = await m.ex.exportRaw(body, key);
    expect(retry.status).toBe(200);
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await retry.text()).toBe(bytes);
    expect((await adminApi.balances()).export).toMatchObject({ remaining: 8, used: 2 });
    // The same leads in another order, another target, or other leads: another request.
    await expectError(
      await m.ex.exportRaw({ ...body, leads: ['alan-turing', 'grace-hopper'] }, key),
      422,
      'idempotency_key_reused',
    );
    await expectError(await m.ex.exportRaw({ ...body, target: 'webhook' }, key), 422, 'idempotency_key_reused');
    // A reveal's key is not an export's.
    await expectError(
      await m.api.revealRaw({ lead: 'grace-hopper', types: ['b2bEmail'] }, key),
      422,
      'idempotency_key_reused',
    );
    // A new export of the same leads is a new charge (R5).
    await m.ex.exportLeads(body.leads);
    expect((await adminApi.balances()).export).toMatchObject({ remaining: 6, used: 4 });
  });

  it('refuses an export without an Idempotency-Key or with a bad body, charging nothing', async () => {
    const { adminApi, members } = await team();
    const m = first(members);
    await m.api.reveal('grace-hopper', ['b2bEmail']);
    await expectError(
      await m.ex.exportRaw({ leads: ['grace-hopper'], target: 'csv' }, null),
      400,
      'idempotency_key_missing',
    );
    await expectError(await m.ex.exportRaw({ leads: [], target: 'csv' }), 400, 'bad_request');
    await expectError(
      await m.ex.exportRaw({ leads: ['grace-hopper', 'Grace-Hopper'], target: 'csv' }),
      400,
      'bad_request',
    );
    await expectError(await m.ex.exportRaw({ leads: ['grace-hopper'], target: 'xlsx' }), 400, 'bad_request');
    await expectError(await m.ex.exportRaw('not json'), 400, 'bad_request');
    await expectError(await h.fetcher('/v1/exports', { method: 'POST' }), 401, 'unauthorized');
    expect((await adminApi.balances()).export.remaining).toBe(10);
  });

  it('refuses a selection larger than the credits left whole: 402 with needed and available, nothing charged or written', async () => {
    const { adminApi, admin, members } = await team({ credits: { b2bEmail: 20, export: 4 } });
    const m = first(members);
    const five = LEADS.slice(0, 5);
    for (const lead of five) await m.api.reveal(lead, ['b2bEmail']);
    const ledgerBefore = await adminApi.ledger();
    const key = randomUUID();
    const refused = await m.ex.exportRefused(five, key);
    expect(refused).toEqual({
      code: 'insufficient_credits',
      message: 'This export needs 5 export credits; 4 are left. Nothing was charged.',
      needed: 5,
      available: 4,
    });
    expect(await adminApi.ledger()).toEqual(ledgerBefore);
    expect((await adminApi.balances()).export).toEqual({ remaining: 4, monthlyAllotment: 4, addOn: 0, used: 0 });
    const quote = await m.ex.quote(five);
    expect(quote).toMatchObject({ needed: 5, available: 4, notRevealed: [] });
    expect(quote.leads.every((lead) => lead.exports === 0 && lead.lastExportedAt === null)).toBe(true);
    // A refusal is not kept under the key: once an admin bought credits, the same export goes through, once.
    await admin.buyAddOns({ credits: { export: 1 } });
    const paid = await m.ex.exportLeads(five, 'csv', key);
    expect(paid.export.charged).toBe(5);
    expect(paid.balances.export).toEqual({ remaining: 0, monthlyAllotment: 4, addOn: 1, used: 5 });
    const replay = await m.ex.exportRaw({ leads: five, target: 'csv' }, key);
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    expect((await adminApi.balances()).export.remaining).toBe(0);
    const one = await m.ex.exportRefused([first(five)]);
    expect(one).toMatchObject({
      needed: 1,
      available: 0,
      message: 'This export needs 1 export credit; 0 are left. Nothing was charged.',
    });
  });

  it('refuses a member at their export limit with reason memberLimit while the pool has credits', async () => {
    const { ws, admin, adminApi, members } = await team({ credits: { b2bEmail: 20, export: 50 } });
    const m = first(members);
    await admin.setLimits(m.id, { limits: { export: 3 } });
    for (const lead of LEADS.slice(0, 4)) await m.api.reveal(lead, ['b2bEmail']);
    const two = await m.ex.exportLeads(LEADS.slice(0, 2));
    expect(two.limits?.export).toEqual({ limit: 3, used: 2, remaining: 1 });
    const refused = await m.ex.exportRefused(LEADS.slice(0, 2));
    expect(refused).toEqual({
      code: 'insufficient_credits',
      message:
        'This export needs 2 export credits; your monthly limit of 3 export credits leaves you 1. Nothing was charged.',
      needed: 2,
      available: 1,
      reason: 'memberLimit',
    });
    expect(await m.ex.quote(LEADS.slice(0, 2))).toMatchObject({
      needed: 2,
      available: 1,
      memberLimit: { limit: 3, used: 2 },
    });
    // The pool still has credits: the admin exports, and the member's last credit still works.
    await adminApi.reveal(first(LEADS), ['b2bEmail']);
    expect((await exportsClient(h.fetcher, ws.admin.apiKey).quote([first(LEADS)])).memberLimit).toBeUndefined();
    const last = await m.ex.exportLeads([first(LEADS)]);
    expect(last.limits?.export).toEqual({ limit: 3, used: 3, remaining: 0 });
    expect(last.balances.export.remaining).toBe(47);
    expect((await admin.members()).members.find((member) => member.id === m.id)?.usage.export).toBe(3);
  });

  it('refuses leads the pool never revealed, whole, naming how many, charging nothing', async () => {
    const { adminApi, members } = await team();
    const m = first(members);
    await m.api.reveal('grace-hopper', ['b2bEmail']);
    const error = await expectError(
      await m.ex.exportRaw({ leads: ['grace-hopper', 'alan-turing', 'nobody-here'], target: 'csv' }),
      404,
      'not_found',
    );
    expect(error.message).toContain('2 of these leads were never revealed by your pool (alan-turing, nobody-here)');
    expect((await adminApi.balances()).export.remaining).toBe(10);
    expect(await m.ex.quote(['grace-hopper', 'alan-turing'])).toMatchObject({
      needed: 1,
      notRevealed: ['alan-turing'],
      leads: [{ lead: 'grace-hopper', exports: 0, lastExportedAt: null }],
    });
  });

  it('lets member B export what member A revealed; another pool cannot export it', async () => {
    const { adminApi, members } = await team({ members: 2 });
    const [a, b] = members;
    if (!a || !b) throw new Error('no members');
    await a.api.reveal('katherine-johnson', ['directEmail']);
    const answer = await b.ex.exportLeads(['katherine-johnson']);
    expect(answer.rows[0]?.values.directEmail.map((v) => v.value)).toEqual(['katherine.johnson@mail.example']);
    expect(answer.rows[0]?.values.b2bEmail).toEqual([]);
    const spent = (await adminApi.ledger('?type=export')).entries.filter((e) => e.reason === 'export');
    expect(spent.map((e) => e.userId)).toEqual([b.id]);
    const other = await newWorkspace(h.db, { plan: 'business' });
    const outsider = exportsClient(h.fetcher, other.admin.apiKey);
    await expectError(await outsider.exportRaw({ leads: ['katherine-johnson'], target: 'csv' }), 404, 'not_found');
    expect((await client(h.fetcher, other.admin.apiKey).balances()).export.remaining).toBe(10);
    expect(await outsider.quote(['katherine-johnson'])).toMatchObject({
      needed: 0,
      notRevealed: ['katherine-johnson'],
    });
  });

  it('never overspends under concurrency: 20 parallel exports with 10 credits, exactly 10 succeed', async () => {
    const { adminApi, members } = await team({ members: 2, credits: { b2bEmail: 20, export: 10 } });
    const [a, b] = members;
    if (!a || !b) throw new Error('no members');
    await a.api.reveal('ada-lovelace', ['b2bEmail']);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? a : b).ex.exportRaw({ leads: ['ada-lovelace'], target: 'csv' }),
      ),
    );
    const statuses = answers.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(10);
    expect(statuses.filter((status) => status === 402)).toHaveLength(10);
    expect((await adminApi.balances()).export).toMatchObject({ remaining: 0, used: 10 });
    expect((await a.ex.quote(['ada-lovelace'])).leads).toEqual([
      expect.objectContaining({ lead: 'ada-lovelace', exports: 10 }),
    ]);
    const spent = (await adminApi.ledger('?type=export')).entries.filter((e) => e.reason === 'export');
    expect(spent).toHaveLength(10);
  });

  it('never passes a member limit under concurrency', async () => {
    const { admin, adminApi, members } = await team({ credits: { b2bEmail: 20, export: 100 } });
    const m = first(members);
    await admin.setLimits(m.id, { limits: { export: 4 } });
    await m.api.reveal('ada-lovelace', ['b2bEmail']);
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => m.ex.exportRaw({ leads: ['ada-lovelace'], target: 'csv' })),
    );
    expect(answers.filter((response) => response.status === 200)).toHaveLength(4);
    for (const refused of answers.filter((response) => response.status !== 200)) {
      expect(refused.status).toBe(402);
      expect(((await refused.json()) as { error: { reason?: string } }).error.reason).toBe('memberLimit');
    }
    expect((await adminApi.balances()).export.remaining).toBe(96);
  });

  it('renews the export allotment of an idle month before charging', async () => {
    const start = new Date(Date.now() - 40 * 24 * 3600 * 1000);
    h.clock.now = start;
    try {
      const { adminApi, members } = await team({ credits: { b2bEmail: 20, export: 3 }, now: start });
      const m = first(members);
      for (const lead of LEADS.slice(0, 3)) await m.api.reveal(lead, ['b2bEmail']);
      await m.ex.exportLeads(LEADS.slice(0, 3));
      await m.ex.exportRefused(LEADS.slice(0, 1));
      // Forty days later: a new period; the allotment is granted again before the export is charged.
      h.clock.now = new Date(Date.now());
      const renewed = await m.ex.exportLeads(LEADS.slice(0, 2));
      expect(renewed.balances.export).toEqual({ remaining: 1, monthlyAllotment: 3, addOn: 0, used: 2 });
      const entries = (await adminApi.ledger('?type=export')).entries;
      const renewal = entries.find((e) => e.reason === 'renewal');
      expect(renewal?.at).toBe(addMonths(start, 1).toISOString());
      expect(entries.filter((e) => e.reason === 'export')).toHaveLength(5);
      expect((await adminApi.account()).workspace.renewsAt).toBe(addMonths(start, 2).toISOString());
    } finally {
      h.clock.now = new Date();
    }
  });

  it('an upgrade from the free plan keeps how often each lead was exported (R5) in the shared pool', async () => {
    const ws = await newWorkspace(h.db, { plan: 'free', seats: 3, now: h.clock.now });
    const admin = adminClient(h.fetcher, ws.admin.apiKey);
    const mine = exportsClient(h.fetcher, ws.admin.apiKey);
    await client(h.fetcher, ws.admin.apiKey).reveal('ada-lovelace', ['b2bEmail']);
    await mine.exportLeads(['ada-lovelace']);
    await mine.exportLeads(['ada-lovelace']);
    const upgraded = await admin.raw.upgrade({ plan: 'business', seats: 3, credits: { b2bEmail: 10, export: 10 } });
    expect(upgraded.status).toBe(200);
    const quote = await mine.quote(['ada-lovelace']);
    expect(quote.leads).toEqual([{ lead: 'ada-lovelace', exports: 2, lastExportedAt: expect.any(String) }]);
    const again = await mine.exportLeads(['ada-lovelace']);
    expect(again.rows[0]?.exports).toBe(3);
  });

  it('quotes for free: needed, available, and how often and when each lead was exported', async () => {
    const { adminApi, members } = await team();
    const m = first(members);
    await m.api.reveal('ada-lovelace', ['b2bEmail']);
    await m.api.reveal('grace-hopper', ['b2bEmail']);
    const exported = await m.ex.exportLeads(['ada-lovelace']);
    const quote = await m.ex.quote(['grace-hopper', 'ada-lovelace', 'nobody-here']);
    expect(quote).toEqual({
      needed: 2,
      available: 9,
      leads: [
        { lead: 'grace-hopper', exports: 0, lastExportedAt: null },
        { lead: 'ada-lovelace', exports: 1, lastExportedAt: exported.export.at },
      ],
      notRevealed: ['nobody-here'],
    });
    expect((await adminApi.balances()).export.remaining).toBe(9);
    await expectError(await m.ex.quoteRaw({ leads: [] }), 400, 'bad_request');
  });
});
