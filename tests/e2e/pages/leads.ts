import { readFile } from 'node:fs/promises';
import type { Download, Locator, Page } from 'playwright-core';
import type { ExportTarget } from '../../../shared/api.ts';
import type { ExtensionBrowser } from '../../support/extension.ts';

/** The toolbar button of each export target (the names all engineers rely on). */
export const EXPORT_BUTTON: Record<ExportTarget, string> = {
  csv: 'Export to CSV',
  hubspotCsv: 'Export for HubSpot',
  webhook: 'Send to CRM',
};

/** A file the page saved, with its text (UTF-8, byte-order mark kept). */
export interface SavedExport {
  download: Download;
  name: string;
  text: string;
}

/** The options page's Leads tab, as a user sees it: the list, the exports, the CRM webhook. */
export class LeadsPage {
  private constructor(readonly page: Page) {}

  /** Opens the options page (signed in already) on its Leads tab and waits for the list. */
  static async open(browser: ExtensionBrowser): Promise<LeadsPage> {
    const leads = new LeadsPage(await browser.openExtensionPage('options.html'));
    await leads.page.getByRole('tab', { name: 'Leads', exact: true }).click();
    await leads.waitForList();
    return leads;
  }

  /** Waits until the list (or the empty pool's sentence) is shown. */
  async waitForList(): Promise<void> {
    await this.table()
      .or(this.page.getByText(/has not revealed any lead yet/))
      .first()
      .waitFor({ timeout: 15_000 });
  }

  table(): Locator {
    return this.page.getByRole('table', { name: 'Revealed leads' });
  }

  /** The names of the rows drawn (the list is windowed: those in view and a few around). */
  async rowNames(): Promise<string[]> {
    return this.table().getByRole('rowgroup').nth(1).getByRole('link').allTextContents();
  }

  /** One lead's row, by its name (or slug when it has none). */
  row(name: string): Locator {
    return this.table()
      .getByRole('row')
      .filter({ has: this.page.getByRole('checkbox', { name: `Select ${name}`, exact: true }) });
  }

  /** A row's cells as text: name, company, revealed data, revealed, exported. */
  async cells(name: string): Promise<string[]> {
    return (await this.row(name).getByRole('cell').allTextContents()).slice(1);
  }

  /** "N leads · M selected" and the like, as the page says it. */
  summary(): Locator {
    return this.page.locator('.leads-summary');
  }

  async search(text: string): Promise<void> {
    await this.page.getByRole('searchbox', { name: 'Search leads' }).fill(text);
  }

  async sortBy(label: 'Newest revealed' | 'Name' | 'Most exported'): Promise<void> {
    await this.page.getByLabel('Sort by').selectOption({ label });
  }

  async select(name: string): Promise<void> {
    await this.page.getByRole('checkbox', { name: `Select ${name}`, exact: true }).check();
  }

  /** Selects every lead the search matches. */
  async selectAll(): Promise<void> {
    await this.page.getByRole('checkbox', { name: 'Select all', exact: true }).check();
  }

  exportButton(target: ExportTarget): Locator {
    return this.page.getByRole('button', { name: EXPORT_BUTTON[target], exact: true });
  }

  /** Clicks an export button and waits for the confirmation to state the cost. */
  async startExport(target: ExportTarget): Promise<Locator> {
    await this.exportButton(target).click();
    const dialog = this.dialog();
    await dialog.getByRole('button', { name: 'Confirm export' }).waitFor();
    await dialog
      .getByText(/export credits?\.|nothing to export|could not|not answering/i)
      .first()
      .waitFor();
    return dialog;
  }

  dialog(): Locator {
    return this.page.getByRole('dialog', { name: 'Confirm export' });
  }

  /** Confirms a CSV export and resolves with the file the page saved. */
  async confirmAndSave(): Promise<SavedExport> {
    const downloaded = this.page.waitForEvent('download', { timeout: 20_000 });
    await this.dialog().getByRole('button', { name: 'Confirm export' }).click();
    return read(await downloaded);
  }

  /** Confirms a webhook export and resolves with each lead's result ("Ada Lovelace: Delivered"). */
  async confirmAndDeliver(): Promise<string[]> {
    await this.dialog().getByRole('button', { name: 'Confirm export' }).click();
    const results = this.dialog().getByRole('list', { name: 'Result per lead' });
    await results.waitFor({ timeout: 30_000 });
    return results.getByRole('listitem').allTextContents();
  }

  /** After an export: the link that saves the same file again (free). */
  async saveAgain(): Promise<SavedExport> {
    const downloaded = this.page.waitForEvent('download');
    await this.dialog().getByRole('link', { name: 'Save the file again' }).click();
    return read(await downloaded);
  }

  async closeDialog(): Promise<void> {
    const dialog = this.dialog();
    await dialog.getByRole('button', { name: /^(Close|Cancel)$/ }).click();
    await dialog.waitFor({ state: 'detached' });
  }

  webhookRegion(): Locator {
    return this.page.getByRole('region', { name: 'CRM webhook' });
  }

  /** Saves the CRM webhook; `secret` null removes the current one, undefined keeps it. */
  async setWebhook(url: string, secret?: string | null): Promise<void> {
    const region = this.webhookRegion();
    await region.getByLabel('Webhook URL').fill(url);
    if (typeof secret === 'string') await region.getByLabel('Signing secret').fill(secret);
    if (secret === null) await region.getByRole('checkbox', { name: 'Remove the current secret' }).check();
    await region.getByRole('button', { name: 'Save webhook' }).click();
    await region.getByText(url === '' ? 'Webhook removed.' : 'Webhook saved.').waitFor();
  }
}

async function read(download: Download): Promise<SavedExport> {
  const path = await download.path();
  return { download, name: download.suggestedFilename(), text: await readFile(path, 'utf8') };
}
