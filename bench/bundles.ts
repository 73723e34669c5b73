/**
 * Built bundle sizes, gzip, per context: what each page or script loads, against its budget.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { EXTENSION_PATH } from '../tests/support/extension.ts';

const gzipSize = (path: string): number => gzipSync(readFileSync(path), { level: 9 }).length;

/** Every script and stylesheet an extension page loads (its entry plus preloaded chunks). */
function pageAssets(htmlFile: string): string[] {
  const html = readFileSync(join(EXTENSION_PATH, htmlFile), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1] ?? '');
  return [htmlFile, ...refs.map((ref) => ref.replace(/^\//, ''))];
}

export interface BundleRow {
  context: string;
  files: number;
  gzipBytes: number;
  budgetBytes: number | null;
}

export function measureBundles(): BundleRow[] {
  if (!existsSync(join(EXTENSION_PATH, 'manifest.json'))) throw new Error('Build the extension first: npm run build');
  const contentScripts = join(EXTENSION_PATH, 'content-scripts');
  const rows: BundleRow[] = [];
  for (const file of readdirSync(contentScripts).filter((name) => name.endsWith('.js') || name.endsWith('.css'))) {
    rows.push({
      context: `content script (${file})`,
      files: 1,
      gzipBytes: gzipSize(join(contentScripts, file)),
      budgetBytes: 8 * 1024,
    });
  }
  rows.push({
    context: 'background',
    files: 1,
    gzipBytes: gzipSize(join(EXTENSION_PATH, 'background.js')),
    budgetBytes: null,
  });
  const budgets: Record<string, number | null> = { widget: 25 * 1024, popup: null, options: null };
  for (const [page, budget] of Object.entries(budgets)) {
    const assets = pageAssets(`${page}.html`);
    const total = assets.reduce((sum, asset) => sum + gzipSize(join(EXTENSION_PATH, asset)), 0);
    rows.push({ context: `${page} page`, files: assets.length, gzipBytes: total, budgetBytes: budget });
  }
  return rows;
}

export function printBundles(rows: BundleRow[]): void {
  console.log('\n## Bundle sizes (gzip -9, everything the context loads)\n');
  console.log('| context | files | gzip | budget | of budget |');
  console.log('|---|---:|---:|---:|---:|');
  for (const row of rows) {
    const budget = row.budgetBytes === null ? '-' : `${(row.budgetBytes / 1024).toFixed(1)} KB`;
    const ratio = row.budgetBytes === null ? '-' : `${((row.gzipBytes / row.budgetBytes) * 100).toFixed(0)}%`;
    console.log(`| ${row.context} | ${row.files} | ${(row.gzipBytes / 1024).toFixed(2)} KB | ${budget} | ${ratio} |`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) printBundles(measureBundles());
