/**
 * Builds the admin console (web/) into web/dist when it is missing or older than its sources,
 * quietly; `npm run up` and `npm test` call it, `npm run web:build` always builds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './services/service';

const web = join(projectRoot, 'web');
const built = join(web, 'dist', 'index.html');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

export function consoleIsStale(): boolean {
  if (!existsSync(built)) return true;
  const sources = Math.max(newestSource(join(web, 'src')), statSync(join(web, 'index.html')).mtimeMs, statSync(join(web, 'vite.config.mts')).mtimeMs);
  return sources > statSync(built).mtimeMs;
}

/** Returns true when it built. Throws with Vite's own output when the build fails. */
export function ensureConsoleBuilt(options: { force?: boolean } = {}): boolean {
  if (!options.force && !consoleIsStale()) return false;
  const result = spawnSync(join(projectRoot, 'node_modules', '.bin', 'vite'), ['build', 'web', '--logLevel', 'error'], { cwd: projectRoot, encoding: 'utf8', env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' } });
  if (result.status !== 0) throw new Error(`building the console failed:\n${result.stdout}${result.stderr}`);
  return true;
}
