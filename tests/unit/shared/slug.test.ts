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
  ])('is null for %s (not a profile)', (input) => {
    expect(canonicalSlug(input)).toBeNull();
  });
});

describe('normalizeSlug', () => {
  it('keeps a malformed escape as written (still one stable identity)', () => {
    expect(normalizeSlug('ada%E0')).toBe('ada%e0');
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
