import type { FrameLocator, Locator, Page } from 'playwright-core';
import type { RevealType } from '../../../shared/credits.ts';
import type { ExtensionBrowser } from '../../support/extension.ts';
import { serveLinkedInPage } from '../../support/extension.ts';
import { profilePageHtml, type PageProfile } from '../../support/profile-page.ts';

export const REVEAL_BUTTON: Record<RevealType, string> = {
  b2bEmail: 'Reveal B2B email',
  phone: 'Reveal phone',
  directEmail: 'Reveal direct email',
};

/** A LinkedIn profile page with the LeadLens widget in it. */
export class ProfilePage {
  readonly widget: FrameLocator;

  private constructor(readonly page: Page) {
    this.widget = page.frameLocator('iframe[src*="widget.html"]');
  }

  static url(slug: string): string {
    return `https://www.linkedin.com/in/${slug}/`;
  }

  /** Serves a generated profile page for `slug` in this browser. */
  static async serve(browser: ExtensionBrowser, slug: string, profile: PageProfile): Promise<void> {
    await serveLinkedInPage(
      browser.context,
      new RegExp(`^https://www\\.linkedin\\.com/in/${slug}/?(\\?.*)?$`),
      profilePageHtml(profile),
    );
  }

  static async open(browser: ExtensionBrowser, slug: string, page?: Page): Promise<ProfilePage> {
    const tab = page ?? (await browser.context.newPage());
    await tab.goto(ProfilePage.url(slug));
    return new ProfilePage(tab);
  }

  static on(page: Page): ProfilePage {
    return new ProfilePage(page);
  }

  /**
   * Moves to another profile the way LinkedIn does: `history.pushState`, then the top card
   * re-rendered in place after `renderDelayMs` (no page load).
   */
  async navigateInPage(slug: string, profile: Required<PageProfile>, renderDelayMs = 100): Promise<void> {
    await this.page.evaluate(
      ({ slug, profile, renderDelayMs }) => {
        history.pushState({}, '', `/in/${slug}/`);
        setTimeout(() => {
          const set = (selector: string, text: string) => {
            const element = document.querySelector(selector);
            if (element) element.textContent = text;
          };
          set('main h1', profile.name);
          set('main .text-body-medium', profile.headline);
          set('main button[aria-label^="Current company"]', profile.company);
          document
            .querySelector('main button[aria-label^="Current company"]')
            ?.setAttribute('aria-label', `Current company: ${profile.company}. Click to skip to experience card`);
          set('main span.text-body-small', profile.location);
          document.title = `${profile.name} | LinkedIn`;
        }, renderDelayMs);
      },
      { slug, profile, renderDelayMs },
    );
  }

  revealButton(type: RevealType): Locator {
    return this.widget.getByRole('button', { name: REVEAL_BUTTON[type], exact: true });
  }

  async waitForLead(name: string): Promise<void> {
    await this.widget.getByText(name).first().waitFor({ timeout: 15_000 });
  }

  text(text: string | RegExp): Locator {
    return this.widget.getByText(text).first();
  }
}
