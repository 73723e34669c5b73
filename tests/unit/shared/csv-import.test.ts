/**
 * The profile list of a bulk enrichment: whatever CSV or list the user picks, the profiles
 * come out canonical, once each, in order, with the duplicates, invalid rows and rows past
 * the cap counted.
 */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { MAX_EXPORT_LEADS } from '../../../shared/api.ts';
import { readProfileList } from '../../../shared/csv-import.ts';

describe('readProfileList', () => {
  it('reads one address per line, with or without scheme, in their canonical form', () => {
    const list = readProfileList(
      [
        'https://www.linkedin.com/in/ada-lovelace/',
        'linkedin.com/in/Grace-Hopper',
        'uk.linkedin.com/in/alan-turing?trk=x',
        '/in/J%C3%A9r%C3%B4me-Dupont/',
        'in/katherine-johnson',
      ].join('\n'),
    );
    expect(list).toEqual({
      valid: ['ada-lovelace', 'grace-hopper', 'alan-turing', 'jérôme-dupont', 'katherine-johnson'],
      duplicates: 0,
      invalid: [],
      overCap: 0,
      total: 5,
    });
  });

  it('counts two spellings of one profile as a duplicate and keeps the first occurrence order', () => {
    const list = readProfileList(
      [
        'https://www.linkedin.com/in/grace-hopper',
        'https://www.linkedin.com/in/ada-lovelace',
        'https://www.linkedin.com/in/Grace-Hopper/details/experience/',
        'www.linkedin.com/in/ada-lovelace/',
        'https://www.linkedin.com/in/alan-turing',
      ].join('\r\n'),
    );
    expect(list.valid).toEqual(['grace-hopper', 'ada-lovelace', 'alan-turing']);
    expect(list.duplicates).toBe(2);
    expect(list.total).toBe(5);
  });

  it('finds the address column of a CRM export with a header, a BOM, quotes and line breaks', () => {
    const csv = Papa.unparse(
      [
        ['Full name', 'Notes', 'Email', 'LinkedIn'],
        [
          'Ada Lovelace',
          'met at "the Expo", twice\nthen again',
          'ada@x.example',
          'https://www.linkedin.com/in/ada-lovelace',
        ],
        ['Grace Hopper', '', 'grace@x.example', 'https://www.linkedin.com/in/grace-hopper/'],
        ['No Profile', 'see https://example.com/in/not-linkedin', 'np@x.example', 'https://example.com/in/nobody'],
        ['Alan Turing', 'a\nb\nc', '', 'www.linkedin.com/in/alan-turing'],
      ],
      { newline: '\r\n' },
    );
    const list = readProfileList(`\uFEFF${csv}`);
    expect(list.valid).toEqual(['ada-lovelace', 'grace-hopper', 'alan-turing']);
    // Line numbers of the file: the quoted line breaks above count.
    expect(list.invalid).toEqual([{ line: 5, value: 'https://example.com/in/nobody' }]);
    expect(list.total).toBe(4);
  });

  it('takes the first column where most cells are profile addresses', () => {
    const csv = [
      'https://www.linkedin.com/company/acme;https://www.linkedin.com/in/ada-lovelace;https://www.linkedin.com/in/x-old',
      'https://www.linkedin.com/company/acme;https://www.linkedin.com/in/grace-hopper;',
    ].join('\n');
    const list = readProfileList(csv);
    expect(list.valid).toEqual(['ada-lovelace', 'grace-hopper']);
  });

  it('reads tab-separated files and skips blank lines', () => {
    const list = readProfileList(
      'name\tprofile\n\nAda\thttps://www.linkedin.com/in/ada-lovelace\n\n\nGrace\thttps://www.linkedin.com/in/grace-hopper\n',
    );
    expect(list.valid).toEqual(['ada-lovelace', 'grace-hopper']);
    expect(list.total).toBe(2);
    expect(list.invalid).toEqual([]);
  });

  it('reports invalid rows with their line and value, and a typo in the first row is not taken for a header', () => {
    const list = readProfileList(
      [
        'https://www.linkdin.com/in/typo',
        'https://www.linkedin.com/in/ada-lovelace',
        'https://www.linkedin.com/company/acme',
        'https://www.linkedin.com/in/grace-hopper',
        'https://www.linkedin.com/in/alan-turing',
        'just some text',
      ].join('\n'),
    );
    expect(list.valid).toEqual(['ada-lovelace', 'grace-hopper', 'alan-turing']);
    expect(list.invalid).toEqual([
      { line: 1, value: 'https://www.linkdin.com/in/typo' },
      { line: 3, value: 'https://www.linkedin.com/company/acme' },
      { line: 6, value: 'just some text' },
    ]);
    expect(list.total).toBe(6);
  });

  it('shows the whole row of a row with no address in the profile column', () => {
    const list = readProfileList(
      'Name,Profile\nAda,https://www.linkedin.com/in/ada-lovelace\nGrace,\nAlan,https://www.linkedin.com/in/alan-turing\n',
    );
    expect(list.invalid).toEqual([{ line: 3, value: 'Grace,' }]);
  });

  it('reads a one-column list of bare slugs, header or not', () => {
    expect(readProfileList('slug\nada-lovelace\nGrace-Hopper\nada-lovelace\nnot a slug\nx@y.example\n')).toEqual({
      valid: ['ada-lovelace', 'grace-hopper'],
      duplicates: 1,
      invalid: [
        { line: 5, value: 'not a slug' },
        { line: 6, value: 'x@y.example' },
      ],
      overCap: 0,
      total: 5,
    });
    expect(readProfileList('jérôme-dupont\n王小明-88a1b2\n').valid).toEqual(['jérôme-dupont', '王小明-88a1b2']);
  });

  it('skips the notes LinkedIn writes above the header of its connections export', () => {
    const csv = [
      'Notes:',
      '"When exporting your connection data, you may notice that some of the email addresses are missing"',
      '',
      'First Name,Last Name,URL,Email Address,Company,Position,Connected On',
      'Ada,Lovelace,https://www.linkedin.com/in/ada-lovelace,,Engines,CTO,01 Jan 2026',
      'Grace,Hopper,https://www.linkedin.com/in/grace-hopper,,Navy,Admiral,02 Jan 2026',
    ].join('\n');
    const list = readProfileList(csv);
    expect(list.valid).toEqual(['ada-lovelace', 'grace-hopper']);
    expect(list.total).toBe(2);
  });

  it('answers an empty list for an empty file or one with only a header', () => {
    const empty = { valid: [], duplicates: 0, invalid: [], overCap: 0, total: 0 };
    expect(readProfileList('')).toEqual(empty);
    expect(readProfileList('\uFEFF\r\n\r\n')).toEqual(empty);
    expect(readProfileList('linkedin_url\n')).toEqual(empty);
  });

  it(`keeps at most ${MAX_EXPORT_LEADS} profiles and counts the rows past the cap`, () => {
    const lines = ['linkedin_url'];
    for (let index = 0; index < MAX_EXPORT_LEADS + 25; index += 1) {
      lines.push(`https://www.linkedin.com/in/lead-${index}`);
    }
    lines.push('https://www.linkedin.com/in/lead-0', 'https://www.linkedin.com/in/lead-10010');
    const list = readProfileList(lines.join('\n'));
    expect(list.valid).toHaveLength(MAX_EXPORT_LEADS);
    expect(list.valid.at(-1)).toBe(`lead-${MAX_EXPORT_LEADS - 1}`);
    expect(list.overCap).toBe(25);
    expect(list.duplicates).toBe(2);
    expect(list.total).toBe(MAX_EXPORT_LEADS + 27);
  });

  it('cuts a very long invalid value to 200 characters', () => {
    const list = readProfileList(
      `https://www.linkedin.com/in/ada\nhttps://www.linkedin.com/in/bob\n${'x'.repeat(5000)}`,
    );
    expect(list.invalid[0]?.value).toHaveLength(200);
    expect(list.invalid[0]?.line).toBe(3);
  });
});
