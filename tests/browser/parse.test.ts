import { describe, expect, test } from 'vitest';
import { cleanText, parseProfile, renderedName } from '../../entrypoints/profile.content/parse.ts';
import { MAX_PROFILE_TEXT } from '../../shared/profile.ts';
import { canonicalSlug } from '../../shared/slug.ts';
import { PROFILE_FIXTURES } from '../fixtures/profiles/expected.ts';

const pages = import.meta.glob<string>('../fixtures/profiles/*.html', {
  query: '?raw',
  import: 'default',
  eager: true,
});

function load(file: string): Document {
  const html = pages[`../fixtures/profiles/${file}`];
  if (html === undefined) throw new Error(`No fixture ${file}`);
  return new DOMParser().parseFromString(html, 'text/html');
}

function page(body: string, head = ''): Document {
  return new DOMParser().parseFromString(
    `<!doctype html><html><head>${head}</head><body>${body}</body></html>`,
    'text/html',
  );
}

describe('parseProfile on the fixture pages', () => {
  test('every profile fixture has a row in expected.ts', () => {
    const files = Object.keys(pages).map((path) => path.split('/').pop());
    expect(files.sort()).toEqual(PROFILE_FIXTURES.map((fixture) => fixture.file).sort());
  });

  test.each(PROFILE_FIXTURES)('$file', ({ file, url, expected }) => {
    const result = parseProfile(load(file), url);
    expect(result).toEqual({ ok: true, profile: expected });
  });

  test('hostile text stays text and is cut to the limit without breaking an emoji', () => {
    const result = parseProfile(load('hostile-profile.html'), 'https://www.linkedin.com/in/x/');
    if (!result.ok) throw new Error('expected a profile');
    expect(result.profile.headline?.length).toBeLessThanOrEqual(MAX_PROFILE_TEXT);
    expect(result.profile.name).toContain('<img src=x onerror=');
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
  });
});

describe('parseProfile elsewhere', () => {
  test('a page that is not a profile is refused', () => {
    expect(parseProfile(load('logged-in.html'), 'https://www.linkedin.com/feed/')).toEqual({
      ok: false,
      reason: 'not_a_profile',
    });
    expect(parseProfile(page(''), 'https://www.linkedin.com/company/nasa/')).toMatchObject({ ok: false });
  });

  test('with nothing readable it still works from the slug and lists every field', () => {
    const result = parseProfile(page('<main><p>Loading</p></main>'), 'https://www.linkedin.com/in/someone/');
    expect(result).toEqual({
      ok: true,
      profile: {
        slug: 'someone',
        url: 'https://www.linkedin.com/in/someone/',
        name: null,
        headline: null,
        company: null,
        location: null,
        unreadable: ['name', 'headline', 'company', 'location'],
      },
    });
  });

  test('the name falls back to og:title, then to the document title', () => {
    const og = page('', '<meta property="og:title" content="Hedy Lamarr - Inventor Inc | LinkedIn">');
    expect(parseProfile(og, 'https://www.linkedin.com/in/hedy/')).toMatchObject({ profile: { name: 'Hedy Lamarr' } });
    const titled = page('', '<title>(12) Hedy Lamarr | LinkedIn</title>');
    expect(parseProfile(titled, 'https://www.linkedin.com/in/hedy/')).toMatchObject({
      profile: { name: 'Hedy Lamarr' },
    });
    const bare = page('', '<title>LinkedIn</title>');
    expect(parseProfile(bare, 'https://www.linkedin.com/in/hedy/')).toMatchObject({ profile: { name: null } });
  });

  test('broken structured data is skipped', () => {
    const doc = page('', '<script type="application/ld+json">{"@type": "Person", "name": </script>');
    expect(parseProfile(doc, 'https://www.linkedin.com/in/x/')).toMatchObject({ ok: true, profile: { name: null } });
  });

  test('the company is read from its accessible label when the button has no text', () => {
    const doc = load('generated-classes.html');
    expect(parseProfile(doc, 'https://www.linkedin.com/in/grace-hopper/')).toMatchObject({
      profile: { company: 'United States Navy' },
    });
  });

  test('renderedName reads only what the page renders', () => {
    expect(renderedName(load('logged-in.html'))).toBe('Ada Lovelace');
    expect(renderedName(load('public.html'))).toBeNull();
  });
});

describe('cleanText', () => {
  test.each([
    ['  Ada \n\t Lovelace  ', 'Ada Lovelace'],
    ['\u0000Ada\u0007', 'Ada'],
    ['   ', null],
    [null, null],
  ])('%j → %j', (raw, expected) => {
    expect(cleanText(raw)).toBe(expected);
  });

  test('never ends on half an emoji', () => {
    const text = `${'a'.repeat(MAX_PROFILE_TEXT - 1)}😀`;
    const cut = cleanText(text);
    expect(cut).toBe('a'.repeat(MAX_PROFILE_TEXT - 1));
  });
});

describe('canonicalSlug', () => {
  test.each([
    ['https://www.linkedin.com/in/ada-lovelace/', 'ada-lovelace'],
    ['https://www.linkedin.com/in/Ada-Lovelace', 'ada-lovelace'],
    ['https://www.linkedin.com/in/ada-lovelace/details/experience/', 'ada-lovelace'],
    ['https://www.linkedin.com/in/ada-lovelace?trk=x#section', 'ada-lovelace'],
    ['https://www.linkedin.com/in/J%C3%A9r%C3%B4me-Dupont/', 'jérôme-dupont'],
    ['/in/jérôme-dupont/', 'jérôme-dupont'],
    ['https://www.linkedin.com/in/%E0%A4%A/', '%e0%a4%a'],
    ['https://www.linkedin.com/feed/', null],
    ['https://www.linkedin.com/in/', null],
    ['https://www.linkedin.com/company/nasa/', null],
  ])('%s → %s', (url, slug) => {
    expect(canonicalSlug(url)).toBe(slug);
  });
});
