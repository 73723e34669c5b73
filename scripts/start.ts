/**
 * `npm start`: build the extension, start the credits server on its embedded default
 * (PGlite in DATA_DIR, demo workspace), open Chromium with the extension loaded, sign in to
 * the demo workspace through the options page, and open a demo profile page.
 * With no display (or --headless) it runs the same flow headless, saves screenshots of the
 * widget and the popup, prints their paths and exits.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateApiKey } from '../server/auth.ts';
import { startServer } from '../server/serve.ts';
import { launchWithExtension, serveLinkedInPage } from '../tests/support/extension.ts';

const root = resolve(import.meta.dirname, '..');
const headless = process.argv.includes('--headless') || !process.env.DISPLAY;
const dataDir = resolve(root, process.env.DATA_DIR ?? '.data');
const demoProfileUrl = 'https://www.linkedin.com/in/ada-lovelace/';

function step(message: string): void {
  console.log(`\n▸ ${message}`);
}

// --no-build: the extension in .output/chrome-mv3 is already current (the test of this script).
if (!process.argv.includes('--no-build')) {
  step('Building the extension (npm run build)');
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('The build failed; see above.');
    process.exit(build.status ?? 1);
  }
}

/**
 * The demo admin's key, kept beside the data (owner-only) so every later `npm start` signs in
 * to the same demo workspace; DEMO_API_KEY overrides it.
 */
function demoApiKey(): string {
  if (process.env.DEMO_API_KEY) return process.env.DEMO_API_KEY;
  const file = join(dataDir, 'demo-api-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = generateApiKey();
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

step(`Starting the credits server (PGlite in ${dataDir})`);
const server = await startServer({
  dataDir,
  port: Number(process.env.PORT ?? 8787),
  demoApiKey: demoApiKey(),
  seedDemo: true,
});
if (!server.demo) throw new Error('The demo workspace is missing.');
console.log(`  server: ${server.url}\n  demo API key: ${server.demo.apiKey}`);

step(`Opening Chromium${headless ? ' (headless: no display)' : ''} with LeadLens loaded`);
const browser = await launchWithExtension({ headless });
await serveLinkedInPage(
  browser.context,
  /^https:\/\/www\.linkedin\.com\/in\/ada-lovelace\/?/,
  readFileSync(join(root, 'scripts/demo/profile.html'), 'utf8'),
);

const stop = async (code: number): Promise<never> => {
  await browser.close().catch(() => undefined);
  await server.close().catch(() => undefined);
  process.exit(code);
};
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  step('Signing in to the demo workspace (options page)');
  const options = await browser.openExtensionPage('options.html');
  await options.getByLabel('Server URL').fill(server.url);
  await options.getByLabel('API key').fill(server.demo.apiKey);
  await options.getByRole('button', { name: 'Sign in' }).click();
  await options.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 15_000 });
  console.log(`  signed in to the demo workspace at ${server.url}`);

  step(`Opening the demo profile ${demoProfileUrl}`);
  const profile = await browser.context.newPage();
  await profile.goto(demoProfileUrl);
  const widgetFrame = profile.frameLocator('iframe[src*="widget.html"]');
  await widgetFrame.getByText('Ada Lovelace').first().waitFor({ timeout: 15_000 });
  await options.close();

  if (headless) {
    // Automatic discovery reveals the B2B email by itself with the default settings. If it
    // has not within a few seconds (the user turned it off in this Chromium profile), click
    // as they would; a click during an automatic reveal joins it and costs nothing more.
    const email = widgetFrame.getByText('ada@analytical-engines.example').first();
    const reveal = widgetFrame.getByRole('button', { name: 'Reveal B2B email', exact: true });
    const automatic = await email.waitFor({ timeout: 5_000 }).then(
      () => true,
      () => false,
    );
    if (!automatic) await reveal.click();
    await email.waitFor({ timeout: 15_000 });

    const shots = join(dataDir, 'screenshots');
    mkdirSync(shots, { recursive: true });
    const widgetShot = join(shots, 'widget.png');
    const pageShot = join(shots, 'profile-page.png');
    const popupShot = join(shots, 'popup.png');
    await profile.locator('iframe[src*="widget.html"]').screenshot({ path: widgetShot });
    await profile.screenshot({ path: pageShot });
    const popup = await browser.openExtensionPage('popup.html');
    await popup.setViewportSize({ width: 360, height: 560 });
    await popup.getByText('B2B email', { exact: false }).first().waitFor({ timeout: 15_000 });
    await popup.screenshot({ path: popupShot, fullPage: true });
    step('Screenshots');
    console.log(`  widget:       ${widgetShot}\n  profile page: ${pageShot}\n  popup:        ${popupShot}`);
    await stop(0);
  }
  step('Ready. Use the widget on the profile page; close the browser or press Ctrl+C to stop.');
  browser.context.on('close', () => void stop(0));
} catch (error) {
  console.error(`\nnpm start failed: ${error instanceof Error ? error.message : String(error)}`);
  await stop(1);
}
