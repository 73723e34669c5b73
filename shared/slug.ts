/**
 * The lead's identity: the canonical profile slug taken from a profile URL.
 * Lower case, percent-decoded, without query, hash, trailing slash or sub-page, so
 * `/in/J%C3%A9r%C3%B4me-Dupont/` and `/in/jérôme-dupont/details/experience/` are one lead.
 */

/** Longest slug accepted; LinkedIn's own are at most 100 characters. */
export const MAX_SLUG_LENGTH = 200;

/** Returns the canonical slug of a `/in/<slug>` URL or path, or null when it is not a profile. */
export function canonicalSlug(urlOrPath: string): string | null {
  let path: string;
  try {
    path = new URL(urlOrPath, 'https://www.linkedin.com').pathname;
  } catch {
    return null;
  }
  const match = /^\/in\/([^/]+)/.exec(path);
  if (!match?.[1]) return null;
  return normalizeSlug(match[1]);
}

/** Canonical form of a slug on its own (as given to the API); null when it cannot be one. */
export function normalizeSlug(raw: string): string | null {
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // A malformed escape is kept as written: still one stable identity.
  }
  const slug = decoded.normalize('NFC').trim().toLowerCase().replace(/\/+$/, '');
  if (slug.length === 0 || slug.length > MAX_SLUG_LENGTH) return null;
  if (/[/?#\s\u0000-\u001f]/.test(slug)) return null;
  return slug;
}
