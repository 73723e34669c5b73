/**
 * `npm run bench`: every benchmark, each printed with a baseline measured in the same run
 * (these machines are noisy, so ratios matter more than absolute figures).
 */
import { spawnSync } from 'node:child_process';
import { benchBulk } from './bulk.ts';
import { measureBundles, printBundles } from './bundles.ts';
import { benchCsv } from './csv.ts';
import { benchExtension } from './extension.ts';
import { benchExportsServer } from './exports-server.ts';
import { benchLeadsList } from './leads-list.ts';
import { benchLeadsPage } from './leads-page.ts';
import { benchPopup } from './popup.ts';
import { benchProfiles } from './profiles.ts';
import { benchServer } from './server.ts';

const only = process.argv.slice(2);
const wants = (name: string) => only.length === 0 || only.includes(name);

console.log(`# LeadLens benchmarks (${new Date().toISOString()}, Node ${process.version})`);
if (
  wants('bundles') ||
  wants('extension') ||
  wants('popup') ||
  wants('profiles') ||
  wants('leads-page') ||
  wants('leads-list') ||
  wants('bulk')
) {
  const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) throw new Error('npm run build failed');
}
if (wants('bundles')) printBundles(measureBundles());
if (wants('extension')) await benchExtension();
if (wants('popup')) await benchPopup();
if (wants('profiles')) await benchProfiles();
if (wants('leads-page')) await benchLeadsPage();
if (wants('leads-list')) await benchLeadsList();
if (wants('bulk')) await benchBulk();
if (wants('server')) await benchServer();
if (wants('exports-server')) await benchExportsServer();
if (wants('csv')) benchCsv();
