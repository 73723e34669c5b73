/**
 * The contact database: people keyed by canonical profile slug, with their emails and phones.
 * Loaded from CSV by `admin import-people`; an import replaces the contacts of each person
 * it names, so re-importing a file is harmless.
 */
import Papa from 'papaparse';
import { REVEAL_TYPES } from '../shared/credits.ts';
import { canonicalSlug } from '../shared/slug.ts';
import type { Database, Queryable } from './db/database.ts';

export type PhoneKind = 'mobile' | 'landline';

export interface PersonContact {
  value: string;
  /** Phones only; null when the source did not say. */
  phoneKind?: PhoneKind | null;
  verifiedAt?: Date | null;
}

export interface PersonRow {
  slug: string;
  fullName: string;
  headline?: string | null;
  company?: string | null;
  location?: string | null;
  b2bEmail?: PersonContact[];
  phone?: PersonContact[];
  directEmail?: PersonContact[];
}

export const PEOPLE_CSV_COLUMNS = [
  'linkedin_url',
  'full_name',
  'headline',
  'company',
  'location',
  'b2b_emails',
  'phones',
  'direct_emails',
] as const;

/** A problem in the input the user can fix; the message names the line. */
export class ImportError extends Error {
  override name = 'ImportError';
}

const BATCH = 500;

/** Upserts people and replaces their contacts, in one transaction. */
export async function importPeople(
  db: Database,
  rows: PersonRow[],
  now: Date = new Date(),
): Promise<{ imported: number }> {
  return db.transaction((tx) => importPeopleIn(tx, rows, now));
}

/** importPeople inside the caller's transaction `tx`. */
export async function importPeopleIn(
  tx: Queryable,
  rows: PersonRow[],
  now: Date = new Date(),
): Promise<{ imported: number }> {
  const bySlug = new Map<string, PersonRow>();
  for (const row of rows) bySlug.set(row.slug, row); // the last row for a slug wins
  const people = [...bySlug.values()];
  for (let start = 0; start < people.length; start += BATCH) {
    const batch = people.slice(start, start + BATCH);
    await tx.query(
      `INSERT INTO people (slug, full_name, headline, company, location, updated_at)
       SELECT slug, full_name, headline, company, location, $6
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
           AS t (slug, full_name, headline, company, location)
       ON CONFLICT (slug) DO UPDATE SET full_name = EXCLUDED.full_name, headline = EXCLUDED.headline,
         company = EXCLUDED.company, location = EXCLUDED.location, updated_at = EXCLUDED.updated_at`,
      [
        batch.map((p) => p.slug),
        batch.map((p) => p.fullName),
        batch.map((p) => p.headline ?? null),
        batch.map((p) => p.company ?? null),
        batch.map((p) => p.location ?? null),
        now,
      ],
    );
    await tx.query('DELETE FROM contacts WHERE slug = ANY($1::text[])', [batch.map((p) => p.slug)]);
    const contacts = batch.flatMap((person) =>
      REVEAL_TYPES.flatMap((type) =>
        (person[type] ?? []).map((contact, position) => ({ slug: person.slug, type, position, ...contact })),
      ),
    );
    if (contacts.length === 0) continue;
    await tx.query(
      `INSERT INTO contacts (slug, type, position, value, phone_kind, verified_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::timestamptz[])`,
      [
        contacts.map((c) => c.slug),
        contacts.map((c) => c.type),
        contacts.map((c) => c.position),
        contacts.map((c) => c.value),
        contacts.map((c) => (c.type === 'phone' ? (c.phoneKind ?? null) : null)),
        contacts.map((c) => c.verifiedAt ?? null),
      ],
    );
  }
  return { imported: people.length };
}

function splitCell(cell: string | undefined): string[] {
  return (cell ?? '')
    .split('|')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

function parsePhone(raw: string): PersonContact {
  const match = /^(mobile|landline)\s*:\s*(.+)$/i.exec(raw);
  if (match?.[1] && match[2]) return { value: match[2].trim(), phoneKind: match[1].toLowerCase() as PhoneKind };
  return { value: raw, phoneKind: null };
}

function emptyToNull(value: string | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed.length > 0 ? trimmed : null;
}

/** Parses the people CSV (header `linkedin_url,full_name,...`); throws ImportError naming the line. */
export function parsePeopleCsv(csvText: string): PersonRow[] {
  const parsed = Papa.parse<Record<string, string>>(csvText.replace(/^\uFEFF/, ''), {
    header: true,
    skipEmptyLines: 'greedy',
    transformHeader: (header) => header.trim().toLowerCase(),
  });
  const fatal = parsed.errors.find((error) => error.type !== 'FieldMismatch' || error.code === 'TooManyFields');
  if (fatal) throw new ImportError(`CSV line ${(fatal.row ?? 0) + 2}: ${fatal.message}`);
  const header = parsed.meta.fields ?? [];
  for (const column of ['linkedin_url', 'full_name'] as const) {
    if (!header.includes(column)) {
      throw new ImportError(`The CSV header must include ${column} (expected ${PEOPLE_CSV_COLUMNS.join(',')}).`);
    }
  }
  return parsed.data.map((record, index) => {
    const line = index + 2;
    const url = record.linkedin_url?.trim() ?? '';
    const slug = canonicalSlug(url);
    if (!slug) throw new ImportError(`CSV line ${line}: linkedin_url is not a profile URL (/in/...): ${url}`);
    const fullName = emptyToNull(record.full_name);
    if (!fullName) throw new ImportError(`CSV line ${line}: full_name is empty.`);
    return {
      slug,
      fullName,
      headline: emptyToNull(record.headline),
      company: emptyToNull(record.company),
      location: emptyToNull(record.location),
      b2bEmail: splitCell(record.b2b_emails).map((value) => ({ value })),
      phone: splitCell(record.phones).map(parsePhone),
      directEmail: splitCell(record.direct_emails).map((value) => ({ value })),
    };
  });
}

export async function importPeopleCsv(db: Database, csvText: string): Promise<{ imported: number }> {
  return importPeople(db, parsePeopleCsv(csvText));
}
