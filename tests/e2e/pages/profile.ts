import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CDPSession, FrameLocator, Locator, Page } from 'playwright-core';
import type { RevealType } from '../../../shared/credits.ts';
import type { ProfileFixture } from '../../fixtures/profiles/expected.ts';
import type { ExtensionBrowser } from '../../support/extension.ts';
import { serveLinkedInPage } from '../../support/extension.ts';
import { profilePageHtml, type PageProfile } from '../../support/profile-page.ts';

const FIXTURES = resolve(import.meta.dirname, '../../fixtures/profiles');

/** The widget frame the content script mounts (mount.ts marks it). */
const MOUNTED_WIDGET = 'iframe[data-leadlens-widget][src*="widget.html"]';

/** Matches exactly `url` as the browser requests it (the fragment is never sent). */
export function exactUrl(url: string): RegExp {
  const parsed = new URL(url);
  const requested = `${parsed.origin}${parsed.pathname}${parsed.search}`;
  return new RegExp(`^${requested.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

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

  /** Serves a saved fixture page (tests/fixtures/profiles) at the address it is read at. */
  static async serveFixture(browser: ExtensionBrowser, fixture: ProfileFixture): Promise<void> {
    await serveLinkedInPage(
      browser.context,
      exactUrl(fixture.url),
      readFileSync(resolve(FIXTURES, fixture.file), 'utf8'),
    );
  }

  /** Opens `url` (already served) in a new tab. */
  static async openUrl(browser: ExtensionBrowser, url: string): Promise<ProfilePage> {
    const tab = await browser.context.newPage();
    await tab.goto(url);
    return new ProfilePage(tab);
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

  /**
   * Moves to `path` the way LinkedIn does between a profile and its sub-pages:
   * `history.pushState`, then the page's main content and title replaced by those of `html`
   * after `renderDelayMs` (no page load; the rest of the body, the widget too, stays).
   */
  async showInPage(path: string, html: string, renderDelayMs = 100): Promise<void> {
    await this.page.evaluate(
      ({ path, html, renderDelayMs }) => {
        history.pushState({}, '', path);
        setTimeout(() => {
          const next = new DOMParser().parseFromString(html, 'text/html');
          const main = next.querySelector('main');
          if (main) document.querySelector('main')?.replaceWith(document.importNode(main, true));
          document.title = next.title;
        }, renderDelayMs);
      },
      { path, html, renderDelayMs },
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

  /**
   * The frame the content script mounted, known by the mark it puts on it
   * (entrypoints/profile.content/mount.ts): a hostile page may add frames of the same address.
   */
  mountedWidget(): FrameLocator {
    return this.page.frameLocator(MOUNTED_WIDGET);
  }

  /** The lead's name as the widget heads it (the slug when the page's name was unreadable). */
  leadName(): Locator {
    return this.mountedWidget().getByRole('heading', { level: 1 });
  }

  /** The block about the lead: name, headline, company, location, what could not be read. */
  leadCard(): Locator {
    return this.leadName().locator('xpath=..');
  }

  /** How many widgets the content script mounted on the page. */
  widgetCount(): Promise<number> {
    return this.page.locator(MOUNTED_WIDGET).count();
  }
}

/**
 * A tab that knows whether the LeadLens content script ran in its document: the script runs
 * in an isolated world named after the extension, which CDP reports as it is created.
 */
export class WatchedTab {
  private readonly worlds: number[] = [];

  private constructor(
    readonly page: Page,
    private readonly cdp: CDPSession,
  ) {
    cdp.on(
      'Runtime.executionContextCreated',
      (event: { context: { id: number; name: string; auxData?: { type?: string } } }) => {
        if (event.context.auxData?.type === 'isolated' && event.context.name === 'LeadLens') {
          this.worlds.push(event.context.id);
        }
      },
    );
  }

  /** Opens `url` (already served) and waits for its load event and the first idle moment after it. */
  static async open(browser: ExtensionBrowser, url: string): Promise<WatchedTab> {
    const page = await browser.context.newPage();
    const cdp = await browser.context.newCDPSession(page);
    const tab = new WatchedTab(page, cdp);
    await cdp.send('Runtime.enable');
    await page.goto(url);
    // Chrome injects scripts that run at document_idle by the load event at the latest.
    await page.evaluate(() => new Promise<void>((resolve) => requestIdleCallback(() => resolve())));
    return tab;
  }

  /** Whether the content script was injected into this document. */
  injected(): boolean {
    return this.worlds.length > 0;
  }

  /**
   * Resolves once the content script has run its start in this document: a script is
   * evaluated in one task as its world is created, so an evaluation queued in that world
   * after the creation runs after it. Its start decides synchronously off profiles.
   */
  async contentScriptRan(): Promise<void> {
    const contextId = this.worlds.at(-1);
    if (contextId === undefined) throw new Error('The LeadLens content script was not injected');
    await this.cdp.send('Runtime.evaluate', { contextId, expression: '0' });
  }

  widgetCount(): Promise<number> {
    return ProfilePage.on(this.page).widgetCount();
  }
}
