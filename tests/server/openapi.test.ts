/** The OpenAPI document is generated from the shared schemas and covers every route. */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { BACKENDS, useHarness } from './harness.ts';

describe.each(BACKENDS)('openapi on %s', (backend) => {
  const h = useHarness(backend);

  it('lists every route the app serves, with its method', async () => {
    const response = await h.fetcher('/openapi.json');
    expect(response.status).toBe(200);
    const doc = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    const routes = createApp({ db: h.db })
      .routes.filter((route) => route.method !== 'ALL')
      .map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m} ${path}`),
    );
    expect(routes.length).toBeGreaterThanOrEqual(6);
    expect(new Set(documented)).toEqual(new Set(routes));
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Account', 'RevealRequest', 'RevealResponse', 'Availability', 'LedgerPage', 'ErrorBody']),
    );
    expect(JSON.stringify(doc.components.schemas.RevealResponse)).toContain('insufficientCredits');
    // The team contract: admin bodies and answers, the limit refusal, the ledger's filters.
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        'MemberList',
        'Member',
        'AddMemberRequest',
        'AddedMember',
        'RemovedMember',
        'SetLimitsRequest',
        'AddOnPurchaseRequest',
        'AddOnPurchase',
        'UpgradeRequest',
        'UpgradeResponse',
      ]),
    );
    expect(JSON.stringify(doc.components.schemas.RevealResponse)).toContain('memberLimit');
    expect(JSON.stringify(doc.components.schemas.Account)).toContain('limits');
    expect(JSON.stringify(doc.paths['/v1/ledger'])).toContain('userId');
  });
});
