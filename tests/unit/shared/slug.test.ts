import { describe, expect, it } from 'vitest';
import { MAX_SLUG_LENGTH, canonicalSlug, normalizeSlug } from '../../../shared/slug.ts';

describe('canonicalSlug', () => {
  it.each([
    ['https://www.linkedin.com/in/ada-lovelace/', 'ada-lovelace'],
    ['https://www.linkedin.com/in/Ada-Lovelace', 'ada-lovelace'],
    ['https://www.linkedin.com/in/ada-lovelace/details/experience/', 'ada-lovelace'],
    ['https://www.linkedin.com/in/ada-lovelace?trk=feed#about', 'ada-lovelace'],
    ['/in/J%C3%A9r%C3%B4me-Dupont/', 'jérôme-dupont'],
    ['/in/jérôme-dupont/details/experience/', 'jérôme-dupont'],
    // Decoded once: the slug LinkedIn shows as 100%25-sales.
    ['https://www.linkedin.com/in/100%2525-sales/', '100%25-sales'],
    ['/in/100%25-sales', '100%-sales'],
    // Without a scheme, as CSV exports often write them; country subdomains; http.
    ['www.linkedin.com/in/ada-lovelace', 'ada-lovelace'],
    ['linkedin.com/in/ada-lovelace/', 'ada-lovelace'],
    ['  uk.linkedin.com/in/Ada-Lovelace  ', 'ada-lovelace'],
    ['http://de.linkedin.com/in/ada-lovelace', 'ada-lovelace'],
    ['https://WWW.LinkedIn.com/in/ada-lovelace', 'ada-lovelace'],
  ])('%s → %s', (input, slug) => {
    expect(canonicalSlug(input)).toBe(slug);
  });

  it('makes one lead of the composed and decomposed forms of a name', () => {
    expect(canonicalSlug('/in/je\u0301ro\u0302me')).toBe(canonicalSlug('/in/jérôme'));
  });

  it.each([
    'https://www.linkedin.com/feed/',
    'https://www.linkedin.com/company/engines/',
    'https://www.linkedin.com/in/',
    'http://[bad',
    // Not LinkedIn: another host, a look-alike, credentials, another scheme.
    'https://evil.example/in/jane',
    'http://localhost:5173/in/jane',
    'evil.example/in/jane',
    'https://linkedin.com.evil.example/in/jane',
    'https://evillinkedin.com/in/jane',
    'https://a.b.linkedin.com/in/jane',
    'https://user:pw@www.linkedin.com/in/jane',
    'ftp://www.linkedin.com/in/jane',
    '//evil.example/in/jane',
    'in/jane',
  ])('is null for %s (not a profile)', (input) => {
    expect(canonicalSlug(input)).toBeNull();
  });
});

describe('normalizeSlug', () => {
  it('keeps a malformed escape as written (still one stable identity)', () => {
    expect(normalizeSlug('ada%E0')).toBe('ada%e0');
    expect(canonicalSlug('/in/ada%E0')).toBe('ada%e0');
  });

  it('never percent-decodes: a slug is already decoded text', () => {
    expect(normalizeSlug('100%25-sales')).toBe('100%25-sales');
    expect(normalizeSlug('J%C3%A9r%C3%B4me')).toBe('j%c3%a9r%c3%b4me');
    expect(normalizeSlug('Jérôme-Dupont')).toBe('jérôme-dupont');
  });

  it('is idempotent on what canonicalSlug returns', () => {
    for (const url of ['/in/100%2525-sales', '/in/J%C3%A9r%C3%B4me', '/in/ada%E0']) {
      const slug = canonicalSlug(url) ?? '';
      expect(normalizeSlug(slug)).toBe(slug);
    }
  });

  it.each(['', '   ', 'a/b', 'a?b', 'a#b', 'a b', 'a\u0000b', 'x'.repeat(MAX_SLUG_LENGTH + 1)])(
    'refuses %j',
    (input) => {
      expect(normalizeSlug(input)).toBeNull();
    },
  );

  it('trims, lower-cases and drops trailing slashes', () => {
    expect(normalizeSlug(' Ada-Lovelace// ')).toBe('ada-lovelace');
  });
});
