/**
 * The list of profiles a bulk enrichment starts from: a CSV file the user picked (a CRM or
 * LinkedIn export, with or without a header row, any of the usual separators) or a plain list
 * with one address per line. Read with papaparse, never split by hand: a quoted cell may hold
 * commas and line breaks.
 *
 * The column of profile addresses is found, not configured: the first column where most filled
 * cells are LinkedIn profile addresses (`https://www.linkedin.com/in/<slug>`, without the
 * scheme, a country subdomain, or a path `/in/<slug>`). A file with one column and no
 * addresses in it may be a list of bare slugs (`ada-lovelace`), as some tools write them.
 * Every address becomes its canonical slug (`shared/slug.ts`), so two spellings of one
 * profile are one row and are counted as a duplicate.
 */
import Papa from 'papaparse';
import { MAX_EXPORT_LEADS } from './export-limits.ts';
import { canonicalSlug, normalizeSlug } from './slug.ts';

export interface ProfileList {
  /** Canonical slugs, each once, in the order of their first occurrence; at most {@link MAX_EXPORT_LEADS}. */
  valid: string[];
  /** Rows naming a profile already named above. */
  duplicates: number;
  /** Rows whose cell is not a profile address; `line` is 1-based in the file, `value` as written. */
  invalid: { line: number; value: string }[];
  /** Distinct valid profiles past the cap, left out of `valid`. */
  overCap: number;
  /** Rows read: every non-blank row but the header. */
  total: number;
}

/** A non-blank row of the file: its cells, its first line (1-based) and each cell's profile slug, if any. */
interface Row {
  cells: string[];
  line: number;
  slugs: (string | null)[];
}

/** A cell is shown at most this long in `invalid`. */
const MAX_SHOWN_VALUE = 200;

/** Header cells of a list of bare slugs, in lower case. */
const HEADER_WORDS = new Set(
  [
    'slug',
    'profile',
    'url',
    'link',
    'linkedin',
    'linkedin url',
    'profile url',
    'linkedin profile',
    'linkedin slug',
  ].flatMap((word) => [word, `${word}s`]),
);

/** A bare LinkedIn slug: letters, marks, digits, `-`, `_` and percent escapes, 3 to 100 long. */
const BARE_SLUG = /^[\p{L}\p{M}\p{N}_%-]{3,100}$/u;

/** The canonical slug of a profile address in a cell, or null. */
function slugOfAddress(cell: string): string | null {
  const value = cell.trim();
  // Cheap test first: most cells of a wide CRM export are names and emails, and parsing each as a URL is not free.
  if (!/(?:^|\/)in\//i.test(value)) return null;
  // "in/ada-lovelace" as some exports cut it.
  return canonicalSlug(/^in\//i.test(value) ? `/${value}` : value);
}

function slugOfBare(cell: string): string | null {
  const value = cell.trim();
  return BARE_SLUG.test(value) ? normalizeSlug(value) : null;
}

/**
 * Reads the profiles of a CSV or of one address per line. Never throws: a file with no
 * profile address in it comes back with every row in `invalid`.
 */
export function readProfileList(text: string): ProfileList {
  // One kind of line end: papaparse guesses one per file, and a file edited on two systems has both.
  const source = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const rows: Row[] = [];
  let line = 1;
  let cursor = 0;
  Papa.parse<string[]>(source, {
    newline: '\n',
    // Blank lines would also throw off papaparse's guess of the separator.
    skipEmptyLines: 'greedy',
    step: (result) => {
      const end = result.meta.cursor;
      // The blank lines papaparse skipped come before this row, in the same stretch of text.
      const start = skipBlank(source, cursor);
      line += countLineBreaks(source, cursor, start);
      rows.push({ cells: result.data, line, slugs: result.data.map(slugOfAddress) });
      line += countLineBreaks(source, start, end);
      cursor = end;
    },
  });

  const column = addressColumn(rows);

  const list: ProfileList = { valid: [], duplicates: 0, invalid: [], overCap: 0, total: 0 };
  const seen = new Set<string>();
  let started = false;
  for (const { cells, line: rowLine, slugs } of rows) {
    const cell = cells[column.index] ?? '';
    const slug = column.bare ? slugOfBare(cell) : (slugs[column.index] ?? null);
    // A bare slug list's header ("slug") is a valid slug itself: there the word decides.
    if (!started && (slug === null || column.bare) && isHeaderCell(cell, column.bare)) continue;
    started = true;
    list.total += 1;
    if (slug === null) {
      const shown = cell.trim() === '' ? cells.join(', ').trim() : cell.trim();
      list.invalid.push({ line: rowLine, value: shown.slice(0, MAX_SHOWN_VALUE) });
    } else if (seen.has(slug)) {
      list.duplicates += 1;
    } else {
      seen.add(slug);
      if (list.valid.length < MAX_EXPORT_LEADS) list.valid.push(slug);
      else list.overCap += 1;
    }
  }
  return list;
}

/**
 * Rows before the first profile are a header (or the notes LinkedIn writes above its
 * exports) when their cell does not look like an attempt at an address: a typo in a
 * first-row address is reported, not taken for a header.
 */
function isHeaderCell(cell: string, bare: boolean): boolean {
  const value = cell.trim();
  if (bare) return HEADER_WORDS.has(value.toLowerCase().replace(/[\s_-]+/g, ' ')) || /\s/.test(value);
  return !/[/.]/.test(value);
}

/** The offset of the first character at or after `from` that is not white space. */
function skipBlank(text: string, from: number): number {
  let index = from;
  while (index < text.length && /\s/.test(text.charAt(index))) index += 1;
  return index;
}

function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let index = text.indexOf('\n', from); index !== -1 && index < to; index = text.indexOf('\n', index + 1)) {
    count += 1;
  }
  return count;
}

/**
 * The first column where more than half of the filled cells are profile addresses; else the
 * column with the most of them; else, for a one-column file, bare slugs.
 */
function addressColumn(rows: readonly Row[]): { index: number; bare: boolean } {
  const hits: number[] = [];
  const filled: number[] = [];
  for (const { cells, slugs } of rows) {
    cells.forEach((cell, index) => {
      if (cell.trim() === '') return;
      filled[index] = (filled[index] ?? 0) + 1;
      if (slugs[index] != null) hits[index] = (hits[index] ?? 0) + 1;
    });
  }
  for (let index = 0; index < filled.length; index += 1) {
    if ((hits[index] ?? 0) * 2 > (filled[index] ?? 0)) return { index, bare: false };
  }
  let best = -1;
  hits.forEach((count, index) => {
    if (count > 0 && (best < 0 || count > (hits[best] ?? 0))) best = index;
  });
  if (best >= 0) return { index: best, bare: false };
  return { index: 0, bare: filled.length === 1 };
}
