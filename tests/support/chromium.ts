/**
 * Where Chromium is and how tests start it: the system's Chromium (Debian `chromium`),
 * since test tools' own browser downloads are not available here.
 */
import { existsSync } from 'node:fs';

export function chromiumPath(): string {
  const candidates = [
    process.env.CHROMIUM_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ];
  const found = candidates.find((path): path is string => typeof path === 'string' && existsSync(path));
  if (!found) {
    throw new Error('Chromium not found. Install it (Debian: apt-get install chromium) or set CHROMIUM_PATH.');
  }
  return found;
}

/** Flags for a quiet, sandbox-free Chromium on a closed network (we run as root in CI). */
export function chromiumArgs(): string[] {
  return [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
  ];
}
