/**
 * The content script's navigation logic (entrypoints/profile.content/navigation.ts) driven
 * without an extension: a fake `send`, a widget that counts mounts, and a test document
 * whose top card the tests render, change and leave stale, as LinkedIn's SPA does, or one
 * of the saved fixture pages.
 */
import { describe, expect, test, vi } from 'vitest';
import { createFollower, type Lifetime } from '../../entrypoints/profile.content/navigation.ts';
import { parseProfile } from '../../entrypoints/profile.content/parse.ts';
import type { ProfileSnapshot, Reply } from '../../shared/protocol.ts';
import { PROFILE_FIXTURES } from '../fixtures/profiles/expected.ts';
import { deferred, fail, fakeSend, ok, type Handlers } from './fakes.ts';

const fixturePages = import.meta.glob<string>('../fixtures/profiles/*.html', {
  query: '?raw',
  import: 'default',
  eager: true,
});

/** A fixture page as the browser loaded it (scripts do not run in a parsed document). */
function fixture(file: string): Document {
  const html = fixturePages[`../fixtures/profiles/${file}`];
  if (html === undefined) throw new Error(`No fixture ${file}`);
  return new DOMParser().parseFromString(html, 'text/html');
}

const A = 'https://www.linkedin.com/in/ada-lovelace/';
const B = 'https://www.linkedin.com/in/grace-hopper/';
const FEED = 'https://www.linkedin.com/feed/';
const ADA = { name: 'Ada Lovelace', headline: 'Analyst of the Analytical Engine' };
const GRACE = { name: 'Grace Hopper', headline: 'Rear Admiral' };
const HEDY = { name: 'Hedy Lamarr', headline: 'Inventor of frequency hopping' };

/**
 * Resolves after every promise the follower could settle without a page change: the fake
 * `send` answers in microtasks, so a reading that should not happen yet would be sent by then.
 */
const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A short render timeout keeps the stale-page cases fast. */
const RENDER_TIMEOUT_MS = 80;

/**
 * Renders a logged-in top card, replacing the one on screen (LinkedIn re-renders in place).
 * With `slug`, the card links that lead's contact info, as LinkedIn's own top card does.
 */
function showTopCard(doc: Document, person: { name: string; headline: string }, slug?: string): void {
  const contactInfo = slug
    ? `<div><span>Paris</span> <span><a href="/in/${slug}/overlay/contact-info/">Contact info</a></span></div>`
    : '';
  doc.body.innerHTML = `<main><section>
    <h1 class="text-heading-xlarge">${person.name}</h1>
    <div class="text-body-medium break-words">${person.headline}</div>
    ${contactInfo}
  </section></main>`;
}

/**
 * Longer than any test may take: where it is used, a test that passes did not wait for the
 * render timeout (Vitest's waitFor gives up after 1 s).
 */
const NEVER_MS = 600_000;

interface SetupOptions {
  doc?: Document;
  renderTimeoutMs?: number;
}

function setup(handlers: Handlers = {}, options: SetupOptions = {}) {
  const doc = options.doc ?? document.implementation.createHTMLDocument('Ada Lovelace | LinkedIn');
  const fake = fakeSend({ profileSeen: () => ok({ signedIn: true }), profileLeft: () => ok(null), ...handlers });
  const widget = { mount: vi.fn(), remove: vi.fn() };
  const abort = new AbortController();
  const ctx: Lifetime = {
    get isInvalid() {
      return abort.signal.aborted;
    },
    onInvalidated(callback) {
      abort.signal.addEventListener('abort', callback);
      return () => abort.signal.removeEventListener('abort', callback);
    },
  };
  const renderTimeoutMs = options.renderTimeoutMs ?? RENDER_TIMEOUT_MS;
  const follower = createFollower({ send: fake.send, widget, doc, ctx, renderTimeoutMs });
  const seen = () => fake.callsOf('profileSeen').map((payload) => (payload as { profile: ProfileSnapshot }).profile);
  /** Message names in the order sent. */
  const names = () => fake.calls.map((call) => call.name);
  return { ...fake, doc, widget, follower, seen, names, invalidate: () => abort.abort() };
}

describe('the content script follows the page', () => {
  test('mounts once per page, after the background knows the lead', async () => {
    const { doc, follower, widget, seen } = setup();
    showTopCard(doc, ADA);
    await follower.start(`${A}?miniProfileUrn=x`);
    expect(seen()).toMatchObject([{ slug: 'ada-lovelace', name: 'Ada Lovelace', unreadable: ['company', 'location'] }]);
    expect(widget.mount).toHaveBeenCalledTimes(1);

    // The same page again (a hash, a query, the same address): nothing new.
    await follower.navigate(`${A}#experience`);
    await follower.navigate(A);
    expect(seen()).toHaveLength(1);
    expect(widget.mount).toHaveBeenCalledTimes(1);
  });

  test('a sub-page of the same lead keeps the widget and sends nothing', async () => {
    const { doc, follower, widget, calls } = setup();
    showTopCard(doc, ADA);
    await follower.start(A);
    await follower.navigate(`${A}details/experience/`);
    expect(calls).toHaveLength(1);
    expect(widget.mount).toHaveBeenCalledTimes(1);
    expect(widget.remove).toHaveBeenCalledTimes(1); // only the clean slate before the first mount
  });

  test('A → B: profileLeft at once, then profileSeen(B) with B’s text, one remount', async () => {
    const { doc, follower, widget, seen, names } = setup();
    showTopCard(doc, ADA);
    await follower.start(A);

    const moving = follower.navigate(B);
    // Before B has rendered: the background already stopped serving A, the widget is gone.
    await vi.waitFor(() => expect(names()).toEqual(['profileSeen', 'profileLeft']));
    expect(widget.remove).toHaveBeenCalledTimes(2);
    expect(widget.mount).toHaveBeenCalledTimes(1);

    setTimeout(() => showTopCard(doc, GRACE), 10);
    await moving;
    expect(names()).toEqual(['profileSeen', 'profileLeft', 'profileSeen']);
    expect(seen()[1]).toMatchObject({ slug: 'grace-hopper', name: 'Grace Hopper', headline: 'Rear Admiral' });
    expect(widget.mount).toHaveBeenCalledTimes(2);
  });

  test('A → feed: profileLeft and the widget removed', async () => {
    const { doc, follower, widget, names } = setup();
    showTopCard(doc, ADA);
    await follower.start(A);
    await follower.navigate(FEED);
    expect(names()).toEqual(['profileSeen', 'profileLeft']);
    expect(widget.remove).toHaveBeenCalledTimes(2);
    expect(widget.mount).toHaveBeenCalledTimes(1);
    // Wandering on the feed sends nothing more.
    await follower.navigate(`${FEED}?filter=all`);
    expect(names()).toHaveLength(2);
  });

  test('A → B → A quickly: B’s slower answer never mounts over A', async () => {
    const replies = [deferred<undefined>(), deferred<undefined>()];
    let seenCount = 0;
    const { doc, follower, widget, seen } = setup({
      profileSeen: async () => {
        const held = seenCount > 0 ? replies[seenCount - 1] : undefined;
        seenCount += 1;
        await held?.promise;
        return ok({ signedIn: true });
      },
    });
    showTopCard(doc, ADA);
    await follower.start(A);

    const toB = follower.navigate(B);
    showTopCard(doc, GRACE);
    await vi.waitFor(() => expect(seen()).toHaveLength(2)); // profileSeen(B) sent, its answer held
    const backToA = follower.navigate(A);
    showTopCard(doc, ADA);
    await vi.waitFor(() => expect(seen()).toHaveLength(3));
    replies[1]?.resolve(undefined); // A's answer first
    await backToA;
    expect(widget.mount).toHaveBeenCalledTimes(2);
    replies[0]?.resolve(undefined); // then B's, late
    await toB;
    expect(widget.mount).toHaveBeenCalledTimes(2);
    // The last thing done to the widget was A's mount.
    expect(Math.max(...widget.remove.mock.invocationCallOrder)).toBeLessThan(
      Math.max(...widget.mount.mock.invocationCallOrder),
    );
    expect(seen()[2]).toMatchObject({ slug: 'ada-lovelace', name: 'Ada Lovelace' });
  });

  test('A → B → A before B rendered: A is read as A at once, not as a stale page', async () => {
    const { doc, follower, widget, seen } = setup();
    showTopCard(doc, ADA);
    await follower.start(A);
    const toB = follower.navigate(B);
    await follower.navigate(A);
    await toB;
    // Ada's top card, read for Ada before, is not "the page being left": her text is sent.
    expect(seen()).toHaveLength(2);
    expect(seen()[1]).toMatchObject({ slug: 'ada-lovelace', name: 'Ada Lovelace', headline: ADA.headline });
    expect(widget.mount).toHaveBeenCalledTimes(2);
  });

  test('B never renders: after the timeout A’s text is not sent as B’s', async () => {
    const { doc, follower, widget, seen } = setup();
    showTopCard(doc, ADA);
    await follower.start(A);
    await follower.navigate(B);
    expect(seen()[1]).toEqual({
      slug: 'grace-hopper',
      url: B,
      name: null,
      headline: null,
      company: null,
      location: null,
      unreadable: ['name', 'headline', 'company', 'location'],
    });
    // The widget still works from the slug and says what it could not read.
    expect(widget.mount).toHaveBeenCalledTimes(2);
  });

  test('after an in-page navigation the title (the first page’s) is not read', async () => {
    const { doc, follower, seen } = setup();
    showTopCard(doc, ADA);
    await follower.start(A);
    doc.body.innerHTML = '<main><p>Loading</p></main>';
    await follower.navigate(B);
    expect(seen()[1]).toMatchObject({ slug: 'grace-hopper', name: null });
  });

  test('a failed profileSeen does not mount; a later navigation tries again', async () => {
    let answer: Reply<{ signedIn: boolean }> = fail('internal', 'The extension did not answer. Try again.');
    const { doc, follower, widget, seen } = setup({ profileSeen: () => answer });
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => {});
    showTopCard(doc, ADA);
    await follower.start(A);
    expect(widget.mount).not.toHaveBeenCalled();
    expect(debug).toHaveBeenCalledWith('[LeadLens] profileSeen failed:', 'The extension did not answer. Try again.');

    answer = ok({ signedIn: true });
    await follower.navigate(`${A}details/experience/`);
    expect(seen()).toHaveLength(2);
    expect(widget.mount).toHaveBeenCalledTimes(1);
    debug.mockRestore();
  });

  test('A → B with a failed profileSeen(B): A’s widget is gone and none is mounted for B', async () => {
    const { doc, follower, widget, names } = setup({
      profileSeen: ({ profile }) => (profile.slug === 'ada-lovelace' ? ok({ signedIn: true }) : fail('internal', 'x')),
    });
    vi.spyOn(console, 'debug').mockImplementation(() => {});
    showTopCard(doc, ADA);
    await follower.start(A);
    const moving = follower.navigate(B);
    showTopCard(doc, GRACE);
    await moving;
    expect(names()).toEqual(['profileSeen', 'profileLeft', 'profileSeen']);
    expect(widget.mount).toHaveBeenCalledTimes(1);
    expect(widget.remove).toHaveBeenCalledTimes(2);
    vi.restoreAllMocks();
  });

  test('restored from the back/forward cache: profileSeen again before the widget is usable', async () => {
    const reply = deferred<undefined>();
    let held = false;
    const { doc, follower, widget, names, seen } = setup({
      profileSeen: async () => {
        if (held) await reply.promise;
        return ok({ signedIn: true });
      },
    });
    showTopCard(doc, ADA);
    await follower.start(A);
    held = true;
    const restoring = follower.restored(A);
    await vi.waitFor(() => expect(names()).toEqual(['profileSeen', 'profileLeft', 'profileSeen']));
    // Removed until the background holds this page's lead again.
    expect(widget.remove).toHaveBeenCalledTimes(2);
    expect(widget.mount).toHaveBeenCalledTimes(1);
    reply.resolve(undefined);
    await restoring;
    expect(widget.mount).toHaveBeenCalledTimes(2);
    expect(seen()[1]).toMatchObject({ slug: 'ada-lovelace', name: 'Ada Lovelace' });
  });

  test('nothing happens once the extension context is invalidated', async () => {
    const { doc, follower, widget, seen, invalidate } = setup();
    showTopCard(doc, ADA);
    await follower.start(A);
    const moving = follower.navigate(B);
    invalidate();
    await moving;
    expect(seen()).toHaveLength(1);
    expect(widget.mount).toHaveBeenCalledTimes(1);
  });
});

describe('a page is read as soon as it can be', () => {
  // Every saved layout, loaded directly: none of them makes the widget wait for a top card
  // that may never come, and each sends exactly what the parser reads from it.
  test.each(PROFILE_FIXTURES)('a first load of $file mounts at once', async ({ file, url, expected }) => {
    const { follower, widget, seen, invalidate } = setup({}, { doc: fixture(file), renderTimeoutMs: NEVER_MS });
    const starting = follower.start(url);
    await vi.waitFor(() => expect(widget.mount).toHaveBeenCalledTimes(1));
    expect(seen()).toEqual([expected]);
    invalidate(); // ends the watch for a top card that these pages never render
    await starting;
    expect(seen()).toHaveLength(1);
  });

  test('a first load that names nobody yet waits for the top card', async () => {
    const doc = document.implementation.createHTMLDocument('LinkedIn');
    doc.body.innerHTML = '<main><section aria-busy="true"></section></main>';
    const { follower, widget, seen } = setup({}, { doc, renderTimeoutMs: NEVER_MS });
    const starting = follower.start(A);
    await settled();
    expect(seen()).toEqual([]);
    showTopCard(doc, ADA);
    await starting;
    expect(seen()).toMatchObject([{ slug: 'ada-lovelace', name: 'Ada Lovelace', headline: ADA.headline }]);
    expect(widget.mount).toHaveBeenCalledTimes(1);
  });

  test('a first load is read as soon as the title names the lead', async () => {
    const doc = document.implementation.createHTMLDocument('LinkedIn');
    const { follower, widget, seen, invalidate } = setup({}, { doc, renderTimeoutMs: NEVER_MS });
    const starting = follower.start(A);
    await settled();
    expect(seen()).toEqual([]);
    doc.title = '(2) Ada Lovelace | LinkedIn';
    await vi.waitFor(() => expect(widget.mount).toHaveBeenCalledTimes(1));
    expect(seen()).toMatchObject([{ slug: 'ada-lovelace', name: 'Ada Lovelace', headline: null }]);
    invalidate();
    await starting;
  });

  test('a first look at a document loaded for another page does not trust its title', async () => {
    // A document loaded at another address (about:srcdoc stands for the first page the site
    // showed); the script starts once the site has moved on to Grace's profile.
    const frame = document.createElement('iframe');
    frame.srcdoc = '<title>Hedy Lamarr | LinkedIn</title><meta property="og:title" content="Hedy Lamarr | LinkedIn">';
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    document.body.append(frame);
    await loaded;
    try {
      const doc = frame.contentDocument;
      if (!doc) throw new Error('no frame document');
      const { follower, widget, seen } = setup({}, { doc });
      await follower.start(B);
      expect(seen()).toMatchObject([{ slug: 'grace-hopper', name: null }]);
      expect(widget.mount).toHaveBeenCalledTimes(1);
    } finally {
      frame.remove();
    }
  });

  test('a thin first reading is followed by the top card’s, without a second widget', async () => {
    const { doc, follower, widget, seen, names } = setup(
      {},
      { doc: fixture('title-only.html'), renderTimeoutMs: NEVER_MS },
    );
    const url = 'https://www.linkedin.com/in/hedy-lamarr/';
    const starting = follower.start(url);
    await vi.waitFor(() => expect(widget.mount).toHaveBeenCalledTimes(1));
    expect(seen()).toMatchObject([{ name: 'Hedy Lamarr', unreadable: ['headline', 'company', 'location'] }]);

    // The skeleton gives way to the top card: the background gets the richer reading.
    showTopCard(doc, HEDY);
    await starting;
    expect(seen()[1]).toMatchObject({ slug: 'hedy-lamarr', ...HEDY, unreadable: ['company', 'location'] });
    expect(names()).toEqual(['profileSeen', 'profileSeen']);
    // The widget stays: the background tells it that its tab's profile changed.
    expect(widget.mount).toHaveBeenCalledTimes(1);
    expect(widget.remove).toHaveBeenCalledTimes(1);
  });

  test('a thin first reading is never followed by the next lead’s top card', async () => {
    const { doc, follower, widget, seen, names } = setup(
      {},
      { doc: fixture('title-only.html'), renderTimeoutMs: NEVER_MS },
    );
    const starting = follower.start('https://www.linkedin.com/in/hedy-lamarr/');
    await vi.waitFor(() => expect(widget.mount).toHaveBeenCalledTimes(1));
    const moving = follower.navigate(B);
    showTopCard(doc, GRACE);
    await Promise.all([starting, moving]);
    expect(names()).toEqual(['profileSeen', 'profileLeft', 'profileSeen']);
    expect(seen().map((profile) => [profile.slug, profile.name])).toEqual([
      ['hedy-lamarr', 'Hedy Lamarr'],
      ['grace-hopper', 'Grace Hopper'],
    ]);
  });
});

describe('moving within one lead', () => {
  const DETAILS = 'https://www.linkedin.com/in/Ada-Lovelace/details/experience/';

  test('sub-page, then the main page: the main page’s richer reading is sent, the widget stays', async () => {
    const { doc, follower, widget, seen, names } = setup({}, { doc: fixture('details-experience.html') });
    await follower.start(DETAILS);
    expect(seen()).toMatchObject([{ slug: 'ada-lovelace', name: 'Ada Lovelace', headline: null }]);

    const moving = follower.navigate(A);
    showTopCard(doc, ADA);
    await moving;
    expect(names()).toEqual(['profileSeen', 'profileSeen']);
    expect(seen()[1]).toMatchObject({ slug: 'ada-lovelace', url: A, name: 'Ada Lovelace', headline: ADA.headline });
    expect(widget.mount).toHaveBeenCalledTimes(1);
    expect(widget.remove).toHaveBeenCalledTimes(1);

    // Back to the sub-page and to the main page again: nothing richer to say.
    await follower.navigate(DETAILS);
    await follower.navigate(A);
    expect(names()).toHaveLength(2);
  });

  test('sub-page, then the main page that never renders: the sub-page’s reading stays', async () => {
    const { follower, widget, names } = setup({}, { doc: fixture('details-experience.html') });
    await follower.start(DETAILS);
    await follower.navigate(A);
    expect(names()).toEqual(['profileSeen']);
    expect(widget.mount).toHaveBeenCalledTimes(1);
  });

  test('a previous lead’s top card still on screen is never the richer reading', async () => {
    const { doc, follower, seen, names } = setup();
    showTopCard(doc, GRACE, 'grace-hopper');
    await follower.start(B);
    // To Ada's experience list, then her main page, with Grace's top card still on screen.
    await follower.navigate(DETAILS);
    expect(seen()[1]).toMatchObject({ slug: 'ada-lovelace', name: null, headline: null });
    const moving = follower.navigate(A);
    // Ada's card comes while the wait for it runs (LinkedIn renders after its own fetch).
    await new Promise((resolve) => setTimeout(resolve, RENDER_TIMEOUT_MS / 2));
    showTopCard(doc, ADA, 'ada-lovelace');
    await moving;
    expect(names()).toEqual(['profileSeen', 'profileLeft', 'profileSeen', 'profileSeen']);
    expect(seen()[2]).toMatchObject({ slug: 'ada-lovelace', name: 'Ada Lovelace', headline: ADA.headline });
    expect(seen().some((profile) => profile.slug === 'ada-lovelace' && profile.headline === GRACE.headline)).toBe(
      false,
    );
  });
});

describe('two leads in a row with the same displayed name', () => {
  const FIRST = 'https://www.linkedin.com/in/john-smith-1/';
  const SECOND = 'https://www.linkedin.com/in/john-smith-2/';
  const ENGINEER = { name: 'John Smith', headline: 'Engineer at Acme' };
  const BAKER = { name: 'John Smith', headline: 'Baker in Lyon' };

  test('the new top card is known by its contact-info link and read at once', async () => {
    const { doc, follower, widget, seen } = setup({}, { renderTimeoutMs: NEVER_MS });
    showTopCard(doc, ENGINEER, 'john-smith-1');
    await follower.start(FIRST);
    const moving = follower.navigate(SECOND);
    showTopCard(doc, BAKER, 'john-smith-2');
    await moving;
    expect(seen()[1]).toMatchObject({ slug: 'john-smith-2', name: 'John Smith', headline: BAKER.headline });
    expect(widget.mount).toHaveBeenCalledTimes(2);
  });

  test('until the card links the new lead, the old card is not read', async () => {
    const { doc, follower, seen } = setup();
    showTopCard(doc, ENGINEER, 'john-smith-1');
    await follower.start(FIRST);
    // The first lead's card stays (re-rendered, but still linking the first lead).
    const moving = follower.navigate(SECOND);
    showTopCard(doc, ENGINEER, 'john-smith-1');
    await moving;
    expect(seen()[1]).toMatchObject({ slug: 'john-smith-2', name: null, headline: null });
  });

  test('two "LinkedIn Member" pages: nothing tells the cards apart, so the second waits and reads the slug only', async () => {
    const MEMBER = { name: 'LinkedIn Member', headline: 'Procurement lead' };
    const { doc, follower, seen } = setup();
    showTopCard(doc, MEMBER);
    await follower.start(FIRST);
    const moving = follower.navigate(SECOND);
    showTopCard(doc, { ...MEMBER, headline: 'Sales director' });
    await moving;
    // Reading it would risk sending the first member's headline as the second's.
    expect(seen()[1]).toMatchObject({ slug: 'john-smith-2', name: null, headline: null });
  });
});

describe('parseProfile trusts only what belongs to the page’s slug', () => {
  const page = (head: string) =>
    new DOMParser().parseFromString(`<!doctype html><html><head>${head}</head><body></body></html>`, 'text/html');

  test('a JSON-LD Person for another slug is not this lead', () => {
    const doc = page(
      `<script type="application/ld+json">${JSON.stringify({
        '@graph': [{ '@type': 'Person', name: 'Dorothy Vaughan', url: 'https://www.linkedin.com/in/dorothy-vaughan' }],
      })}</script>`,
    );
    expect(parseProfile(doc, 'https://www.linkedin.com/in/katherine-johnson/')).toMatchObject({
      profile: { name: null, headline: null },
    });
    expect(parseProfile(doc, 'https://www.linkedin.com/in/Dorothy-Vaughan/')).toMatchObject({
      profile: { name: 'Dorothy Vaughan' },
    });
  });

  test('after an in-page navigation the title and og:title are not read; on a first load they are', () => {
    const doc = page(
      '<title>(2) Hedy Lamarr | LinkedIn</title><meta property="og:title" content="Hedy Lamarr | LinkedIn">',
    );
    const url = 'https://www.linkedin.com/in/someone-else/';
    expect(parseProfile(doc, url)).toMatchObject({ profile: { name: 'Hedy Lamarr' } });
    expect(parseProfile(doc, url, { afterNavigation: true })).toMatchObject({
      profile: { name: null, unreadable: ['name', 'headline', 'company', 'location'] },
    });
  });
});
