import type { Page } from 'playwright-core';
import type { ExtensionBrowser } from '../../support/extension.ts';

/** The options page's Bulk enrichment tab, as a user sees it. */
export class BulkPage {
  private constructor(readonly page: Page) {}

  static async open(browser: ExtensionBrowser): Promise<BulkPage> {
    const page = await browser.openExtensionPage('options.html');
    await page.getByRole('tab', { name: 'Bulk enrichment', exact: true }).click();
    await page.getByRole('heading', { name: 'Bulk enrichment' }).waitFor();
    return new BulkPage(page);
  }

  /** Picks a CSV file through the file input, as a user choosing it would. */
  async upload(name: string, text: string): Promise<void> {
    await this.page
      .getByLabel('CSV of profile addresses')
      .setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
  }

  async setType(name: 'B2B email' | 'Phone' | 'Direct email', on: boolean): Promise<void> {
    await this.page.getByRole('checkbox', { name, exact: true }).setChecked(on);
  }

  async start(): Promise<void> {
    await this.page.getByRole('button', { name: 'Start enrichment' }).click();
  }

  /** Rows done, as the progress bar says. */
  async done(): Promise<number> {
    const value = await this.progressBar().getAttribute('aria-valuenow');
    return Number(value);
  }

  progressBar() {
    return this.page.getByRole('progressbar', { name: 'Enrichment progress' });
  }

  /** Waits until the bar says more than `rows` rows are done. */
  async waitForDoneAbove(rows: number, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const done = await this.done();
      if (done > rows) return done;
      if (Date.now() > deadline) throw new Error(`The progress stayed at ${done} rows`);
      await this.page.waitForTimeout(100);
    }
  }
}
