/**
 * Profile pages (issue 4), in real Chromium with the built extension and the real server:
 * - each saved layout (tests/fixtures/profiles) loaded to its widget ready, against the
 *   page's own load event in the same loads;
 * - an in-page navigation (history.pushState, then the top card re-rendered, as LinkedIn
 *   does) to the widget showing the new lead, against the part every remount pays: the
 *   widget frame's own start to ready, in the same navigations.
 * "Ready" is the widget's `leadlens:widget-ready` mark: its lead loaded and rendered.
 */
import type { Frame, Page } from 'playwright-core';
import { PROFILE_FIXTURES } from '../tests/fixtures/profiles/expected.ts';
import { launchWithExtension } from '../tests/support/extension.ts';
import { startTestServer } from '../tests/support/test-server.ts';
import { signIn } from '../tests/e2e/pages/options.ts';
import { setDiscovery } from '../tests/e2e/pages/popup.ts';
import { ProfilePage } from '../tests/e2e/pages/profile.ts';
import { median, ms, p95 } from './stats.ts';

const LOADS = Number(process.env.BENCH_PROFILE_LOADS ?? 10);
const NAVIGATIONS = Number(process.env.BENCH_PROFILE_NAVIGATIONS ?? 30);
const WARM_UP = 2;

/** The two leads the in-page navigations go back and forth between. */
const LEADS = [
  { slug: 'bench-lead-a', name: 'Bench Lead A', headline: 'Engineer', company: 'Alpha', location: 'Paris' },
  { slug: 'bench-lead-b', name: 'Bench Lead B', headline: 'Designer', company: 'Beta', location: 'Lyon' },
] as const;

/**
 * The frame the content script mounted (marked by it; a hostile fixture adds a copy of the
 * same address), once its ready mark is set.
 */
async function readyWidget(page: Page): Promise<Frame> {
  const element = await page.waitForSelector('iframe[data-leadlens-widget]', { state: 'attached', timeout: 15_000 });
  const frame = await element.contentFrame();
  if (!frame) throw new Error('The widget frame has no document');
  await frame.waitForURL(/widget\.html/, { timeout: 15_000 });
  await frame.waitForFunction(() => performance.getEntriesByName('leadlens:widget-ready').length > 0, undefined, {
    timeout: 15_000,
    polling: 5,
  });
  return frame;
}

/** When the frame's ready mark was set (epoch ms), and how long after the frame's own start. */
function readyMark(frame: Frame): Promise<{ at: number; sinceFrameStart: number }> {
  return frame.evaluate(() => {
    const mark = performance.getEntriesByName('leadlens:widget-ready')[0]?.startTime ?? Number.NaN;
    return { at: performance.timeOrigin + mark, sinceFrameStart: mark };
  });
}

/**
 * In the page: moves to `slug` with history.pushState, then re-renders the top card in the
 * same task (no network wait, so the figure is the extension's own), and returns the epoch
 * ms at the start. Source text, not a callback: the tsx transform would wrap a callback's
 * inner functions in a helper that the page lacks.
 */
function navigateInPage(lead: (typeof LEADS)[number]): string {
  return `(() => {
    const lead = ${JSON.stringify(lead)};
    const t0 = performance.timeOrigin + performance.now();
    history.pushState({}, '', '/in/' + lead.slug + '/');
    document.querySelector('main h1').textContent = lead.name;
    document.querySelector('main .text-body-medium').textContent = lead.headline;
    const company = document.querySelector('main button[aria-label^="Current company"]');
    company.textContent = lead.company;
    company.setAttribute('aria-label', 'Current company: ' + lead.company + '. Click to skip to experience card');
    document.querySelector('main span.text-body-small').textContent = lead.location;
    document.title = lead.name + ' | LinkedIn';
    return t0;
  })()`;
}

function row(label: string, samples: number[], baseline: number[], baselineLabel: string): void {
  const ratio = median(samples) / median(baseline);
  console.log(
    `| ${label} | ${ms(median(samples))} | ${ms(p95(samples))} | ${baselineLabel}: ${ms(median(baseline))} / ${ms(p95(baseline))} | ${ratio.toFixed(2)}x |`,
  );
}

export async function benchProfiles(): Promise<void> {
  const server = await startTestServer();
  const workspace = await server.createWorkspace({ b2bEmail: 10, phone: 10, directEmail: 10, export: 10 });
  const browser = await launchWithExtension();
  try {
    for (const fixture of PROFILE_FIXTURES) await ProfilePage.serveFixture(browser, fixture);
    for (const lead of LEADS) await ProfilePage.serve(browser, lead.slug, lead);
    await signIn(browser, server.url, workspace.apiKey);
    // Opening a page is what is timed: automatic discovery off, so no reveal runs beside it.
    await setDiscovery(browser, { b2bEmail: false, phone: false, directEmail: false });
    const page = await browser.context.newPage();

    console.log(
      `\n## Profile pages (${LOADS} loads per fixture, ${NAVIGATIONS} in-page navigations; after ${WARM_UP} warm-ups each)\n`,
    );
    console.log('| measure | median | p95 | baseline (median / p95) | ratio of medians |');
    console.log('|---|---:|---:|---|---:|');

    // 1. Each layout loaded to its widget ready.
    for (const fixture of PROFILE_FIXTURES) {
      const toWidget: number[] = [];
      const pageLoad: number[] = [];
      for (let i = 0; i < LOADS + WARM_UP; i++) {
        // From a blank page each time: going to the same address with a fragment (logged-in.html
        // has one) would only scroll the page already loaded.
        await page.goto('about:blank');
        await page.goto(fixture.url);
        const ready = await readyMark(await readyWidget(page));
        const nav = await page.evaluate(() => {
          const entry = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
          return { origin: performance.timeOrigin, load: entry.loadEventEnd };
        });
        if (i < WARM_UP) continue;
        toWidget.push(ready.at - nav.origin);
        pageLoad.push(nav.load);
      }
      row(`${fixture.file}: loaded → widget ready`, toWidget, pageLoad, 'page load event');
    }

    // 2. In-page navigation to the widget showing the new lead.
    const lead = LEADS[0];
    await page.goto(ProfilePage.url(lead.slug));
    await readyWidget(page);
    const toUpdated: number[] = [];
    const frameStart: number[] = [];
    for (let i = 0; i < NAVIGATIONS + WARM_UP; i++) {
      const next = LEADS[(i + 1) % LEADS.length] ?? lead;
      const t0 = await page.evaluate<number>(navigateInPage(next));
      const frame = await readyWidget(page);
      const ready = await readyMark(frame);
      // Timed first, checked after: the widget must show the lead moved to.
      const heading = await frame.getByRole('heading', { level: 1 }).textContent();
      if (heading !== next.name) throw new Error(`The widget shows ${heading ?? 'nothing'}, not ${next.name}`);
      if (i < WARM_UP) continue;
      toUpdated.push(ready.at - t0);
      frameStart.push(ready.sinceFrameStart);
    }
    row('in-page navigation → new lead in widget', toUpdated, frameStart, 'widget frame start → ready');
  } finally {
    await browser.close();
    await server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchProfiles();
