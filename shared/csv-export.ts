/**
 * The CSV files of an export (R5): the rows the server charged for, written with papaparse
 * (RFC 4180), never by hand.
 *
 * The file:
 * - UTF-8 with a byte-order mark first: Excel on Windows reads a CSV without one as
 *   Windows-1252 and turns "Jérôme" into "JÃ©rÃ´me". Every other reader skips the mark.
 * - CRLF between records, a header row, and every field quoted. RFC 4180 allows quoting any
 *   field; quoting all of them (OWASP's CSV injection advice) keeps a `;` or `,` inside a value
 *   in its cell even in a spreadsheet that splits on another separator (French Excel splits
 *   on `;`), so no part of a value can become a cell of its own.
 * - Standard layout: one column per kind of value. Phones go in three columns by kind
 *   (mobile, landline, kind unknown) rather than one column with "(mobile)" written after each
 *   number: the cell then holds the number alone, which is what a dialer needs when the user
 *   copies or clicks it, and the kind is still there, in the header. Several values of one kind
 *   share a cell, joined by {@link VALUE_SEPARATOR} ("; "): one line per lead in any viewer,
 *   split back with any tool's "text to columns", and no email address or phone number
 *   contains "; ". A line break inside the cell would also be valid CSV, but many tools
 *   (dialers, grep, mail merge) read one line as one lead.
 * - HubSpot layout: the labels of HubSpot's default contact properties, which its importer maps
 *   by name; one value per cell where HubSpot keeps one (Email, Phone Number, Mobile Phone
 *   Number), the other values in "Other emails" and "Other phones" columns that the importer
 *   lets the user map or skip, so nothing paid for is left out of the file.
 *
 * Formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell whose text starts with
 * `=`, `+`, `-`, `@`, a tab or a carriage return as a formula (`=HYPERLINK(...)` sends data
 * away; old Excel ran commands through DDE). Names, headlines and the rest come from a contact
 * database that scraped public profiles, so they are hostile input. Such a value is written
 * with a leading apostrophe, the spreadsheets' "this is text" mark; so are values starting with
 * the full-width forms of those characters (Excel on Japanese and Chinese systems reads
 * `＝` as `=`) and values where only spaces or line breaks come before one of them. The
 * apostrophe is applied to each value, so a value that "text to columns" later moves to a cell
 * of its own is neutralised too.
 *
 * Phone numbers are the exception, and a narrow one: a phone value made of a `+` followed only
 * by digits and single spaces (`+33 6 12 34 56 78`, `+447700900123`) is written as it is. A
 * spreadsheet may still read it as a formula, but one with no letter, no quote, no colon, no
 * `!` and no `|` can name no function, no cell, no sheet, no link and no DDE command: the worst
 * it can become is a number (the `+` dropped) or an error, never an action; several such numbers
 * joined by "; " in one cell add only a `;`, which separates a function's arguments where
 * there is no function. An apostrophe there
 * would be worse for the people who use the file: HubSpot's importer, dialers and scripts read
 * CSV as data, where the apostrophe is not a mark but a character, and "'+33 6 12 34 56 78" is
 * not a phone number. Phones with other characters get the apostrophe like any value:
 * `+1-415-555-0100` would be computed as a subtraction and shown as -1069, a wrong number that
 * looks right.
 *
 * The header words of the standard layout are a parameter (`labels`): `shared/` has no access
 * to the locale files, so the background passes them in the user's language
 * (`entrypoints/background/export-file.ts`). HubSpot's column names are HubSpot's, never
 * translated: its importer matches them.
 */
import Papa from 'papaparse';
import type { ContactValue, PoolLead } from './api.ts';
import { profileUrl } from './slug.ts';

export type CsvLayout = 'standard' | 'hubspot';

/** Joins several values of one kind in one cell. */
export const VALUE_SEPARATOR = '; ';

/** Columns of the standard layout, in file order. */
export const STANDARD_COLUMNS = [
  'name',
  'headline',
  'company',
  'location',
  'profileUrl',
  'professionalEmails',
  'mobilePhones',
  'landlinePhones',
  'otherPhones',
  'personalEmails',
  'firstRevealed',
  'timesExported',
] as const;
export type StandardColumn = (typeof STANDARD_COLUMNS)[number];

/** The header words of the standard layout. */
export type StandardLabels = Record<StandardColumn, string>;

/** English header words, for callers without the locale files (tests, benchmarks, tools). */
export const ENGLISH_LABELS: StandardLabels = {
  name: 'Name',
  headline: 'Headline',
  company: 'Company',
  location: 'Location',
  profileUrl: 'Profile URL',
  professionalEmails: 'Professional emails',
  mobilePhones: 'Mobile phones',
  landlinePhones: 'Landline phones',
  otherPhones: 'Other phones',
  personalEmails: 'Personal emails',
  firstRevealed: 'First revealed',
  timesExported: 'Times exported',
};

/**
 * HubSpot's contact import columns: the labels of its default contact properties, which the
 * importer maps automatically. "Other emails", "Other phones" and "Location" match no default
 * property; HubSpot asks the user to map them to a property of their own or to skip them.
 */
export const HUBSPOT_COLUMNS = [
  'First Name',
  'Last Name',
  'Email',
  'Phone Number',
  'Mobile Phone Number',
  'Job Title',
  'Company Name',
  'City',
  'State/Region',
  'Country/Region',
  'LinkedIn URL',
  'Other emails',
  'Other phones',
  'Location',
] as const;

export interface CsvFile {
  name: string;
  mimeType: 'text/csv;charset=utf-8';
  /** Starts with the byte-order mark (U+FEFF); records end with CRLF. */
  content: string;
}

export interface CsvOptions {
  /** The clock, for the date in the file name (milliseconds since the epoch). Default: now. */
  now?: number;
  /** Header words of the standard layout. Default: {@link ENGLISH_LABELS}. */
  labels?: StandardLabels;
  /**
   * IANA time zone for the file name's date and the "First revealed" column. Default: the
   * runtime's own (the user's, in the extension).
   */
  timeZone?: string;
}

const BOM = '\uFEFF';

/**
 * The CSV file of an export: `rows` as the server returned them (only what the pool
 * revealed, in the order asked), in the standard layout or HubSpot's.
 */
export function leadsToCsv(rows: readonly PoolLead[], layout: CsvLayout, options: CsvOptions = {}): CsvFile {
  const now = options.now ?? Date.now();
  const dates = dateFormat(options.timeZone);
  const records =
    layout === 'hubspot'
      ? [[...HUBSPOT_COLUMNS], ...rows.map(hubspotRecord)]
      : [
          STANDARD_COLUMNS.map((column) => neutralise((options.labels ?? ENGLISH_LABELS)[column])),
          ...rows.map((row) => standardRecord(row, dates)),
        ];
  const csv = Papa.unparse(records, { quotes: true, newline: '\r\n', header: false, escapeFormulae: false });
  return {
    name: csvFileName(rows.length, layout, now, options.timeZone),
    mimeType: 'text/csv;charset=utf-8',
    // RFC 4180: the last record may end with a line break too; Excel and papaparse accept both.
    content: `${BOM}${csv}\r\n`,
  };
}

/** `leadlens-12-leads-2026-11-27.csv`, `leadlens-1-lead-2026-11-27-hubspot.csv`. */
export function csvFileName(count: number, layout: CsvLayout, now: number, timeZone?: string): string {
  const day = dateFormat(timeZone).day(now);
  return `leadlens-${count}-${count === 1 ? 'lead' : 'leads'}-${day}${layout === 'hubspot' ? '-hubspot' : ''}.csv`;
}

/**
 * A spreadsheet reads a cell starting with one of these as a formula: `=`, `+`, `-`, `@` and
 * their full-width forms, after any run of white space; a leading tab or carriage return.
 */
const FORMULA_START = /^[\t\r]|^\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/;

/** A `+` then digits and single spaces: no spreadsheet can make an action of it (module doc). */
const PLAIN_PHONE = /^\+\d+(?: \d+)*$/;

/**
 * The text as written in the file: with a leading apostrophe when a spreadsheet would read it
 * as a formula. `phone` allows {@link PLAIN_PHONE} numbers through unchanged (module doc).
 */
export function neutralise(value: string, phone = false): string {
  if (phone && PLAIN_PHONE.test(value)) return value;
  return FORMULA_START.test(value) ? `'${value}` : value;
}

function cell(values: readonly string[], phone = false): string {
  return values.map((value) => neutralise(value, phone)).join(VALUE_SEPARATOR);
}

function text(value: string | null): string {
  return value === null ? '' : neutralise(value);
}

interface PhonesByKind {
  mobile: string[];
  landline: string[];
  other: string[];
}

function phonesByKind(phones: readonly ContactValue[]): PhonesByKind {
  const byKind: PhonesByKind = { mobile: [], landline: [], other: [] };
  for (const phone of phones) byKind[phone.phoneKind ?? 'other'].push(phone.value);
  return byKind;
}

const valuesOf = (values: readonly ContactValue[]): string[] => values.map((value) => value.value);

function standardRecord(row: PoolLead, dates: DateFormat): string[] {
  const phones = phonesByKind(row.values.phone);
  const record: Record<StandardColumn, string> = {
    name: text(row.name),
    headline: text(row.headline),
    company: text(row.company),
    location: text(row.location),
    profileUrl: profileUrl(row.lead),
    professionalEmails: cell(valuesOf(row.values.b2bEmail)),
    mobilePhones: cell(phones.mobile, true),
    landlinePhones: cell(phones.landline, true),
    otherPhones: cell(phones.other, true),
    personalEmails: cell(valuesOf(row.values.directEmail)),
    firstRevealed: dates.dateTime(row.revealedAt),
    timesExported: String(row.exports),
  };
  return STANDARD_COLUMNS.map((column) => record[column]);
}

function hubspotRecord(row: PoolLead): string[] {
  const { first, last } = splitName(row.name);
  // Email is HubSpot's key for a contact: the professional address when there is one.
  const emails = [...valuesOf(row.values.b2bEmail), ...valuesOf(row.values.directEmail)];
  const phones = phonesByKind(row.values.phone);
  const [mobile, ...moreMobiles] = phones.mobile;
  // "Phone Number" is HubSpot's main number: a landline, else a phone of unknown kind.
  const fixed = [...phones.landline, ...phones.other];
  const [phone, ...morePhones] = fixed;
  const place = splitLocation(row.location);
  const record: Record<(typeof HUBSPOT_COLUMNS)[number], string> = {
    'First Name': neutralise(first),
    'Last Name': neutralise(last),
    Email: neutralise(emails[0] ?? ''),
    'Phone Number': neutralise(phone ?? '', true),
    'Mobile Phone Number': neutralise(mobile ?? '', true),
    'Job Title': text(row.headline),
    'Company Name': text(row.company),
    City: neutralise(place.city),
    'State/Region': neutralise(place.region),
    'Country/Region': neutralise(place.country),
    'LinkedIn URL': profileUrl(row.lead),
    'Other emails': cell(emails.slice(1)),
    'Other phones': cell([...moreMobiles, ...morePhones], true),
    Location: text(row.location),
  };
  return HUBSPOT_COLUMNS.map((column) => record[column]);
}

/**
 * First and last name for HubSpot: the first word, then the rest ("Jean-Pierre" / "de La
 * Fontaine"). A name with letters of a script other than Latin stays whole in First Name:
 * Chinese, Japanese and Korean names put the family name first and are often written without
 * spaces, Arabic and Hebrew names do not split by a fixed rule, and a wrong split is worse
 * than none. A one-word name is a first name.
 */
export function splitName(name: string | null): { first: string; last: string } {
  const clean = (name ?? '').trim().replace(/\s+/g, ' ');
  const space = clean.indexOf(' ');
  if (space < 0 || /(?!\p{Script=Latin})\p{L}/u.test(clean)) return { first: clean, last: '' };
  return { first: clean.slice(0, space), last: clean.slice(space + 1) };
}

/**
 * LinkedIn writes a location as "City, Region, Country" or "City, Country"; anything else
 * ("Greater Paris Metropolitan Region", "France") is left whole in the Location column, where
 * a guess cannot put a country in the City field.
 */
function splitLocation(location: string | null): { city: string; region: string; country: string } {
  const parts = (location ?? '').split(',').map((part) => part.trim());
  if (parts.some((part) => part === '')) return { city: '', region: '', country: '' };
  if (parts.length === 3) return { city: parts[0] ?? '', region: parts[1] ?? '', country: parts[2] ?? '' };
  if (parts.length === 2) return { city: parts[0] ?? '', region: '', country: parts[1] ?? '' };
  return { city: '', region: '', country: '' };
}

interface DateFormat {
  /** `2026-11-27` */
  day(at: number): string;
  /** `2026-11-27 09:05`, which every spreadsheet reads as a date and time; '' when unreadable. */
  dateTime(iso: string): string;
}

function dateFormat(timeZone: string | undefined): DateFormat {
  const pad = (value: number) => String(value).padStart(2, '0');
  let parts: (at: number) => { year: string; month: string; day: string; hour: string; minute: string };
  if (timeZone === undefined) {
    // The runtime's own zone: Date's getters, about 20 times faster than Intl per call,
    // which 10,000 rows notice.
    parts = (at) => {
      const date = new Date(at);
      return {
        year: String(date.getFullYear()),
        month: pad(date.getMonth() + 1),
        day: pad(date.getDate()),
        hour: pad(date.getHours()),
        minute: pad(date.getMinutes()),
      };
    };
  } else {
    const format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    parts = (at) => {
      const byType: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
      for (const part of format.formatToParts(at)) byType[part.type] = part.value;
      return {
        year: byType.year ?? '',
        month: byType.month ?? '',
        day: byType.day ?? '',
        hour: byType.hour ?? '',
        minute: byType.minute ?? '',
      };
    };
  }
  return {
    day(at) {
      const p = parts(at);
      return `${p.year}-${p.month}-${p.day}`;
    },
    dateTime(iso) {
      const at = Date.parse(iso);
      if (Number.isNaN(at)) return '';
      const p = parts(at);
      return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
    },
  };
}
