/**
 * Drives the built extension in real Chromium (Playwright, system Chromium): launch with the
 * extension loaded, serve fixture pages at real LinkedIn addresses, reach its pages, and stop
 * its service worker through CDP the way Chrome would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { chromiumArgs, chromiumPath } from './chromium.ts';

/** The id fixed by the manifest `key` in wxt.config.ts. */
export const EXTENSION_ID = 'nomkepldboendiaeligekbbpnjhcehfe';
export const EXTENSION_PATH = resolve(import.meta.dirname, '../../.output/chrome-mv3');

export interface ExtensionBrowser {
  context: BrowserContext;
  extensionId: string;
  userDataDir: string;
  /** The extension's running service worker (waits for it to start). */
  serviceWorker(): Promise<Worker>;
  /** Opens one of the extension's own pages, e.g. `options.html`. */
  openExtensionPage(path: string): Promise<Page>;
  /** Stops the service worker as Chrome does when it is idle (CDP ServiceWorker.stopWorker). */
  stopServiceWorker(): Promise<void>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** Reuse a profile folder (a "browser restart"); a fresh one by default. */
  userDataDir?: string;
  headless?: boolean;
  extensionPath?: string;
  /**
   * The browser's language, e.g. `fr` (English otherwise). Extensions speak the language of
   * `--lang` even where Debian's Chromium ships no translation of its own UI for it; the
   * `locale` option makes the pages (navigator.language, Accept-Language) agree.
   */
  language?: string;
}

export async function launchWithExtension(options: LaunchOptions = {}): Promise<ExtensionBrowser> {
  const extensionPath = options.extensionPath ?? EXTENSION_PATH;
  const ownsDataDir = options.userDataDir === undefined;
  const userDataDir = options.userDataDir ?? mkdtempSync(join(tmpdir(), 'leadlens-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath(),
    headless: options.headless ?? true,
    args: [
      ...chromiumArgs(),
      `--disable-extensions-except=${extensionPath}`,
      `--load-extension=${extensionPath}`,
      ...(options.language ? [`--lang=${options.language}`] : []),
    ],
    viewport: { width: 1280, height: 900 },
    ...(options.language ? { locale: options.language, env: { ...process.env, LANGUAGE: options.language } } : {}),
  });
  // Nothing leaves this machine: every address a test does not route is refused at once.
  await context.route(/^https?:\/\/(?!127\.0\.0\.1|localhost)/, (route) => route.abort('blockedbyclient'));

  const extensionOrigin = `chrome-extension://${EXTENSION_ID}/`;
  const serviceWorker = async (): Promise<Worker> => {
    const running = context.serviceWorkers().find((worker) => worker.url().startsWith(extensionOrigin));
    if (running) return running;
    return context.waitForEvent('serviceworker', {
      predicate: (worker) => worker.url().startsWith(extensionOrigin),
      timeout: 15_000,
    });
  };

  return {
    context,
    extensionId: EXTENSION_ID,
    userDataDir,
    serviceWorker,
    async openExtensionPage(path) {
      const page = await context.newPage();
      await page.goto(`${extensionOrigin}${path}`);
      return page;
    },
    async stopServiceWorker() {
      const page = context.pages()[0] ?? (await context.newPage());
      const cdp = await context.newCDPSession(page);
      const versions = new Map<string, string>();
      cdp.on(
        'ServiceWorker.workerVersionUpdated',
        (event: { versions: Array<{ versionId: string; scriptURL: string; runningStatus: string }> }) => {
          for (const version of event.versions) {
            if (version.scriptURL.startsWith(extensionOrigin)) versions.set(version.versionId, version.runningStatus);
          }
        },
      );
      await cdp.send('ServiceWorker.enable');
      const deadline = Date.now() + 5_000;
      while (versions.size === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      for (const versionId of versions.keys()) await cdp.send('ServiceWorker.stopWorker', { versionId });
      // Return only once Chrome reports the worker stopped, so tests know it really was.
      const stopped = () => [...versions.values()].every((status) => status === 'stopped');
      const stopDeadline = Date.now() + 5_000;
      while (!stopped() && Date.now() < stopDeadline) await new Promise((r) => setTimeout(r, 20));
      if (!stopped()) throw new Error('The service worker did not stop');
      await cdp.send('ServiceWorker.disable');
      await cdp.detach();
    },
    async close() {
      await context.close();
      if (ownsDataDir) rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Serves `html` at a LinkedIn address in this browser (no network involved). */
export async function serveLinkedInPage(context: BrowserContext, url: string | RegExp, html: string): Promise<void> {
  await context.route(url, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }),
  );
}
