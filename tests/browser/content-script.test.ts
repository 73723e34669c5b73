/**
 * The content script's navigation logic (entrypoints/profile.content/navigation.ts) driven
 * without an extension: a fake `send`, a widget that counts mounts, and a test document
 * whose top card the tests render, change and leave stale, as LinkedIn's SPA does.
 */
import { describe, expect, test, vi } from 'vitest';
import { createFollower, type Lifetime } from '../../entrypoints/profile.content/navigation.ts';
import { parseProfile } from '../../entrypoints/profile.content/parse.ts';
import type { ProfileSnapshot, Reply } from '../../shared/protocol.ts';
import { deferred, fail, fakeSend, ok, type Handlers } from './fakes.ts';

const A = 'https://www.linkedin.com/in/ada-lovelace/';
const B = 'https://www.linkedin.com/in/grace-hopper/';
const FEED = 'https://www.linkedin.com/feed/';
const ADA = { name: 'Ada Lovelace', headline: 'Analyst of the Analytical Engine' };
const GRACE = { name: 'Grace Hopper', headline: 'Rear Admiral' };

/** A short render timeout keeps the stale-page cases fast. */
const RENDER_TIMEOUT_MS = 80;

/** Renders a logged-in top card, replacing the one on screen (LinkedIn re-renders in place). */
function showTopCard(doc: Document, person: { name: string; headline: string }): void {
  doc.body.innerHTML = `<main><section>
    <h1 class="text-heading-xlarge">${person.name}</h1>
    <div class="text-body-medium break-words">${person.headline}</div>
  </section></main>`;
}

function setup(handlers: Handlers = {}) {
  const doc = document.implementation.createHTMLDocument('Ada Lovelace | LinkedIn');
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
  const follower = createFollower({ send: fake.send, widget, doc, ctx, renderTimeoutMs: RENDER_TIMEOUT_MS });
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
