/**
 * Debian's Chromium driven headless by playwright-core (never a downloaded browser). `npm test`
 * installs the `chromium` package with apt-get when missing (scripts/services/chromium.ts) and
 * passes its path as OUTBOUND_CHROMIUM.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export function chromiumPath(): string {
  const candidates = [process.env.OUTBOUND_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => Boolean(p));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error('Chromium is not installed: run npm test (it installs Debian\'s "chromium"), or apt-get install chromium');
  return found;
}

export async function launchBrowser(): Promise<Browser> {
  // --no-sandbox: the test machine runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** The console is built by npm test before the browser suites; a lone run builds it here when stale. */
export { ensureConsoleBuilt } from '../../scripts/web-build';
