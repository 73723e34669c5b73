/**
 * The API client's leads and exports calls against the server's documented answers
 * (shared/api.ts; the server tier checks the server gives them): what each call sends, how
 * answers are validated, and how a refused export (402, R6) comes back as a value that says
 * how many export credits are needed and how many are left, in the user's language.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { ExportResponse, LeadListPage, PoolLead } from '../../../shared/api.ts';
import { createApiClient, type FetchLike } from '../../../entrypoints/background/api-client.ts';
import { installFakeI18n } from '../../support/fake-i18n.ts';
import { LOCALES } from '../../support/locale-files.ts';

const SERVER = 'http://127.0.0.1:8787';

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A fetch answering each request with the next of `answers` and recording what was sent. */
function fakeServer(...answers: Array<{ status: number; body: unknown } | Error>) {
  const sent: Sent[] = [];
  const fetch: FetchLike = async (url, init) => {
    sent.push({
      url,
      method: init.method ?? 'GET',
      headers: init.headers as Record<string, string>,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    });
    const answer = answers.shift();
    if (!answer) throw new Error('no answer left');
    if (answer instanceof Error) throw answer;
    const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    return new Response(text, { status: answer.status, headers: { 'Content-Type': 'application/json' } });
  };
  const api = createApiClient({ serverUrl: SERVER, apiKey: 'll_live_key', fetch, sleep: async () => undefined });
  return { api, sent };
}

const balance = (remaining: number) => ({ remaining, monthlyAllotment: 10, addOn: 0, used: 10 - remaining });
const BALANCES = { b2bEmail: balance(9), phone: balance(10), directEmail: balance(10), export: balance(8) };

const ADA: PoolLead = {
  lead: 'ada-lovelace',
  name: 'Ada Lovelace',
  headline: 'Analyst & Programmer',
  company: 'Analytical Engines Ltd',
  location: 'London',
  revealedAt: '2026-11-02T10:00:00.000Z',
  lastRevealedAt: '2026-11-02T10:00:00.000Z',
  values: {
    b2bEmail: [{ value: 'ada@analytical-engines.example', verifiedAt: '2026-01-15T09:00:00.000Z' }],
    phone: [],
    directEmail: [],
  },
  exports: 2,
  lastExportedAt: '2026-11-03T08:00:00.000Z',
};

const EXPORTED: ExportResponse = {
  export: { id: 'exp_1', at: '2026-11-03T08:00:00.000Z', target: 'csv', charged: 1 },
  rows: [ADA],
  balances: BALANCES,
  limits: {},
};

const refusal = (needed: number, available: number, reason?: 'memberLimit') => ({
  status: 402,
  body: {
    error: {
      code: 'insufficient_credits',
      message: `This export needs ${needed} export credits; ${available} are left. Nothing was charged.`,
      needed,
      available,
      ...(reason ? { reason } : {}),
    },
  },
});

afterEach(() => {
  installFakeI18n(fakeBrowser, LOCALES, () => 'en');
});

describe('leadList', () => {
  it('asks one page with its limit and cursor, signed with the key, and validates it', async () => {
    const page: LeadListPage = { leads: [ADA], nextCursor: 'next-page' };
    const { api, sent } = fakeServer({ status: 200, body: page }, { status: 200, body: page });
    expect(await api.leadList({ limit: 1000 })).toEqual({ ok: true, data: page });
    expect(await api.leadList({ limit: 1000, cursor: 'a b/c' })).toEqual({ ok: true, data: page });
    expect(sent.map((request) => [request.method, request.url])).toEqual([
      ['GET', `${SERVER}/v1/leads?limit=1000`],
      ['GET', `${SERVER}/v1/leads?limit=1000&cursor=a+b%2Fc`],
    ]);
    expect(sent[0]?.headers.Authorization).toBe('Bearer ll_live_key');
  });

  it('refuses a page without the expected fields', async () => {
    const { api } = fakeServer({ status: 200, body: { leads: [{ lead: 'ada-lovelace' }], nextCursor: null } });
    const result = await api.leadList({});
    expect(result).toMatchObject({ ok: false, error: { code: 'server_invalid', status: 200 } });
  });
});

describe('exportQuote', () => {
  it('posts the leads and answers the quote', async () => {
    const quote = {
      needed: 1,
      available: 8,
      leads: [{ lead: 'ada-lovelace', exports: 2, lastExportedAt: '2026-11-03T08:00:00.000Z' }],
      notRevealed: ['nobody-here'],
    };
    const { api, sent } = fakeServer({ status: 200, body: quote });
    expect(await api.exportQuote(['ada-lovelace', 'nobody-here'])).toEqual({ ok: true, data: quote });
    expect(sent[0]).toMatchObject({
      method: 'POST',
      url: `${SERVER}/v1/exports/quote`,
      body: { leads: ['ada-lovelace', 'nobody-here'] },
    });
    expect(sent[0]?.headers['Idempotency-Key']).toBeUndefined();
  });
});

describe('exportLeads', () => {
  it('sends the export with its Idempotency-Key and answers the charged rows', async () => {
    const { api, sent } = fakeServer({ status: 200, body: EXPORTED });
    const result = await api.exportLeads({ leads: ['ada-lovelace'], target: 'csv' }, 'export-key-1');
    expect(result).toEqual({ ok: true, data: EXPORTED });
    expect(sent[0]).toMatchObject({
      method: 'POST',
      url: `${SERVER}/v1/exports`,
      body: { leads: ['ada-lovelace'], target: 'csv' },
      headers: { 'Idempotency-Key': 'export-key-1', 'Content-Type': 'application/json' },
    });
  });

  it('turns a 402 into "needs N, M left", with the figures, nothing charged', async () => {
    const { api } = fakeServer(refusal(5, 4));
    const result = await api.exportLeads({ leads: ['a', 'b', 'c', 'd', 'e'], target: 'csv' }, 'export-key-2');
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'insufficient_credits',
        message: 'This export needs 5 export credits; 4 are left.',
        status: 402,
        apiCode: 'insufficient_credits',
        mayHaveCommitted: false,
        insufficient: { needed: 5, available: 4 },
      },
    });
  });

  it('says so when the member’s own monthly limit is what refused it', async () => {
    const { api } = fakeServer(refusal(1, 0, 'memberLimit'));
    const result = await api.exportLeads({ leads: ['ada-lovelace'], target: 'webhook' }, 'export-key-3');
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'insufficient_credits',
        message: 'This export needs 1 export credit; your monthly limit leaves you 0.',
        insufficient: { needed: 1, available: 0, reason: 'memberLimit' },
      },
    });
  });

  it('says it in French to a browser in French', async () => {
    installFakeI18n(fakeBrowser, LOCALES, () => 'fr');
    const { api } = fakeServer(refusal(5, 4));
    const result = await api.exportLeads({ leads: ['a', 'b', 'c', 'd', 'e'], target: 'csv' }, 'export-key-4');
    const message = result.ok ? '' : result.error.message;
    expect(message).toMatch(/^Cet export demande 5 crédits d’export\s;\sil en reste 4\.$/u);
  });

  it('asks again with the same key while the server still works on it, then takes the replayed answer', async () => {
    const inFlight = {
      status: 409,
      body: { error: { code: 'idempotency_in_flight', message: 'The same request is still being processed.' } },
    };
    const { api, sent } = fakeServer(inFlight, inFlight, { status: 200, body: EXPORTED });
    const result = await api.exportLeads({ leads: ['ada-lovelace'], target: 'csv' }, 'export-key-5');
    expect(result).toEqual({ ok: true, data: EXPORTED });
    expect(sent.map((request) => request.headers['Idempotency-Key'])).toEqual([
      'export-key-5',
      'export-key-5',
      'export-key-5',
    ]);
  });

  it('keeps the key when the server may have charged (a 5xx, a lost answer), not after a refusal', async () => {
    const notRevealed = {
      status: 404,
      body: {
        error: { code: 'not_found', message: '1 of these leads was never revealed by your pool.', field: 'leads' },
      },
    };
    const { api } = fakeServer({ status: 500, body: 'oops' }, new TypeError('fetch failed'), notRevealed);
    const request = { leads: ['ada-lovelace'], target: 'csv' as const };
    expect(await api.exportLeads(request, 'k1')).toMatchObject({
      ok: false,
      error: { code: 'server_error', mayHaveCommitted: true },
    });
    expect(await api.exportLeads(request, 'k1')).toMatchObject({
      ok: false,
      error: { code: 'server_unreachable', mayHaveCommitted: true },
    });
    const refused = await api.exportLeads(request, 'k2');
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'server_error', apiCode: 'not_found', mayHaveCommitted: false },
    });
    expect(refused.ok ? '' : refused.error.message).toContain('never revealed by your pool');
    expect(refused.ok ? null : refused.error.insufficient).toBeUndefined();
  });
});
