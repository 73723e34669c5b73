/**
 * The leads and exports endpoints for the server tests (exports.test.ts, leads.test.ts): raw
 * requests for the status and bytes, and typed calls whose answers are parsed with the
 * shared schemas.
 */
import { randomUUID } from 'node:crypto';
import {
  ExportQuoteSchema,
  ExportResponseSchema,
  IDEMPOTENCY_HEADER,
  InsufficientExportBodySchema,
  LeadListPageSchema,
  type ExportRequest,
} from '../../shared/api.ts';
import type { Fetcher } from './harness.ts';

export function exportsClient(fetcher: Fetcher, apiKey: string) {
  const auth = { Authorization: `Bearer ${apiKey}` };
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetcher(path, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const exportRaw = (body: ExportRequest | unknown, key: string | null = randomUUID()) =>
    post('/v1/exports', body, key === null ? {} : { [IDEMPOTENCY_HEADER]: key });
  const expectStatus = async (response: Response, status: number) => {
    if (response.status !== status) throw new Error(`${response.status} ${await response.text()}`);
    return (await response.json()) as unknown;
  };
  return {
    exportRaw,
    exportLeads: async (leads: string[], target: ExportRequest['target'] = 'csv', key?: string) =>
      ExportResponseSchema.parse(await expectStatus(await exportRaw({ leads, target }, key), 200)),
    /** The 402 of an export refused for credits. */
    exportRefused: async (leads: string[], key?: string) =>
      InsufficientExportBodySchema.parse(await expectStatus(await exportRaw({ leads, target: 'csv' }, key), 402)).error,
    quoteRaw: (body: unknown) => post('/v1/exports/quote', body),
    quote: async (leads: string[]) =>
      ExportQuoteSchema.parse(await expectStatus(await post('/v1/exports/quote', { leads }), 200)),
    leadsRaw: (query = '') => fetcher(`/v1/leads${query}`, { headers: auth }),
    leads: async (query = '') =>
      LeadListPageSchema.parse(await expectStatus(await fetcher(`/v1/leads${query}`, { headers: auth }), 200)),
  };
}
