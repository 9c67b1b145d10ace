import { existsSync } from 'node:fs';
import { installDebianPackages, onPath, ServiceStartError } from './service';

/**
 * Debian's Chromium for the console's browser tests (playwright-core drives it headless): $OUTBOUND_CHROMIUM,
 * else chromium on PATH, else `apt-get install chromium` as the other services are installed.
 * A browser is never downloaded.
 */
export function ensureChromium(log: (line: string) => void = console.log): string {
  const explicit = process.env.OUTBOUND_CHROMIUM;
  if (explicit) {
    if (!existsSync(explicit)) throw new ServiceStartError('chromium', `OUTBOUND_CHROMIUM=${explicit} does not exist`);
    return explicit;
  }
  const found = onPath('chromium') ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
  if (found) return found;
  installDebianPackages('chromium', ['chromium'], 'Chromium', 'the console tests drive it headless; or set OUTBOUND_CHROMIUM', log);
  const installed = onPath('chromium') ?? '/usr/bin/chromium';
  if (!existsSync(installed)) throw new ServiceStartError('chromium', 'apt-get installed chromium but no chromium binary was found');
  return installed;
}
