import { readFile } from 'node:fs/promises';
import type { Download, FrameLocator, Locator, Page } from 'playwright-core';

/** The widget frame the content script mounts (mount.ts marks it). */
const FRAME = 'iframe[data-leadlens-widget]';

/** A box on screen, in CSS pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The LeadLens widget on a profile page, as a user sees it: the frame on the page, its
 * collapse button and the handle it collapses to, in the browser's language.
 */
export class WidgetFrame {
  readonly frame: FrameLocator;

  constructor(
    readonly page: Page,
    readonly words: { collapse: string; expand: string } = { collapse: 'Collapse LeadLens', expand: 'Expand LeadLens' },
  ) {
    this.frame = page.frameLocator(FRAME);
  }

  /** The frame element in the page. */
  element(): Locator {
    return this.page.locator(FRAME);
  }

  collapseButton(): Locator {
    return this.frame.getByRole('button', { name: this.words.collapse, exact: true });
  }

  handle(): Locator {
    return this.frame.getByRole('button', { name: this.words.expand, exact: true });
  }

  /** The export confirmation the widget opens (it fills the widget's frame). */
  exportDialog(): Locator {
    return this.frame.getByRole('dialog', { name: 'Confirm export' });
  }

  /**
   * Exports this lead: **Export to CSV**, waits for the confirmation's cost, confirms, and
   * resolves with the file the widget saved (and what the dialog said before confirming).
   */
  async exportToCsv(): Promise<{ download: Download; name: string; text: string; quote: string }> {
    await this.frame.getByRole('button', { name: 'Export to CSV', exact: true }).click();
    const dialog = this.exportDialog();
    const quote = dialog.getByText(/export credits?\./);
    await quote.waitFor({ timeout: 15_000 });
    const quoteText = (await quote.textContent()) ?? '';
    const downloaded = this.page.waitForEvent('download', { timeout: 20_000 });
    await dialog.getByRole('button', { name: 'Confirm export' }).click();
    const download = await downloaded;
    const text = await readFile(await download.path(), 'utf8');
    return { download, name: download.suggestedFilename(), text, quote: quoteText };
  }

  /** The frame's box on the page, border included. */
  async box(): Promise<Box> {
    const box = await this.element().boundingBox();
    if (!box) throw new Error('The widget frame is not on the page');
    return box;
  }

  /** Waits until the frame has settled at a size (the content script resizes it from storage). */
  async waitForSize(size: 'open' | 'collapsed'): Promise<Box> {
    const wanted = size === 'open' ? { width: 322, height: 442 } : { width: 134, height: 38 };
    for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
      const box = await this.element().boundingBox();
      if (box && box.width === wanted.width && box.height === wanted.height) return box;
      await this.page.waitForTimeout(20);
    }
    throw new Error(`The widget frame did not become ${size} (${JSON.stringify(await this.element().boundingBox())})`);
  }

  /** Every element of the page's own content with its box: what a layout shift would move. */
  pageBoxes(): Promise<Array<{ element: string; box: Box }>> {
    return this.page.evaluate((frame) => {
      const boxes = [];
      for (const element of document.body.querySelectorAll('*')) {
        if (element.matches(frame) || element.closest(frame)) continue;
        const { x, y, width, height } = element.getBoundingClientRect();
        boxes.push({ element: element.tagName.toLowerCase(), box: { x, y, width, height } });
      }
      const root = document.documentElement;
      boxes.push({ element: 'scroll', box: { x: 0, y: 0, width: root.scrollWidth, height: root.scrollHeight } });
      return boxes;
    }, FRAME);
  }
}
