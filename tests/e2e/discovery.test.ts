/**
 * Automatic discovery and the popup (issue 3, R7, R9) with the built extension in Chromium
 * and the real server: what opening a profile spends with each setting, the spending guard,
 * the popup's figures against the server's, and a profile left before its plan ran.
 */
import { describe, expect, it } from 'vitest';
import { serveLinkedInPage } from '../support/extension.ts';
import { PopupPage, setDiscovery } from './pages/popup.ts';
import { ProfilePage } from './pages/profile.ts';
import { useE2eEnvironment } from './environment.ts';
import { PEOPLE } from './people.ts';

const env = useE2eEnvironment({ discovery: 'defaults' });

const grace = { name: 'Grace Hopper', headline: 'Rear Admiral', company: 'US Navy', location: 'Arlington, Virginia' };

/** Ten people in the database, each with a B2B email and a phone. */
const CROWD = Array.from({ length: 10 }, (_, i) => ({
  slug: `crowd-person-${i}`,
  name: `Crowd Person ${i}`,
  b2bEmails: [`person${i}@crowd.example`],
  phones: [`mobile:+33 6 00 00 00 ${String(i).padStart(2, '0')}`],
}));

/** Checks for `ms` that no reveal reaches the server (a plan that should not run stays silent). */
async function expectNoRevealFor(ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    expect(env.reveals()).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function serveCrowd(): Promise<void> {
  await env.server.addPeople(CROWD);
  for (const person of CROWD) await ProfilePage.serve(env.browser, person.slug, { name: person.name });
}

describe('automatic discovery', () => {
  it('with the defaults reveals the B2B email for exactly 1 credit; opening the profile again spends nothing', async () => {
    const profile = await ProfilePage.open(env.browser, PEOPLE.ada.slug);
    await profile.waitForLead('Ada Lovelace');
    // Nobody clicked.
    await expect.poll(() => profile.text('ada@analytical-engines.example').isVisible()).toBe(true);
    const after = await env.server.balances(env.workspace.apiKey);
    expect(after.b2bEmail.remaining).toBe(9);
    expect(after.phone.remaining).toBe(5);
    expect(after.directEmail.remaining).toBe(5);
    expect(env.reveals()).toHaveLength(1);
    // What a click would cost, beside each remaining button.
    await expect.poll(() => profile.text('1 phone credit · 5 left').isVisible()).toBe(true);
    await expect(profile.text('1 direct email credit · 5 left').isVisible()).resolves.toBe(true);

    env.proxy.requests.length = 0;
    await profile.page.reload();
    await profile.waitForLead('Ada Lovelace');
    await expect.poll(() => profile.text('ada@analytical-engines.example').isVisible()).toBe(true);
    // The plan ran (its free availability read is its first step) and asked for nothing more.
    await expect.poll(() => env.proxy.requests).toEqual([`GET /v1/leads/${PEOPLE.ada.slug}/availability`]);
    await expectNoRevealFor(500);
    expect((await env.server.balances(env.workspace.apiKey)).b2bEmail.remaining).toBe(9);
  });

  it('says "No data" for a type the lead has none of, and spends nothing on it', async () => {
    await setDiscovery(env.browser, { phone: true });
    const profile = await ProfilePage.open(env.browser, PEOPLE.grace.slug);
    await profile.waitForLead('Grace Hopper');
    await expect.poll(() => profile.text('grace@navy.example').isVisible()).toBe(true);
    await expect.poll(() => profile.text('No data').isVisible()).toBe(true);
    const after = await env.server.balances(env.workspace.apiKey);
    expect(after.phone.remaining).toBe(5);
    expect(after.b2bEmail.remaining).toBe(9);
    // Grace has only a B2B email: the one reveal asked for nothing else.
    expect(env.reveals()).toHaveLength(1);
  });

  it('turning phone on in the popup makes the next profile reveal its phone', async () => {
    const popup = await PopupPage.open(env.browser);
    await popup.setAuto('phone', true);
    const profile = await ProfilePage.open(env.browser, PEOPLE.katherine.slug);
    await profile.waitForLead('Katherine Johnson');
    await expect.poll(() => profile.text('+1 757 555 0100').isVisible()).toBe(true);
    await expect.poll(() => profile.text('katherine@nasa.example').isVisible()).toBe(true);
    const after = await env.server.balances(env.workspace.apiKey);
    expect(after.phone.remaining).toBe(4);
    expect(after.b2bEmail.remaining).toBe(9);
    // Both types in one request.
    expect(env.reveals()).toHaveLength(1);
    // The popup, still open, followed the reveal.
    await expect.poll(() => popup.left('phone')).toBe(4);
  });

  it('with every toggle off, opening ten profiles spends nothing', async () => {
    await serveCrowd();
    await setDiscovery(env.browser, { b2bEmail: false, phone: false, directEmail: false });
    const before = await env.server.balances(env.workspace.apiKey);
    const tab = await env.browser.context.newPage();
    for (const person of CROWD) {
      const profile = await ProfilePage.open(env.browser, person.slug, tab);
      await profile.waitForLead(person.name);
      // "No data" (for direct email) comes from the plan: it has run for this profile.
      await expect.poll(() => profile.text('No data').isVisible()).toBe(true);
      await expect(profile.text('1 B2B email credit').isVisible()).resolves.toBe(true);
    }
    expect(env.reveals()).toEqual([]);
    expect(await env.server.balances(env.workspace.apiKey)).toEqual(before);
  });

  it('the guard stops automatic reveals at N; a click still works', async () => {
    await serveCrowd();
    const popup = await PopupPage.open(env.browser);
    await popup.setAuto('b2bEmail', false);
    await popup.setAuto('phone', true);
    await popup.setGuard('phone', 3);
    await popup.page.close();
    // 5 phone credits, 3 kept: two profiles reveal their phone by themselves.
    const tab = await env.browser.context.newPage();
    for (const person of CROWD.slice(0, 2)) {
      const profile = await ProfilePage.open(env.browser, person.slug, tab);
      await profile.waitForLead(person.name);
      await expect.poll(() => profile.text(person.phones[0]?.slice('mobile:'.length) ?? '').isVisible()).toBe(true);
    }
    expect((await env.server.balances(env.workspace.apiKey)).phone.remaining).toBe(3);

    const third = CROWD[2];
    if (!third) throw new Error('fixture');
    const profile = await ProfilePage.open(env.browser, third.slug, tab);
    await profile.waitForLead(third.name);
    await expect
      .poll(() => profile.text('Not revealed automatically: 3 phone credits are kept for your clicks.').isVisible())
      .toBe(true);
    expect((await env.server.balances(env.workspace.apiKey)).phone.remaining).toBe(3);
    expect(env.reveals()).toHaveLength(2);

    await profile.revealButton('phone').click();
    await expect.poll(() => profile.text('+33 6 00 00 00 02').isVisible()).toBe(true);
    expect((await env.server.balances(env.workspace.apiKey)).phone.remaining).toBe(2);
  });

  it('does not charge a profile the user left before its plan ran', async () => {
    // The free availability read is slow: the user scrolls on to Grace before it answers.
    env.proxy.setMode({ kind: 'slow', delayMs: 1_500 }, { paths: /\/v1\/leads\/ada-lovelace\/availability/ });
    const profile = await ProfilePage.open(env.browser, PEOPLE.ada.slug);
    await profile.waitForLead('Ada Lovelace');
    await profile.navigateInPage(PEOPLE.grace.slug, grace);
    await profile.waitForLead('Grace Hopper');
    await expect.poll(() => profile.text('grace@navy.example').isVisible()).toBe(true);
    // Ada's availability answer arrives, long after she left the screen.
    await expect
      .poll(() => env.proxy.requests.filter((line) => line.includes('ada-lovelace/availability')).length)
      .toBe(1);
    await profile.page.waitForTimeout(2_000);
    const ledger = await env.server.ledger(env.workspace.apiKey);
    expect(ledger.filter((entry) => entry.reason === 'reveal').map((entry) => entry.lead)).toEqual([PEOPLE.grace.slug]);
    expect(env.reveals()).toHaveLength(1);
  });
  it('does not charge a profile left by loading another page before its plan ran', async () => {
    env.proxy.setMode({ kind: 'slow', delayMs: 1_500 }, { paths: /\/v1\/leads\/ada-lovelace\/availability/ });
    const profile = await ProfilePage.open(env.browser, PEOPLE.ada.slug);
    await profile.waitForLead('Ada Lovelace');
    // A link that loads a page that is not a profile (not LinkedIn's in-page navigation).
    await serveLinkedInPage(env.browser.context, 'https://www.linkedin.com/feed/', '<title>Feed</title><h1>Feed</h1>');
    await profile.page.goto('https://www.linkedin.com/feed/');
    await expect
      .poll(() => env.proxy.requests.filter((line) => line.includes('ada-lovelace/availability')).length)
      .toBe(1);
    // The slow answer arrives 1.5 s after it was asked; a plan still alive would reveal then.
    await expectNoRevealFor(2_500);
    expect((await env.server.balances(env.workspace.apiKey)).b2bEmail.remaining).toBe(10);
  });
  it('does not charge a profile left for another site before its plan ran', async () => {
    env.proxy.setMode({ kind: 'slow', delayMs: 1_500 }, { paths: /\/v1\/leads\/ada-lovelace\/availability/ });
    await env.browser.context.route('https://example.com/', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<title>Elsewhere</title><p>Elsewhere</p>' }),
    );
    const profile = await ProfilePage.open(env.browser, PEOPLE.ada.slug);
    await profile.waitForLead('Ada Lovelace');
    await profile.page.goto('https://example.com/');
    await expect
      .poll(() => env.proxy.requests.filter((line) => line.includes('ada-lovelace/availability')).length)
      .toBe(1);
    await expectNoRevealFor(2_500);
    expect((await env.server.balances(env.workspace.apiKey)).b2bEmail.remaining).toBe(10);
  });
});

describe('the popup', () => {
  it('shows the same balances as GET /v1/account after reveals made in a tab', async () => {
    await setDiscovery(env.browser, { phone: true, directEmail: true });
    const popup = await PopupPage.open(env.browser);
    const profile = await ProfilePage.open(env.browser, PEOPLE.ada.slug);
    await profile.waitForLead('Ada Lovelace');
    await expect.poll(() => profile.text('ada.lovelace@mail.example').isVisible()).toBe(true);
    const alan = await ProfilePage.open(env.browser, PEOPLE.alan.slug);
    await expect.poll(() => alan.text('+44 1908 640404').isVisible()).toBe(true);

    const server = await env.server.balances(env.workspace.apiKey);
    expect(server.phone.remaining).toBe(3);
    for (const type of ['b2bEmail', 'phone', 'directEmail', 'export'] as const) {
      await expect.poll(() => popup.left(type)).toBe(server[type].remaining);
    }
    // A popup opened now shows the same figures.
    const fresh = await PopupPage.open(env.browser);
    for (const type of ['b2bEmail', 'phone', 'directEmail', 'export'] as const) {
      await expect.poll(() => fresh.left(type)).toBe(server[type].remaining);
    }
  });

  it('puts a badge on the toolbar icon when an auto-revealed type is 90% used', async () => {
    await serveCrowd();
    const popup = await PopupPage.open(env.browser);
    await popup.setAuto('b2bEmail', false);
    await popup.setAuto('phone', true);
    await popup.page.close();
    const worker = await env.browser.serviceWorker();
    const badge = () =>
      worker.evaluate(async () => {
        const { chrome } = globalThis as unknown as {
          chrome: { action: { getBadgeText(details: object): Promise<string> } };
        };
        return chrome.action.getBadgeText({});
      });
    expect(await badge()).toBe('');
    // 5 phone credits: after 4 reveals 80% are used (no badge), after the 5th 100% ("0").
    const tab = await env.browser.context.newPage();
    for (const [i, person] of CROWD.slice(0, 5).entries()) {
      const profile = await ProfilePage.open(env.browser, person.slug, tab);
      await expect.poll(() => profile.text(person.phones[0]?.slice('mobile:'.length) ?? '').isVisible()).toBe(true);
      if (i === 3) await expect.poll(badge).toBe('');
    }
    await expect.poll(badge).toBe('0');
  });
});
