/**
 * `npm run icons`: renders assets/icon.svg to the toolbar and store icons WXT picks up
 * (public/icon/<size>.png), with the system Chromium, so no image tool is needed.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../tests/support/chromium.ts';

const root = resolve(import.meta.dirname, '..');
const svg = readFileSync(join(root, 'assets/icon.svg'), 'utf8');
const out = join(root, 'public/icon');
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs() });
try {
  for (const size of [16, 32, 48, 128]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(
      `<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`,
    );
    await page.screenshot({ path: join(out, `${size}.png`), omitBackground: true });
    await page.close();
    console.log(`public/icon/${size}.png`);
  }
} finally {
  await browser.close();
}
