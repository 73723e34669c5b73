import { describe, expect, test } from 'vitest';
import { cleanText, parseProfile, renderedName } from '../../entrypoints/profile.content/parse.ts';
import { MAX_PROFILE_TEXT } from '../../shared/profile.ts';
import { ProfileSnapshotSchema } from '../../shared/protocol.ts';
import { canonicalSlug } from '../../shared/slug.ts';
import { LAYOUTS, PROFILE_FIXTURES } from '../fixtures/profiles/expected.ts';

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

  test.each(LAYOUTS)('a fixture stands for: %s', (layout) => {
    expect(PROFILE_FIXTURES.filter((fixture) => fixture.covers.includes(layout))).not.toEqual([]);
  });

  test.each(PROFILE_FIXTURES)('$file', ({ file, url, expected }) => {
    const result = parseProfile(load(file), url);
    expect(result).toEqual({ ok: true, profile: expected });
  });

  // What the content script sends in profileSeen: a snapshot the background refuses mounts no widget.
  test.each(PROFILE_FIXTURES)('the background accepts the snapshot of $file', ({ file, url }) => {
    const result = parseProfile(load(file), url);
    if (!result.ok) throw new Error('expected a profile');
    expect(ProfileSnapshotSchema.safeParse(result.profile).error).toBeUndefined();
  });

  test('the long headline fixture really holds 5,000 characters', () => {
    const headline = load('hostile-profile.html').querySelector('main .text-body-medium')?.textContent?.trim() ?? '';
    expect(headline.length).toBeGreaterThanOrEqual(5000);
  });

  test('a sub-page names the same lead as its profile page', () => {
    const profile = parseProfile(load('logged-in.html'), 'https://www.linkedin.com/in/ada-lovelace/');
    const details = parseProfile(
      load('details-experience.html'),
      'https://www.linkedin.com/in/Ada-Lovelace/details/experience/',
    );
    expect(details.ok && details.profile.slug).toBe(profile.ok && profile.profile.slug);
  });

  test('the contact-info dialog is never read: no contact data in the snapshot', () => {
    const result = parseProfile(
      load('contact-info.html'),
      'https://www.linkedin.com/in/margaret-hamilton/overlay/contact-info/',
    );
    const text = JSON.stringify(result);
    for (const secret of ['margaret@apollo.example', '617 555 0169', 'Massachusetts Ave', 'Contact info']) {
      expect(text).not.toContain(secret);
    }
  });

  test('a limited profile: the top card counts as rendered, but its placeholder is no name', () => {
    const doc = load('limited-member.html');
    expect(renderedName(doc)).toBe('LinkedIn Member');
    expect(parseProfile(doc, 'https://www.linkedin.com/in/x/')).toMatchObject({
      profile: { name: null, unreadable: ['name', 'company'] },
    });
  });

  test("after in-page navigation the title is not read: it may still be the previous page's", () => {
    const result = parseProfile(load('title-only.html'), 'https://www.linkedin.com/in/hedy-lamarr/', {
      afterNavigation: true,
    });
    expect(result).toMatchObject({ profile: { name: null, unreadable: ['name', 'headline', 'company', 'location'] } });
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

  test('"LinkedIn Member" is no name, wherever it is found', () => {
    const placeholders = [
      page(
        '',
        '<meta property="og:title" content="LinkedIn Member | LinkedIn"><title>LinkedIn Member | LinkedIn</title>',
      ),
      page('<main><h1>  linkedin   member </h1></main>'),
      page(
        '',
        '<script type="application/ld+json">{"@type":"Person","name":"LinkedIn Member","url":"https://www.linkedin.com/in/x"}</script>',
      ),
    ];
    for (const doc of placeholders) {
      expect(parseProfile(doc, 'https://www.linkedin.com/in/x/')).toMatchObject({
        ok: true,
        profile: { slug: 'x', name: null, unreadable: ['name', 'headline', 'company', 'location'] },
      });
    }
    // A real name that merely contains the words is kept.
    const real = page('<main><h1>LinkedIn Member Services</h1></main>');
    expect(parseProfile(real, 'https://www.linkedin.com/in/x/')).toMatchObject({
      profile: { name: 'LinkedIn Member Services' },
    });
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

  // Named by hand: these characters would scramble the test report if printed.
  test.each([
    ['drops a C1 control', 'Ada\u0085 Lovelace', 'Ada Lovelace'],
    ['drops an unbalanced right-to-left override', '\u202eAda Lovelace', 'Ada Lovelace'],
    ['drops embeddings and isolates', '\u202bAda\u202c \u2067Lovelace\u2069', 'Ada Lovelace'],
    ['keeps a right-to-left mark', 'مريم\u200f', 'مريم\u200f'],
    ['keeps the joiner inside an emoji', 'Ada 👩\u200d💻', 'Ada 👩\u200d💻'],
  ])('%s', (_, raw, expected) => {
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
    ['https://www.linkedin.com/in/jérôme-dupont/details/experience/', 'jérôme-dupont'],
    ['https://www.linkedin.com/in/margaret-hamilton/overlay/contact-info/', 'margaret-hamilton'],
    ['https://www.linkedin.com/in/%CE%9D%CE%8A%CE%9A%CE%9F%CE%A3/', 'νίκος'],
    ['https://www.linkedin.com/in/%E7%8E%8B%E5%B0%8F%E6%98%8E-88A1B2', '王小明-88a1b2'],
    ['https://www.linkedin.com/in/%E0%A4%A/', '%e0%a4%a'],
    ['https://www.linkedin.com/feed/', null],
    ['https://www.linkedin.com/in/', null],
    ['https://www.linkedin.com/company/nasa/', null],
  ])('%s → %s', (url, slug) => {
    expect(canonicalSlug(url)).toBe(slug);
  });
});
