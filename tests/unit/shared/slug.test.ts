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
    // Every sub-page of a profile is the same lead.
    ['https://www.linkedin.com/in/ada-lovelace/overlay/contact-info/', 'ada-lovelace'],
    ['https://www.linkedin.com/in/ada-lovelace/recent-activity/all/?trk=x', 'ada-lovelace'],
    // Scripts other than Latin, upper-case escapes or lower-case ones.
    [
      '/in/%CE%9D%CE%8A%CE%9A%CE%9F%CE%A3-%CE%A0%CE%91%CE%A0%CE%91%CE%94%CE%8C%CE%A0%CE%9F%CE%A5%CE%9B%CE%9F%CE%A3/',
      'νίκος-παπαδόπουλος',
    ],
    ['/in/%e7%8e%8b%e5%b0%8f%e6%98%8e-88A1B2', '王小明-88a1b2'],
    ['/in/%D9%85%D8%B1%D9%8A%D9%85-obrien/', 'مريم-obrien'],
    // The member-id address of a limited profile ("LinkedIn Member").
    ['/in/ACoAAB2xQ7kBv9mZr4TtYp0LwE3dHs6uKcN1oQg', 'acoaab2xq7kbv9mzr4ttyp0lwe3dhs6ukcn1oqg'],
  ])('%s → %s', (input, slug) => {
    expect(canonicalSlug(input)).toBe(slug);
  });

  it('makes one lead of the two spellings of one profile address', () => {
    expect(canonicalSlug('/in/J%C3%A9r%C3%B4me-Dupont/')).toBe('jérôme-dupont');
    expect(canonicalSlug('/in/jérôme-dupont/details/experience/')).toBe('jérôme-dupont');
    expect(canonicalSlug('https://www.linkedin.com/in/J%C3%A9r%C3%B4me-Dupont/?trk=x#experience')).toBe(
      'jérôme-dupont',
    );
  });

  it('makes one lead of the composed and decomposed forms of a name', () => {
    expect(canonicalSlug('/in/je\u0301ro\u0302me')).toBe(canonicalSlug('/in/jérôme'));
    expect(canonicalSlug('/in/je%CC%81ro%CC%82me')).toBe('jérôme');
  });

  it('lower-cases a Greek final sigma as typed in lower case', () => {
    expect(canonicalSlug('/in/ΟΔΥΣΣΕΑΣ')).toBe(canonicalSlug('/in/οδυσσεας'));
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
    // An escaped slash or space cannot be part of a slug.
    '/in/ada%2Flovelace',
    '/in/ada%20lovelace',
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
