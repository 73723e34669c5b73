/**
 * In-page navigation (LinkedIn is a single-page app): one lead's data never shows on another
 * lead's page, even when an answer arrives after the user moved on.
 */
import { describe, expect, it } from 'vitest';
import { ProfilePage } from './pages/profile.ts';
import { useE2eEnvironment } from './environment.ts';
import { PEOPLE } from './people.ts';

const env = useE2eEnvironment();

const grace = { name: 'Grace Hopper', headline: 'Rear Admiral', company: 'US Navy', location: 'Arlington, Virginia' };

describe('moving between profiles in the page', () => {
  it('never shows the previous lead’s late answer on the new lead', async () => {
    env.proxy.setMode({ kind: 'slow', delayMs: 2_000 }, { paths: /^\/v1\/reveals/ });
    const profile = await ProfilePage.open(env.browser, PEOPLE.ada.slug);
    await profile.waitForLead('Ada Lovelace');
    await profile.revealButton('phone').click();
    await profile.navigateInPage(PEOPLE.grace.slug, grace);

    await profile.waitForLead('Grace Hopper');
    // Let Ada's answer arrive in the background, then look again.
    await expect
      .poll(async () => (await env.server.balances(env.workspace.apiKey)).phone.remaining, { timeout: 10_000 })
      .toBe(4);
    await profile.page.waitForTimeout(500);
    await expect(profile.text('Ada Lovelace').isVisible()).resolves.toBe(false);
    await expect(profile.text('+44 7700 900123').isVisible()).resolves.toBe(false);
    await expect(profile.revealButton('phone').isVisible()).resolves.toBe(true);
    expect(await profile.page.locator('iframe[src*="widget.html"]').count()).toBe(1);

    // Back to Ada: her phone, paid once, comes from the cache.
    env.proxy.setMode({ kind: 'pass' });
    await profile.page.goBack();
    await expect.poll(() => profile.text('+44 7700 900123').isVisible(), { timeout: 15_000 }).toBe(true);
    expect((await env.server.balances(env.workspace.apiKey)).phone.remaining).toBe(4);
  });

  it('removes the widget on a page that is not a profile', async () => {
    const profile = await ProfilePage.open(env.browser, PEOPLE.ada.slug);
    await profile.waitForLead('Ada Lovelace');
    await profile.page.evaluate(() => history.pushState({}, '', '/feed/'));
    await expect.poll(() => profile.page.locator('iframe[src*="widget.html"]').count()).toBe(0);
  });
});
