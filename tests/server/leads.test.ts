/**
 * The pool's lead list through HTTP, on PGlite and on Postgres: every revealed lead once,
 * newest first reveal first, in keyset pages that stay right while reveals go on; only the
 * values the pool revealed; export counts per lead.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { PoolLead } from '../../shared/api.ts';
import { importPeople } from '../../server/people.ts';
import { exportsClient } from './exports-client.ts';
import { adminClient, BACKENDS, client, expectError, newWorkspace, useHarness } from './harness.ts';

const LEADS = Array.from({ length: 23 }, (_, i) => `list-lead-${String(i).padStart(2, '0')}`);

describe.each(BACKENDS)('lead list on %s', (backend) => {
  const h = useHarness(backend);
  beforeAll(async () => {
    await importPeople(
      h.db,
      LEADS.map((slug, i) => ({
        slug,
        fullName: `List Lead ${i}`,
        headline: `Headline ${i}`,
        location: 'Paris',
        b2bEmail: [{ value: `${slug}@work.example` }],
        phone: [{ value: `+33 6 00 00 00 ${String(i).padStart(2, '0')}`, phoneKind: 'mobile' as const }],
        directEmail: [{ value: `${slug}@home.example` }],
      })),
    );
  });

  /** Every page from the first, `limit` leads at a time. */
  async function allPages(apiKey: string, limit: number): Promise<{ leads: PoolLead[]; pages: number }> {
    const api = exportsClient(h.fetcher, apiKey);
    const leads: PoolLead[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await api.leads(`?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      pages++;
      expect(page.leads.length).toBeLessThanOrEqual(limit);
      leads.push(...page.leads);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return { leads, pages };
  }

  const at = (base: number, seconds: number) => new Date(base + seconds * 1000);

  it('lists every revealed lead once, newest first reveal first, across pages', async () => {
    const ws = await newWorkspace(h.db, { plan: 'business', credits: { b2bEmail: 100, phone: 100, directEmail: 100 } });
    const api = client(h.fetcher, ws.admin.apiKey);
    const base = Date.now();
    try {
      // Two leads share a reveal time (a tie the slug breaks); one lead reveals two types at once.
      for (const [i, lead] of LEADS.entries()) {
        h.clock.now = at(base, i < 2 ? 0 : i);
        await api.reveal(lead, i === 5 ? ['b2bEmail', 'phone'] : ['b2bEmail']);
      }
      // A later reveal of another type does not move a lead: its first reveal stays.
      h.clock.now = at(base, 100);
      await api.reveal('list-lead-03', ['directEmail']);
    } finally {
      h.clock.now = new Date();
    }
    const expected = [...LEADS].reverse(); // list-lead-22 first; 01 before 00 (same time, slug descending)
    for (const limit of [1, 7, 23, 1000]) {
      const { leads, pages } = await allPages(ws.admin.apiKey, limit);
      expect(leads.map((lead) => lead.lead)).toEqual(expected);
      expect(pages).toBe(Math.max(1, Math.ceil(LEADS.length / limit)));
    }
    const { leads } = await allPages(ws.admin.apiKey, 50);
    const three = leads.find((lead) => lead.lead === 'list-lead-03');
    expect(three).toMatchObject({
      name: 'List Lead 3',
      headline: 'Headline 3',
      company: null,
      location: 'Paris',
      revealedAt: at(base, 3).toISOString(),
      lastRevealedAt: at(base, 100).toISOString(),
      exports: 0,
      lastExportedAt: null,
    });
    expect(three?.values).toEqual({
      b2bEmail: [{ value: 'list-lead-03@work.example', verifiedAt: null }],
      phone: [],
      directEmail: [{ value: 'list-lead-03@home.example', verifiedAt: null }],
    });
    expect(leads.find((lead) => lead.lead === 'list-lead-05')?.values.phone).toEqual([
      { value: '+33 6 00 00 00 05', phoneKind: 'mobile', verifiedAt: null },
    ]);
  });

  it('keeps its pages right while reveals go on between them', async () => {
    const ws = await newWorkspace(h.db, { plan: 'business', credits: { b2bEmail: 100 } });
    const api = client(h.fetcher, ws.admin.apiKey);
    const list = exportsClient(h.fetcher, ws.admin.apiKey);
    for (const lead of LEADS.slice(0, 10)) await api.reveal(lead, ['b2bEmail']);
    const first = await list.leads('?limit=4');
    // New leads arrive at the top; the next pages go on from where the first stopped.
    for (const lead of LEADS.slice(10, 13)) await api.reveal(lead, ['b2bEmail']);
    const seen = [...first.leads.map((lead) => lead.lead)];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await list.leads(`?limit=4&cursor=${encodeURIComponent(cursor)}`);
      seen.push(...page.leads.map((lead) => lead.lead));
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(LEADS.slice(0, 10).reverse());
  });

  it('counts exports per lead; other pools see none of it; members of the pool see it all', async () => {
    const ws = await newWorkspace(h.db, { plan: 'business', credits: { b2bEmail: 100, export: 100 } });
    const member = await adminClient(h.fetcher, ws.admin.apiKey).addMember({
      email: `m-${ws.workspaceId}@example.com`,
    });
    const api = client(h.fetcher, ws.admin.apiKey);
    const ex = exportsClient(h.fetcher, ws.admin.apiKey);
    for (const lead of LEADS.slice(0, 3)) await api.reveal(lead, ['b2bEmail']);
    await ex.exportLeads(LEADS.slice(0, 2));
    const last = await ex.exportLeads(LEADS.slice(1, 2), 'webhook');
    const page = await exportsClient(h.fetcher, member.apiKey).leads();
    const counts = Object.fromEntries(page.leads.map((lead) => [lead.lead, [lead.exports, lead.lastExportedAt]]));
    expect(counts).toEqual({
      [LEADS[0] ?? '']: [1, expect.any(String)],
      [LEADS[1] ?? '']: [2, last.export.at],
      [LEADS[2] ?? '']: [0, null],
    });
    const outsider = await newWorkspace(h.db);
    expect(await exportsClient(h.fetcher, outsider.admin.apiKey).leads()).toEqual({ leads: [], nextCursor: null });
  });

  it('pages through the longest slugs (200 characters of 4 UTF-8 bytes each)', async () => {
    const longest = ['🦊', '🐙', '🦉'].map((emoji) => `${emoji.repeat(99)}x`);
    await importPeople(
      h.db,
      longest.map((slug) => ({ slug, fullName: 'Long Slug', b2bEmail: [{ value: 'long@work.example' }] })),
    );
    const ws = await newWorkspace(h.db);
    const api = client(h.fetcher, ws.admin.apiKey);
    for (const lead of longest) await api.reveal(lead, ['b2bEmail']);
    const { leads, pages } = await allPages(ws.admin.apiKey, 1);
    expect(new Set(leads.map((lead) => lead.lead))).toEqual(new Set(longest));
    expect(pages).toBe(3);
  });

  it('refuses a bad cursor or limit with a 400 naming it, and no key with a 401', async () => {
    const ws = await newWorkspace(h.db);
    const list = exportsClient(h.fetcher, ws.admin.apiKey);
    expect((await expectError(await list.leadsRaw('?cursor=bm9wZQ'), 400, 'bad_request')).field).toBe('cursor');
    const forged = Buffer.from('leads:["yesterday","x"]').toString('base64url');
    expect((await expectError(await list.leadsRaw(`?cursor=${forged}`), 400, 'bad_request')).field).toBe('cursor');
    expect((await expectError(await list.leadsRaw('?limit=1001'), 400, 'bad_request')).field).toBe('limit');
    expect((await expectError(await list.leadsRaw('?limit=0'), 400, 'bad_request')).field).toBe('limit');
    await expectError(await h.fetcher('/v1/leads'), 401, 'unauthorized');
  });
});
