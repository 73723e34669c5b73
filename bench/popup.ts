/**
 * The popup opened to its figures on screen (issue 3), in real Chromium with the built
 * extension and the real server:
 * - with the worker running and its kept figures (what a user gets most of the time);
 * - with a cold worker: stopped first (CDP), so the click wakes it and it opens IndexedDB;
 * - for each, the kept figures on screen and the figures read again from the server on screen;
 * - each against the popup page's own load (DOMContentLoaded) in the same run.
 * "On screen" is the popup's marks (`leadlens:popup-figures`, `leadlens:popup-fresh`): the
 * frame after the render.
 */
import type { Page } from 'playwright-core';
import { launchWithExtension, type ExtensionBrowser } from '../tests/support/extension.ts';
import { startTestServer } from '../tests/support/test-server.ts';
import { signIn } from '../tests/e2e/pages/options.ts';
import { median, ms, p95 } from './stats.ts';

const OPENS = Number(process.env.BENCH_POPUP_OPENS ?? 30);
const COLD_OPENS = Number(process.env.BENCH_POPUP_COLD_OPENS ?? 15);

interface Sample {
  /** Navigation start to the figures on screen. */
  figures: number;
  /** Navigation start to the figures read again from the server on screen. */
  fresh: number;
  /** Navigation start to DOMContentLoaded: the page alone, the baseline. */
  page: number;
}

async function openPopup(browser: ExtensionBrowser, page: Page): Promise<Sample> {
  await page.goto(`chrome-extension://${browser.extensionId}/popup.html`);
  await page.waitForFunction(() => performance.getEntriesByName('leadlens:popup-fresh').length > 0, undefined, {
    timeout: 15_000,
    polling: 5,
  });
  // No named functions inside: the tsx transform would wrap them in a helper the page lacks.
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    return {
      figures: performance.getEntriesByName('leadlens:popup-figures')[0]?.startTime ?? Number.NaN,
      fresh: performance.getEntriesByName('leadlens:popup-fresh')[0]?.startTime ?? Number.NaN,
      page: nav.domContentLoadedEventEnd,
    };
  });
}

function row(label: string, samples: Sample[], measure: 'figures' | 'fresh'): void {
  const figures = samples.map((sample) => sample[measure]);
  const page = samples.map((sample) => sample.page);
  const ratio = median(figures) / median(page);
  console.log(
    `| ${label} | ${ms(median(figures))} | ${ms(p95(figures))} | page alone: ${ms(median(page))} / ${ms(p95(page))} | ${ratio.toFixed(2)}x |`,
  );
}

export async function benchPopup(): Promise<void> {
  const server = await startTestServer();
  const workspace = await server.createWorkspace({ b2bEmail: 100, phone: 20, directEmail: 20, export: 10 });
  const browser = await launchWithExtension();
  try {
    await signIn(browser, server.url, workspace.apiKey);
    // A page of the extension stays open, as the profile tabs of a user would be.
    const page = await browser.context.newPage();

    const warm: Sample[] = [];
    for (let i = 0; i < OPENS + 3; i++) {
      const sample = await openPopup(browser, page);
      if (i >= 3) warm.push(sample); // warm-up
    }

    const cold: Sample[] = [];
    for (let i = 0; i < COLD_OPENS; i++) {
      await page.goto('about:blank');
      await browser.stopServiceWorker();
      cold.push(await openPopup(browser, page));
    }

    console.log(`\n## Popup (${OPENS} opens with the worker running, ${COLD_OPENS} with it stopped)\n`);
    console.log('| measure | median | p95 | baseline (median / p95) | ratio |');
    console.log('|---|---|---|---|---|');
    row('popup opened → kept figures on screen', warm, 'figures');
    row('popup opened → figures from the server on screen', warm, 'fresh');
    row('worker stopped: popup opened → kept figures on screen', cold, 'figures');
    row('worker stopped: popup opened → figures from the server on screen', cold, 'fresh');
  } finally {
    await browser.close();
    await server.close();
  }
}
