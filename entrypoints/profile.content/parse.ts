/**
 * Reads a profile page into a ProfileSnapshot. Takes the Document as a parameter so tests
 * give it fixture pages. Only the slug is required: a field it cannot read is null and
 * listed in `unreadable`, and the widget still works from the slug.
 */
import { MAX_PROFILE_TEXT, type ProfileSnapshot } from '../../shared/profile.ts';
import { canonicalSlug } from '../../shared/slug.ts';
import {
  COMPANY,
  COMPANY_LABEL_PREFIX,
  COMPANY_LABEL_SUFFIX,
  CONTACT_INFO_LINK,
  HEADLINE,
  JSON_LD,
  LOCATION,
  NAME,
  OG_TITLE,
  OG_TITLE_COMPANY,
  TITLE_COUNT,
  TITLE_SITE,
} from './selectors.ts';

export type ParseResult = { ok: true; profile: ProfileSnapshot } | { ok: false; reason: 'not_a_profile' };

type Field = ProfileSnapshot['unreadable'][number];

/** Structured data bigger than this is not ours to parse. */
const MAX_JSON_LD = 200_000;

export function parseProfile(doc: Document, url: string): ParseResult {
  const slug = canonicalSlug(url);
  if (slug === null) return { ok: false, reason: 'not_a_profile' };

  const person = findPerson(doc, slug);
  const nameElement = firstElement(doc, NAME);
  const locationElement = firstElement(doc, LOCATION) ?? elementBesideContactInfo(doc);
  const fields: Record<Field, string | null> = {
    name: cleanText(nameElement?.textContent) ?? cleanText(person?.name) ?? titleName(doc),
    headline: firstText(doc, HEADLINE) ?? textAfter(nameElement, locationElement) ?? cleanText(person?.jobTitle),
    company: companyText(doc) ?? cleanText(person?.company),
    location: cleanText(locationElement?.textContent) ?? cleanText(person?.location),
  };
  const unreadable = (Object.keys(fields) as Field[]).filter((field) => fields[field] === null);

  return { ok: true, profile: { slug, url: pageUrl(url, slug), ...fields, unreadable } };
}

/** The name as the page renders it (no title or structured data): shows the top card is there. */
export function renderedName(doc: Document): string | null {
  return cleanText(firstElement(doc, NAME)?.textContent);
}

/** Whitespace collapsed, control characters dropped, cut to MAX_PROFILE_TEXT; null when empty. */
export function cleanText(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string') return null;
  let text = raw
    .replace(/[\u0000-\u0008\u000e-\u001f\u007f]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (text.length > MAX_PROFILE_TEXT) {
    text = text.slice(0, MAX_PROFILE_TEXT);
    // Never leave half of a surrogate pair (an emoji) at the cut.
    if (/[\uD800-\uDBFF]$/.test(text)) text = text.slice(0, -1);
    text = text.trimEnd();
  }
  return text.length > 0 ? text : null;
}

function firstElement(doc: Document, selectors: readonly string[]): Element | null {
  for (const selector of selectors) {
    for (const element of doc.querySelectorAll(selector)) {
      if (cleanText(element.textContent) !== null) return element;
    }
  }
  return null;
}

function firstText(doc: Document, selectors: readonly string[]): string | null {
  return cleanText(firstElement(doc, selectors)?.textContent);
}

/**
 * The first text after the name's block: the headline in layouts whose class names mean
 * nothing. Walks up from the heading, within its section, until a following sibling holds
 * text that is not the location line or a link or button (company, contact info).
 */
function textAfter(nameElement: Element | null, locationElement: Element | null): string | null {
  let node: Element | null = nameElement;
  while (node && node.tagName !== 'SECTION' && node.tagName !== 'MAIN') {
    for (let next = node.nextElementSibling; next; next = next.nextElementSibling) {
      if (next.querySelector('a, button') || (locationElement && next.contains(locationElement))) continue;
      const text = cleanText(next.textContent);
      if (text !== null) return text;
    }
    node = node.parentElement;
  }
  return null;
}

function companyText(doc: Document): string | null {
  const element = firstMatch(doc, COMPANY);
  if (!element) return null;
  const text = cleanText(element.textContent);
  if (text !== null) return text;
  const label = element.getAttribute('aria-label') ?? '';
  return cleanText(label.replace(COMPANY_LABEL_PREFIX, '').replace(COMPANY_LABEL_SUFFIX, ''));
}

/** The first element a selector finds, text or not (a label may name what it holds). */
function firstMatch(doc: Document, selectors: readonly string[]): Element | null {
  for (const selector of selectors) {
    const element = doc.querySelector(selector);
    if (element) return element;
  }
  return null;
}

/** The location sits in the same line as the "Contact info" link. */
function elementBesideContactInfo(doc: Document): Element | null {
  const link = doc.querySelector(CONTACT_INFO_LINK);
  const line = link?.parentElement?.parentElement;
  if (!link || !line) return null;
  for (const child of line.children) {
    if (!child.contains(link) && cleanText(child.textContent) !== null) return child;
  }
  return null;
}

function titleName(doc: Document): string | null {
  const og = doc.querySelector(OG_TITLE)?.getAttribute('content');
  const fromOg = og ? cleanText(og.replace(TITLE_SITE, '').replace(OG_TITLE_COMPANY, '')) : null;
  if (fromOg && fromOg !== 'LinkedIn') return fromOg;
  const fromTitle = cleanText(doc.title.replace(TITLE_COUNT, '').replace(TITLE_SITE, ''));
  return fromTitle && fromTitle !== 'LinkedIn' ? fromTitle : null;
}

/** The page address without query or fragment (tracking parameters are not the lead's). */
function pageUrl(url: string, slug: string): string {
  try {
    const parsed = new URL(url);
    const clean = `${parsed.origin}${parsed.pathname}`;
    if (clean.length <= 2000) return clean;
  } catch {
    // Fall through to the canonical address.
  }
  return `https://www.linkedin.com/in/${encodeURIComponent(slug)}/`;
}

interface Person {
  name?: string;
  jobTitle?: string;
  company?: string;
  location?: string;
}

/** The schema.org Person of the page: the one whose url is this profile, else the first. */
function findPerson(doc: Document, slug: string): Person | null {
  const people: Record<string, unknown>[] = [];
  for (const script of doc.querySelectorAll(JSON_LD)) {
    const source = script.textContent ?? '';
    if (source.length > MAX_JSON_LD) continue;
    try {
      collectPeople(JSON.parse(source), people, 0);
    } catch {
      // Broken structured data: the other sources still count.
    }
  }
  const own = people.find((person) => typeof person.url === 'string' && canonicalSlug(person.url) === slug);
  const person = own ?? people[0];
  return person ? toPerson(person) : null;
}

function collectPeople(node: unknown, into: Record<string, unknown>[], depth: number): void {
  if (depth > 4 || node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) collectPeople(item, into, depth + 1);
    return;
  }
  const record = node as Record<string, unknown>;
  const type = record['@type'];
  if (type === 'Person' || (Array.isArray(type) && type.includes('Person'))) into.push(record);
  if ('@graph' in record) collectPeople(record['@graph'], into, depth + 1);
}

function toPerson(record: Record<string, unknown>): Person {
  const address = first(record.address);
  const location = isRecord(address)
    ? (stringOf(address.addressLocality) ?? stringOf(address.addressCountry))
    : stringOf(address);
  const worksFor = first(record.worksFor);
  return {
    name: stringOf(record.name),
    jobTitle: stringOf(first(record.jobTitle)),
    company: isRecord(worksFor) ? stringOf(worksFor.name) : stringOf(worksFor),
    location,
  };
}

function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
