/**
 * Reads a profile page into a ProfileSnapshot. Takes the Document as a parameter so tests
 * give it fixture pages. Only the slug is required: a field it cannot read is null and
 * listed in `unreadable`, and the widget still works from the slug.
 */
import { MAX_PROFILE_TEXT, type ProfileSnapshot } from '../../shared/profile.ts';
import { canonicalSlug, profileUrl } from '../../shared/slug.ts';
import {
  COMPANY,
  COMPANY_LABEL_PREFIX,
  COMPANY_LABEL_SUFFIX,
  CONTACT_INFO_LINK,
  HEADLINE,
  JSON_LD,
  LOCATION,
  NAME,
  NOT_A_NAME,
  OG_TITLE,
  OG_TITLE_COMPANY,
  TITLE_COUNT,
  TITLE_SITE,
} from './selectors.ts';

export type ParseResult = { ok: true; profile: ProfileSnapshot } | { ok: false; reason: 'not_a_profile' };

type Field = ProfileSnapshot['unreadable'][number];

/** Structured data bigger than this is not ours to parse. */
const MAX_JSON_LD = 200_000;

export interface ParseOptions {
  /**
   * The page was reached by in-page navigation: document.title and og:title may still be the
   * previous page's, so they are not read.
   */
  afterNavigation?: boolean;
}

/**
 * The lead of the page at `url`. The manifest runs this script on LinkedIn only, so the path
 * alone names the lead (and the same code reads fixture pages served from elsewhere).
 */
export function pageSlug(url: string): string | null {
  try {
    return canonicalSlug(new URL(url).pathname);
  } catch {
    return null;
  }
}

export function parseProfile(doc: Document, url: string, { afterNavigation = false }: ParseOptions = {}): ParseResult {
  const slug = pageSlug(url);
  if (slug === null) return { ok: false, reason: 'not_a_profile' };

  const person = findPerson(doc, slug) ?? {};
  const nameElement = firstElement(doc, NAME);
  const locationElement = firstElement(doc, LOCATION) ?? elementBesideContactInfo(doc);
  const name =
    cleanText(nameElement?.textContent) ?? cleanText(person.name) ?? (afterNavigation ? null : titleName(doc));
  const fields: Record<Field, string | null> = {
    // A limited profile's placeholder names nobody: the widget names the lead by its slug.
    name: name !== null && NOT_A_NAME.test(name) ? null : name,
    headline: firstText(doc, HEADLINE) ?? textAfter(nameElement, locationElement) ?? cleanText(first(person.jobTitle)),
    company: companyText(doc) ?? cleanText(inner(person.worksFor, 'name')),
    location:
      cleanText(locationElement?.textContent) ??
      cleanText(inner(person.address, 'addressLocality')) ??
      cleanText(inner(person.address, 'addressCountry')),
  };
  const unreadable = (Object.keys(fields) as Field[]).filter((field) => fields[field] === null);

  return { ok: true, profile: { slug, url: pageUrl(url, slug), ...fields, unreadable } };
}

/** The name as the page renders it (no title or structured data): shows the top card is there. */
export function renderedName(doc: Document): string | null {
  return firstText(doc, NAME);
}

/**
 * Whitespace collapsed, control characters dropped, cut to MAX_PROFILE_TEXT; null when empty.
 * Bidi embeddings, overrides and isolates go too: an unbalanced override in a name would
 * reverse the widget's text after it. Marks (U+200E, U+200F) reorder nothing and stay.
 */
export function cleanText(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  let text = raw
    .replace(/[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  // Never leave half of a surrogate pair (an emoji) at the cut.
  if (text.length > MAX_PROFILE_TEXT)
    text = text
      .slice(0, MAX_PROFILE_TEXT)
      .replace(/[\uD800-\uDBFF]$/, '')
      .trimEnd();
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

/** The first element a selector finds, text or not: its accessible label may name the company. */
function companyText(doc: Document): string | null {
  for (const selector of COMPANY) {
    const element = doc.querySelector(selector);
    if (element) {
      const label = element.getAttribute('aria-label') ?? '';
      return (
        cleanText(element.textContent) ??
        cleanText(label.replace(COMPANY_LABEL_PREFIX, '').replace(COMPANY_LABEL_SUFFIX, ''))
      );
    }
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
  for (const title of [
    og?.replace(TITLE_SITE, '').replace(OG_TITLE_COMPANY, ''),
    doc.title.replace(TITLE_COUNT, '').replace(TITLE_SITE, ''),
  ]) {
    const name = cleanText(title);
    if (name && !NOT_A_NAME.test(name)) return name;
  }
  return null;
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
  return profileUrl(slug);
}

type Json = Record<string, unknown>;

/**
 * The schema.org Person whose url is this profile. No other: structured data can describe
 * other people ("People also viewed"), or be left over from the previous page.
 */
function findPerson(doc: Document, slug: string): Json | null {
  for (const script of doc.querySelectorAll(JSON_LD)) {
    const source = script.textContent ?? '';
    if (source.length > MAX_JSON_LD) continue;
    try {
      const person = personIn(JSON.parse(source), slug, 0);
      if (person) return person;
    } catch {
      // Broken structured data: the other sources still count.
    }
  }
  return null;
}

function personIn(node: unknown, slug: string, depth: number): Json | null {
  if (depth > 4 || node === null || typeof node !== 'object') return null;
  const record = node as Json;
  const type = record['@type'];
  const isPerson = type === 'Person' || (Array.isArray(type) && type.includes('Person'));
  if (isPerson && typeof record.url === 'string' && canonicalSlug(record.url) === slug) return record;
  for (const child of Array.isArray(node) ? node : [record['@graph']]) {
    const person = personIn(child, slug, depth + 1);
    if (person) return person;
  }
  return null;
}

function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

/** schema.org allows a value or an object holding it: "NASA" or { "name": "NASA" }, or a list of either. */
function inner(value: unknown, key: string): unknown {
  const item = first(value);
  return item !== null && typeof item === 'object' ? (item as Json)[key] : item;
}
