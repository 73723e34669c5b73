/**
 * The lead's identity: the canonical profile slug taken from a profile URL.
 * Lower case, percent-decoded once, without query, hash, trailing slash or sub-page, so
 * `/in/J%C3%A9r%C3%B4me-Dupont/` and `/in/jérôme-dupont/details/experience/` are one lead.
 *
 * Decoding happens once, at the URL boundary (`canonicalSlug`). A slug on its own (as the
 * API gets it, in a JSON body or an already-decoded path parameter) is canonical text and is
 * never decoded again (`normalizeSlug`): `/in/100%2525-sales` is the lead `100%25-sales`.
 */

/** Longest slug accepted; LinkedIn's own are at most 100 characters. */
export const MAX_SLUG_LENGTH = 200;

/** `linkedin.com`, `www.linkedin.com` or a country subdomain such as `uk.linkedin.com`. */
const LINKEDIN_HOST = /^(?:(?:www|[a-z]{2})\.)?linkedin\.com$/;
const SCHEME = /^[a-z][a-z\d+.-]*:/i;

/**
 * Returns the canonical slug of a LinkedIn profile URL (`https://www.linkedin.com/in/<slug>`,
 * also without the scheme, as CSV exports often write it) or of a path (`/in/<slug>`), or
 * null when it is not a profile (not under /in/, or an absolute URL on another host than
 * LinkedIn's).
 */
export function canonicalSlug(urlOrPath: string): string | null {
  const input = urlOrPath.trim();
  let url: URL;
  try {
    if (input.startsWith('/')) {
      if (input.startsWith('//')) return null;
      url = new URL(input, 'https://www.linkedin.com');
    } else {
      url = new URL(SCHEME.test(input) ? input : `https://${input}`);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
      const host = url.hostname;
      if (!LINKEDIN_HOST.test(host)) return null;
      if (url.username !== '' || url.password !== '') return null;
    }
  } catch {
    return null;
  }
  const match = /^\/in\/([^/]+)/.exec(url.pathname);
  if (!match?.[1]) return null;
  let decoded = match[1];
  try {
    decoded = decodeURIComponent(decoded);
  } catch {
    // A malformed escape is kept as written: still one stable identity.
  }
  return normalizeSlug(decoded);
}

/**
 * Canonical form of a slug on its own (as given to the API, already decoded); null when it
 * cannot be one. Never percent-decodes: `100%25-sales` stays `100%25-sales`.
 */
export function normalizeSlug(raw: string): string | null {
  const slug = raw.normalize('NFC').trim().toLowerCase().replace(/\/+$/, '');
  if (slug.length === 0 || slug.length > MAX_SLUG_LENGTH) return null;
  if (/[/?#\s\u0000-\u001f]/.test(slug)) return null;
  return slug;
}

/**
 * The distinct leads of a list as the server keys them, in first-seen order (two spellings
 * of one lead are one lead), and the entries `read` found no slug in.
 */
export function distinctSlugs(
  raw: readonly string[],
  read: (one: string) => string | null = normalizeSlug,
): { slugs: string[]; invalid: string[] } {
  const seen = new Set<string>();
  const invalid: string[] = [];
  for (const one of raw) {
    const slug = read(one);
    if (slug === null) invalid.push(one);
    else seen.add(slug);
  }
  return { slugs: [...seen], invalid };
}

/** The lead's public profile address, from its canonical slug (decoded text: encoded here). */
export function profileUrl(slug: string): string {
  return `https://www.linkedin.com/in/${encodeURIComponent(slug)}/`;
}
