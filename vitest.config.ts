import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { WxtVitest } from 'wxt/testing/vitest-plugin';
import { chromiumArgs, chromiumPath } from './tests/support/chromium.ts';

/**
 * Four tiers (DESIGN section 6), each a Vitest project, all run by `npm test`:
 * unit (Node, fakeBrowser, fake-indexeddb), server (PGlite and a real Postgres),
 * browser (Preact components and stores in Chromium), e2e (the built extension in Chromium).
 */
export default defineConfig({
  test: {
    reporters: ['default', './tests/support/summary-reporter.ts'],
    projects: [
      {
        plugins: [WxtVitest()],
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['tests/unit/setup.ts'],
        },
      },
      {
        test: {
          name: 'server',
          include: ['tests/server/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/server/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        // Not WxtVitest here: its setup file and `wxt/browser` mock load Node-only code that a real
        // browser cannot import. Pages take extension APIs injected; `wxt/browser` is the fake browser.
        resolve: {
          alias: { 'wxt/browser': fileURLToPath(new URL('./tests/support/fake-wxt-browser.ts', import.meta.url)) },
        },
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.tsx', 'tests/browser/**/*.test.ts'],
          setupFiles: ['tests/browser/setup.ts'],
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({
              launchOptions: { executablePath: chromiumPath(), args: chromiumArgs() },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/e2e/global-setup.ts'],
          fileParallelism: false,
          // A user waits a few seconds for a reveal; a busy 2-core CI machine needs the same grace.
          expect: { poll: { timeout: 10_000, interval: 50 } },
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
