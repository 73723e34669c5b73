import type { Locator, Page } from 'playwright-core';
import { CREDIT_LABELS, type CreditType, type RevealType } from '../../../shared/credits.ts';
import type { DiscoverySettings } from '../../../shared/settings.ts';
import type { ExtensionBrowser } from '../../support/extension.ts';

function title(type: CreditType): string {
  const label = CREDIT_LABELS[type];
  return label.charAt(0).toUpperCase() + label.slice(1);
}

/** The toolbar popup (popup.html opened in a tab), as a user sees it. */
export class PopupPage {
  private constructor(readonly page: Page) {}

  static async open(browser: ExtensionBrowser): Promise<PopupPage> {
    const page = await browser.openExtensionPage('popup.html');
    await page.setViewportSize({ width: 360, height: 700 });
    return new PopupPage(page);
  }

  toggle(type: RevealType): Locator {
    return this.page.getByRole('switch', { name: `Automatically reveal ${CREDIT_LABELS[type]}`, exact: true });
  }

  guard(type: RevealType): Locator {
    return this.page.getByRole('spinbutton', { name: `${title(type)} credits kept for manual reveals` });
  }

  /** The meter of a credit type; its value is the credits left. */
  meter(type: CreditType): Locator {
    return this.page.getByRole('meter', { name: `${title(type)} credits` });
  }

  /** The credits left of a type, as its meter shows them. */
  left(type: CreditType): Promise<number> {
    return this.meter(type).evaluate((meter) => (meter as HTMLMeterElement).value);
  }

  /** The member's own monthly limits, one line per limited type. */
  limitLines(): Locator {
    return this.page.getByRole('list', { name: 'Your monthly limits' }).getByRole('listitem');
  }

  async setAuto(type: RevealType, on: boolean): Promise<void> {
    await this.toggle(type).setChecked(on);
    await this.settled((settings) => settings.autoReveal[type] === on);
  }

  async setGuard(type: RevealType, keep: number): Promise<void> {
    await this.guard(type).fill(String(keep));
    await this.guard(type).press('Enter');
    await this.settled((settings) => settings.keepAtLeast[type] === keep);
  }

  /** Waits until the background holds the change (the popup shows it before it is saved). */
  private async settled(done: (settings: DiscoverySettings) => boolean): Promise<void> {
    for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
      const settings = await this.page.evaluate(async () => {
        const { chrome } = globalThis as unknown as {
          chrome: { runtime: { sendMessage(m: unknown): Promise<{ data?: { settings: unknown } }> } };
        };
        const reply = await chrome.runtime.sendMessage({ leadlens: 1, name: 'popupOpened', payload: {} });
        return reply.data?.settings;
      });
      if (settings && done(settings as DiscoverySettings)) return;
      await this.page.waitForTimeout(50);
    }
    throw new Error('The background did not take the setting');
  }
}

/** Sets the discovery toggles through the popup, then closes it. */
export async function setDiscovery(
  browser: ExtensionBrowser,
  autoReveal: Partial<Record<RevealType, boolean>>,
): Promise<void> {
  const popup = await PopupPage.open(browser);
  for (const [type, on] of Object.entries(autoReveal) as Array<[RevealType, boolean]>) {
    await popup.setAuto(type, on);
  }
  await popup.page.close();
}
