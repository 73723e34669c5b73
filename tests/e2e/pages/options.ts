import type { Page } from 'playwright-core';
import type { ExtensionBrowser } from '../../support/extension.ts';

/** The options page, as a user sees it. */
export class OptionsPage {
  private constructor(readonly page: Page) {}

  static async open(browser: ExtensionBrowser): Promise<OptionsPage> {
    return new OptionsPage(await browser.openExtensionPage('options.html'));
  }

  async signIn(serverUrl: string, apiKey: string): Promise<void> {
    const signOut = this.page.getByRole('button', { name: 'Sign out' });
    const signIn = this.page.getByRole('button', { name: 'Sign in' });
    await signOut.or(signIn).first().waitFor();
    if (await signOut.isVisible()) await this.signOut();
    await this.page.getByLabel('Server URL').fill(serverUrl);
    await this.page.getByLabel('API key').fill(apiKey);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await this.page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 15_000 });
  }

  /** The tabs offered, by name, in order. */
  async tabNames(): Promise<string[]> {
    await this.page.getByRole('tab').first().waitFor();
    return this.page.getByRole('tab').allTextContents();
  }

  async openTab(name: 'Account' | 'Usage' | 'Workspace'): Promise<void> {
    await this.page.getByRole('tab', { name, exact: true }).click();
  }

  /** The Usage tab's ledger rows, each as its cells' texts (header row left out). */
  async ledgerRows(): Promise<string[][]> {
    const table = this.page.getByRole('table', { name: 'Credit usage' });
    await table.waitFor();
    const rows = await table.locator('tbody tr').all();
    return Promise.all(rows.map((row) => row.getByRole('cell').allTextContents()));
  }

  async signOut(): Promise<void> {
    await this.page.getByRole('button', { name: 'Sign out' }).click();
    await this.page.getByRole('button', { name: 'Sign in' }).waitFor();
  }
}

/** Signs in through the options page and closes it. */
export async function signIn(browser: ExtensionBrowser, serverUrl: string, apiKey: string): Promise<void> {
  const options = await OptionsPage.open(browser);
  await options.signIn(serverUrl, apiKey);
  await options.page.close();
}
