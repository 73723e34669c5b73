/**
 * `npm run build`: builds the extension with WXT and fails when the bundler could not
 * resolve an import (a missing alias is otherwise left as a silent external).
 */
import { spawnSync } from 'node:child_process';

const browserArg = process.argv.includes('--firefox') ? ['-b', 'firefox'] : [];
const result = spawnSync('npx', ['wxt', 'build', ...browserArg], {
  encoding: 'utf8',
  env: { ...process.env, FORCE_COLOR: '0' },
});
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
const output = `${result.stdout}\n${result.stderr}`;
if (result.status !== 0) process.exit(result.status ?? 1);
if (/Could not resolve|failed to resolve/i.test(output)) {
  console.error('\nBuild output mentions an unresolved import (see above): failing the build.');
  process.exit(1);
}
