/**
 * The README's quick start: `npm start` with no display runs the whole demo flow headless
 * (server on PGlite, extension in Chromium, sign-in, demo profile, a reveal) and writes
 * screenshots of the widget and the popup; a second start on the same data works too.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(join(tmpdir(), 'leadlens-start-'));

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function start() {
  // No DISPLAY: the headless path, whatever machine runs the tests.
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: '0' };
  delete env.DISPLAY;
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--no-build'], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 90_000,
  });
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

describe('npm start without a display', () => {
  it('runs the demo headless, prints the screenshots, and starts again on the same data', () => {
    for (const run of [1, 2]) {
      const result = start();
      expect(result.status, `run ${run}:\n${result.stdout}\n${result.stderr}`).toBe(0);
      for (const name of ['widget', 'popup']) {
        const path = join(dataDir, 'screenshots', `${name}.png`);
        expect(result.stdout).toContain(path);
        const image = readFileSync(path);
        expect(image.subarray(0, 4)).toEqual(PNG_SIGNATURE);
        expect(image.length).toBeGreaterThan(2_000);
      }
    }
  }, 200_000);
});
