/**
 * Profile pages in the wild (issue 4), with the built extension in Chromium: every saved layout
 * shows its own lead, pages that are not profiles show nothing, one lead spelled two ways is
 * paid once, hostile profile text stays text, and a keyboard alone can reveal.
 */
import { describe, expect, it } from 'vitest';
import { PROFILE_FIXTURES } from '../fixtures/profiles/expected.ts';
import { serveLinkedInPage } from '../support/extension.ts';
import { detailsPageHtml, profilePageHtml } from '../support/profile-page.ts';
import { exactUrl, ProfilePage, WatchedTab } from './pages/profile.ts';
import { useE2eEnvironment } from './environment.ts';
import { JEROME, PEOPLE } from './people.ts';

const env = useE2eEnvironment();

describe('the widget on each saved profile layout', () => {
  it.each(PROFILE_FIXTURES)('$file shows its own lead', async (fixture) => {
    const { expected } = fixture;
    await ProfilePage.serveFixture(env.browser, fixture);
    const profile = await ProfilePage.openUrl(env.browser, fixture.url);

    // A page whose name could not be read is headed by its slug, and says so.
    const heading = expected.name ?? expected.slug;
    await expect.poll(() => profile.leadName().textContent(), { timeout: 15_000 }).toBe(heading);
    const card = (await profile.leadCard().textContent()) ?? '';
    for (const value of [expected.headline, expected.company, expected.location]) {
      if (value !== null) expect(card).toContain(value);
    }
    const unreadable = card.match(/Could not read the (.*) on this page\./)?.[1] ?? '';
    for (const field of ['name', 'headline', 'company', 'location'] as const) {
      expect(unreadable.includes(field), `"${field}" said to be unreadable`).toBe(expected.unreadable.includes(field));
    }
    expect(await profile.widgetCount()).toBe(1);
  });
});

describe('pages that are not a profile', () => {
  const page = profilePageHtml({ name: 'Ada Lovelace' });

  it.each(['https://www.linkedin.com/feed/', 'https://www.linkedin.com/in/'])(
    'no widget on %s, where the script runs',
    async (url) => {
      // The page even carries a top card: the address alone decides.
      await serveLinkedInPage(env.browser.context, exactUrl(url), page);
      const tab = await WatchedTab.open(env.browser, url);
      await tab.contentScriptRan();
      expect(await tab.widgetCount()).toBe(0);
    },
  );

  it('no widget and no script on another site, even at a profile-like address', async () => {
    const url = 'https://example.com/in/ada-lovelace/';
    await env.browser.context.route(exactUrl(url), (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: page }),
    );
    const tab = await WatchedTab.open(env.browser, url);
    expect(tab.injected()).toBe(false);
    expect(await tab.widgetCount()).toBe(0);
  });
});

describe('one lead, two spellings of the address', () => {
  it('costs one credit: revealed on the profile, shown free on the sub-page', async () => {
    await env.server.addPeople([JEROME]);
    const main = 'https://www.linkedin.com/in/J%C3%A9r%C3%B4me-Dupont/';
    const details = 'https://www.linkedin.com/in/jérôme-dupont/details/experience/';
    await serveLinkedInPage(env.browser.context, exactUrl(main), profilePageHtml({ name: JEROME.name }));
    await serveLinkedInPage(env.browser.context, exactUrl(details), detailsPageHtml(JEROME.name));

    const profile = await ProfilePage.openUrl(env.browser, main);
    await profile.waitForLead(JEROME.name);
    await profile.revealButton('phone').click();
    await expect.poll(() => profile.text('+33 6 12 34 56 78').isVisible()).toBe(true);
    const paid = await env.server.balances(env.workspace.apiKey);
    expect(paid.phone.remaining).toBe(4);

    const subPage = await ProfilePage.openUrl(env.browser, details);
    await subPage.waitForLead(JEROME.name);
    // Shown without a click, from what this pool already paid.
    await expect.poll(() => subPage.text('+33 6 12 34 56 78').isVisible()).toBe(true);
    await expect(subPage.revealButton('phone').count()).resolves.toBe(0);
    expect((await env.server.balances(env.workspace.apiKey)).phone.remaining).toBe(4);
    const charges = (await env.server.ledger(env.workspace.apiKey)).filter((entry) => entry.reason === 'reveal');
    expect(charges).toMatchObject([{ type: 'phone', delta: -1, lead: JEROME.slug }]);
    expect(env.reveals()).toHaveLength(1);
  });
});

describe('moving within one lead in the page', () => {
  it('from a sub-page to the main profile, the widget gains what the top card adds, in place', async () => {
    const details = `/in/${PEOPLE.ada.slug}/details/experience/`;
    await serveLinkedInPage(
      env.browser.context,
      exactUrl(`https://www.linkedin.com${details}`),
      detailsPageHtml(PEOPLE.ada.name),
    );
    const profile = await ProfilePage.openUrl(env.browser, `https://www.linkedin.com${details}`);
    await expect.poll(() => profile.leadName().textContent(), { timeout: 15_000 }).toBe(PEOPLE.ada.name);
    await expect(profile.leadCard().textContent()).resolves.toContain('Could not read the headline');
    // The same frame must stay: tag it to tell it from a remounted one.
    const frame = profile.page.locator('iframe[data-leadlens-widget]');
    await frame.evaluate((element) => element.setAttribute('data-test-first', ''));

    const top = { name: PEOPLE.ada.name, headline: 'Analyst of the Analytical Engine', company: 'Babbage & Co' };
    await profile.showInPage(`/in/${PEOPLE.ada.slug}/`, profilePageHtml(top));
    await expect.poll(() => profile.leadCard().textContent(), { timeout: 15_000 }).toContain(top.headline);
    const card = (await profile.leadCard().textContent()) ?? '';
    expect(card).toContain(top.company);
    expect(card).not.toContain('Could not read');
    expect(await frame.evaluate((element) => element.hasAttribute('data-test-first'))).toBe(true);
    expect(await profile.widgetCount()).toBe(1);
  });
});

describe('hostile profile text', () => {
  it('is shown as text and executes nothing', async () => {
    const fixture = PROFILE_FIXTURES.find((row) => row.file === 'hostile-profile.html');
    if (!fixture) throw new Error('no hostile-profile fixture');
    await ProfilePage.serveFixture(env.browser, fixture);
    const tab = await env.browser.context.newPage();
    const dialogs: string[] = [];
    tab.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await tab.goto(fixture.url);
    const profile = ProfilePage.on(tab);

    await expect.poll(() => profile.leadName().textContent(), { timeout: 15_000 }).toBe(fixture.expected.name);
    const card = (await profile.leadCard().textContent()) ?? '';
    expect(card).toContain('<script>alert(1)</script>');
    expect(card).toContain(fixture.expected.headline);
    // Markup in the text never became elements, so nothing in it can run, now or later.
    await expect(profile.mountedWidget().locator('img, script:not([src])').count()).resolves.toBe(0);
    const frame = tab.frames().find((candidate) => candidate.url().includes('widget.html'));
    if (!frame) throw new Error('no widget frame');
    expect(await frame.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(await tab.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
  });
});

describe('the keyboard alone', () => {
  it('tabs into the widget and reveals the phone with Enter', async () => {
    const profile = await ProfilePage.open(env.browser, PEOPLE.ada.slug);
    await profile.waitForLead(PEOPLE.ada.name);
    const phone = profile.revealButton('phone');
    const focused = () => phone.evaluate((button) => button === document.activeElement);

    // Through the page's own controls, into the frame, to the button: Tab only.
    for (let presses = 0; !(await focused()); presses++) {
      if (presses === 40) throw new Error('Tab never reached "Reveal phone"');
      await profile.page.keyboard.press('Tab');
    }
    expect(await phone.evaluate((button) => button.matches(':focus-visible'))).toBe(true);
    await profile.page.keyboard.press('Enter');

    await expect.poll(() => profile.text('+44 7700 900123').isVisible()).toBe(true);
    await expect(profile.text('+44 20 7946 0958').isVisible()).resolves.toBe(true);
    expect((await env.server.balances(env.workspace.apiKey)).phone.remaining).toBe(4);
  });
});
