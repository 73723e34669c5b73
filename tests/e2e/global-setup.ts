import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EXTENSION_PATH } from '../support/extension.ts';

/** The e2e tier tests the built extension: `npm test` builds it first (`npm run build`). */
export default function setup(): void {
  if (!existsSync(join(EXTENSION_PATH, 'manifest.json'))) {
    throw new Error(`No built extension at ${EXTENSION_PATH}. Run \`npm run build\` first (npm test does).`);
  }
}
