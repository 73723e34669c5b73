/**
 * Sample leads for the Leads tab and export tests: a pool's revealed leads as the background
 * lists them, an export quote, and a way to see a file the page saves without downloading it.
 */
import type { ExportQuote, PoolLead } from '../../shared/api.ts';
import type { ExportOutcome } from '../../shared/protocol.ts';
import { BALANCES, balance } from './fakes.ts';

export function poolLead(lead: string, overrides: Partial<PoolLead> = {}): PoolLead {
  return {
    lead,
    name: null,
    headline: null,
    company: null,
    location: null,
    revealedAt: '2026-11-01T10:00:00.000Z',
    lastRevealedAt: '2026-11-01T10:00:00.000Z',
    values: { b2bEmail: [], phone: [], directEmail: [] },
    exports: 0,
    lastExportedAt: null,
    ...overrides,
  };
}

/**
 * `count` leads "Lead 00001"… with an email each, newest reveal first as the server lists
 * them: lead n was revealed n minutes before 2026-11-20 12:00.
 */
export function manyLeads(count: number): PoolLead[] {
  const start = Date.parse('2026-11-20T12:00:00.000Z');
  return Array.from({ length: count }, (_unused, i) => {
    const n = String(i + 1).padStart(5, '0');
    const at = new Date(start - (i + 1) * 60_000).toISOString();
    return poolLead(`lead-${n}`, {
      name: `Lead ${n}`,
      company: `Company ${i % 50}`,
      headline: 'Engineer',
      revealedAt: at,
      lastRevealedAt: at,
      values: {
        b2bEmail: [{ value: `lead${n}@example.com`, verifiedAt: null }],
        phone: [],
        directEmail: [],
      },
    });
  });
}

export const ADA = poolLead('ada-lovelace', {
  name: 'Ada Lovelace',
  company: 'Babbage & Co',
  headline: 'Analyst',
  revealedAt: '2026-11-10T10:00:00.000Z',
  values: {
    b2bEmail: [{ value: 'ada@babbage.example', verifiedAt: null }],
    phone: [{ value: '+44 20 7946 0018', phoneKind: 'mobile', verifiedAt: null }],
    directEmail: [],
  },
});

export const ELOISE = poolLead('eloise-dupre', {
  name: 'Éloïse Dupré',
  company: 'Société Générale',
  revealedAt: '2026-11-12T10:00:00.000Z',
  exports: 1,
  lastExportedAt: '2026-11-15T10:00:00.000Z',
  values: {
    b2bEmail: [],
    phone: [],
    directEmail: [{ value: 'eloise@example.fr', verifiedAt: null }],
  },
});

export const GRACE = poolLead('grace-hopper', {
  name: 'Grace Hopper',
  company: 'US Navy',
  revealedAt: '2026-11-05T10:00:00.000Z',
  exports: 3,
  lastExportedAt: '2026-11-18T10:00:00.000Z',
  values: {
    b2bEmail: [{ value: 'grace@navy.example', verifiedAt: null }],
    phone: [],
    directEmail: [],
  },
});

export function quoteFor(leads: PoolLead[], available: number, overrides: Partial<ExportQuote> = {}): ExportQuote {
  return {
    needed: leads.length,
    available,
    leads: leads.map((lead) => ({ lead: lead.lead, exports: lead.exports, lastExportedAt: lead.lastExportedAt })),
    notRevealed: [],
    ...overrides,
  };
}

/** What the background answers for a charged CSV export of `leads`. */
export function csvOutcome(leads: PoolLead[], content = 'name,email\r\n'): ExportOutcome {
  return {
    export: { id: 'export-1', at: '2026-11-27T10:00:00.000Z', target: 'csv', charged: leads.length },
    rows: leads.map((lead) => ({ ...lead, exports: lead.exports + 1, lastExportedAt: '2026-11-27T10:00:00.000Z' })),
    balances: { ...BALANCES, export: balance(BALANCES.export.remaining - leads.length, 10, 2) },
    file: { name: 'leadlens-export.csv', mimeType: 'text/csv;charset=utf-8', content: `\uFEFF${content}` },
  };
}

/**
 * Records the files the page saves (the click on an `<a download>`), and stops the browser
 * from downloading them. Returns the list and the function that stops recording.
 */
export function watchDownloads(): { saved: Array<{ name: string; url: string }>; stop: () => void } {
  const saved: Array<{ name: string; url: string }> = [];
  const onClick = (event: MouseEvent) => {
    const link = (event.target as Element | null)?.closest?.('a[download]');
    if (!(link instanceof HTMLAnchorElement)) return;
    event.preventDefault();
    saved.push({ name: link.download, url: link.href });
  };
  document.addEventListener('click', onClick, true);
  return { saved, stop: () => document.removeEventListener('click', onClick, true) };
}
