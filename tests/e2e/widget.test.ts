/**
 * The widget's polish, in real Chromium with the built extension: collapsed to a handle and
 * remembered (a reload, every tab), usable with the keyboard alone, copying says so, the page
 * never moves, and a browser in French gets it in French.
 */
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { launchWithExtension } from '../support/extension.ts';
import { ProfilePage } from './pages/profile.ts';
import { WidgetFrame } from './pages/widget.ts';
import { useE2eEnvironment } from './environment.ts';
import { PEOPLE } from './people.ts';

const env = useE2eEnvironment({ direct: true });

/** Whether the element has the focus within its document (the widget's, inside its frame). */
function hasFocus(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => element === element.ownerDocument.activeElement);
}

/** Opens a profile and waits for its widget to show the lead. */
async function openProfile(slug: string, name: string) {
  const profile = await ProfilePage.open(env.browser, slug);
  await profile.waitForLead(name);
  return { profile, widget: new WidgetFrame(profile.page) };
}

describe('collapsing the widget', () => {
  it('survives a reload and applies to every tab, including those already open', async () => {
    const first = await openProfile(PEOPLE.ada.slug, 'Ada Lovelace');
    const second = await openProfile(PEOPLE.alan.slug, 'Alan Turing');
    const open = await first.widget.waitForSize('open');

    await first.widget.collapseButton().click();
    await first.widget.handle().waitFor();
    const collapsed = await first.widget.waitForSize('collapsed');
    // Fixed at the same top right corner: only its size changed.
    expect(collapsed.y).toBe(open.y);
    expect(collapsed.x + collapsed.width).toBe(open.x + open.width);
    // The other tab, open all along, follows.
    await second.widget.handle().waitFor();
    await second.widget.waitForSize('collapsed');

    await first.profile.page.reload();
    await first.widget.handle().waitFor();
    await first.widget.waitForSize('collapsed');
    await expect(first.profile.revealButton('phone').count()).resolves.toBe(0);

    // A tab opened afterwards starts collapsed; expanding there expands everywhere.
    const thirdPage = await ProfilePage.open(env.browser, PEOPLE.grace.slug);
    const third = { profile: thirdPage, widget: new WidgetFrame(thirdPage.page) };
    await third.widget.handle().waitFor();
    await third.widget.waitForSize('collapsed');
    await third.widget.handle().click();
    await third.profile.waitForLead('Grace Hopper');
    for (const { widget } of [first, second, third]) {
      await widget.collapseButton().waitFor();
      await widget.waitForSize('open');
    }
  });

  it('works from the keyboard alone: Tab into the widget, Escape collapses, Enter expands', async () => {
    const { profile, widget } = await openProfile(PEOPLE.ada.slug, 'Ada Lovelace');
    const page = profile.page;
    // From the page's own controls into the widget frame, the last thing on the page.
    let inWidget = false;
    for (let presses = 0; presses < 20 && !inWidget; presses++) {
      await page.keyboard.press('Tab');
      inWidget = await page.evaluate(() => document.activeElement?.hasAttribute('data-leadlens-widget') ?? false);
    }
    expect(inWidget).toBe(true);
    // Inside, in order: the settings button, the collapse button, then each type's button.
    const button = (name: string) => profile.widget.getByRole('button', { name, exact: true });
    await expect.poll(() => hasFocus(button('Discovery settings'))).toBe(true);
    await page.keyboard.press('Tab');
    await expect.poll(() => hasFocus(widget.collapseButton())).toBe(true);
    await page.keyboard.press('Tab');
    await expect.poll(() => hasFocus(button('Reveal B2B email'))).toBe(true);
    await page.keyboard.press('Tab');
    await expect.poll(() => hasFocus(button('Reveal phone'))).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => profile.text('+44 7700 900123').isVisible()).toBe(true);

    await page.keyboard.press('Escape');
    await widget.waitForSize('collapsed');
    await expect.poll(() => hasFocus(widget.handle())).toBe(true);
    // The focus is drawn where it is, inside the handle's edge.
    const outline = await widget.handle().evaluate((button) => {
      const style = getComputedStyle(button);
      return `${style.outlineStyle} ${style.outlineWidth} ${style.outlineOffset}`;
    });
    expect(outline).toBe('solid 2px -4px');

    await page.keyboard.press('Enter');
    await widget.waitForSize('open');
    await expect.poll(() => hasFocus(widget.collapseButton())).toBe(true);
    await expect(profile.text('+44 7700 900123').isVisible()).resolves.toBe(true);
  });

  it('moves nothing on the page (every box where it was, no layout shift) and tells it nothing', async () => {
    const { profile, widget } = await openProfile(PEOPLE.ada.slug, 'Ada Lovelace');
    await profile.page.evaluate(() => {
      const shifts: number[] = [];
      (window as unknown as { __shifts: number[] }).__shifts = shifts;
      // The collapse channel never goes through the page: it hears no message either.
      const heard: unknown[] = [];
      (window as unknown as { __heard: unknown[] }).__heard = heard;
      window.addEventListener('message', (event) => heard.push(event.data), true);
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) shifts.push((entry as unknown as { value: number }).value);
      }).observe({ type: 'layout-shift', buffered: false });
    });
    const before = await widget.pageBoxes();
    expect(before.length).toBeGreaterThan(5);

    await widget.collapseButton().click();
    await widget.waitForSize('collapsed');
    expect(await widget.pageBoxes()).toEqual(before);

    await widget.handle().click();
    await widget.waitForSize('open');
    expect(await widget.pageBoxes()).toEqual(before);

    // Collapsed from another tab: no input in this one, so nothing would excuse a shift here.
    const other = await openProfile(PEOPLE.alan.slug, 'Alan Turing');
    await other.widget.collapseButton().click();
    await widget.waitForSize('collapsed');
    expect(await widget.pageBoxes()).toEqual(before);
    await profile.page.waitForTimeout(200);
    const shifts = await profile.page.evaluate(() => (window as unknown as { __shifts: number[] }).__shifts);
    expect(shifts.reduce((sum, value) => sum + value, 0)).toBe(0);
    expect(await profile.page.evaluate(() => (window as unknown as { __heard: unknown[] }).__heard)).toEqual([]);
  });
});

describe('copying a value', () => {
  it('puts it on the clipboard and says so', async () => {
    await env.browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: 'https://www.linkedin.com',
    });
    const { profile } = await openProfile(PEOPLE.ada.slug, 'Ada Lovelace');
    await profile.revealButton('b2bEmail').click();
    const copy = profile.widget.getByRole('button', { name: 'Copy ada@analytical-engines.example' });
    await copy.click();
    await expect.poll(() => copy.textContent()).toBe('Copied');
    await expect
      .poll(() =>
        profile.widget.getByRole('status').filter({ hasText: 'ada@analytical-engines.example' }).textContent(),
      )
      .toBe('ada@analytical-engines.example copied to the clipboard');
    // The page reads the system clipboard (this origin was allowed to): the value is there.
    await profile.page.bringToFront();
    expect(await profile.page.evaluate(() => navigator.clipboard.readText())).toBe('ada@analytical-engines.example');
  });
});

describe('in French', () => {
  it('a browser set to French shows the options page and the widget in French', async () => {
    const french = await launchWithExtension({ language: 'fr' });
    try {
      await ProfilePage.serve(french, PEOPLE.ada.slug, { name: 'Ada Lovelace' });
      const options = await french.openExtensionPage('options.html');
      await expect.poll(() => options.title()).toBe('Réglages de LeadLens');
      await options.getByLabel('URL du serveur').fill(env.server.url);
      await options.getByLabel('Clé d’API').fill(env.workspace.apiKey);
      await options.getByRole('button', { name: 'Se connecter' }).click();
      await options.getByRole('button', { name: 'Se déconnecter' }).waitFor({ timeout: 15_000 });
      expect(await options.evaluate(() => document.documentElement.lang)).toBe('fr');
      await options.close();

      const profile = await ProfilePage.open(french, PEOPLE.ada.slug);
      await profile.waitForLead('Ada Lovelace');
      const phone = profile.widget.getByRole('button', { name: 'Révéler le téléphone', exact: true });
      await phone.waitFor();
      expect(await phone.textContent()).toBe('Révéler');
      await expect.poll(() => profile.text('1 crédit téléphone · 5 restants').isVisible()).toBe(true);
      await phone.click();
      await expect.poll(() => profile.text('+44 7700 900123').isVisible()).toBe(true);
      await expect(profile.text('Fixe').isVisible()).resolves.toBe(true);
      expect((await env.server.balances(env.workspace.apiKey)).phone.remaining).toBe(4);

      const widget = new WidgetFrame(profile.page, { collapse: 'Réduire LeadLens', expand: 'Développer LeadLens' });
      await widget.collapseButton().click();
      await widget.handle().waitFor();
      await widget.waitForSize('collapsed');
    } finally {
      await french.close();
    }
  });
});
