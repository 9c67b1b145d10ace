// Installs npm dependencies when they are missing or older than package-lock.json, so that
// `npm test` and `npm run up` work from a clean clone with no manual step. Plain Node, no deps.
import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lock = join(root, 'package-lock.json');
const stamp = join(root, 'node_modules', '.outbound-deps-stamp');
const digest = createHash('sha256').update(readFileSync(lock)).digest('hex');

const upToDate = existsSync(stamp) && readFileSync(stamp, 'utf8') === digest;
if (!upToDate) {
  console.log('[deps] installing npm dependencies (npm ci)...');
  // No network but the registry: build better-sqlite3 from source instead of downloading a prebuilt binary.
  execSync('npm ci --no-audit --no-fund', {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, npm_config_build_from_source: 'true' },
  });
}
try {
  execSync(`node -e "new (require('better-sqlite3'))(':memory:').close()"`, { cwd: root, stdio: 'pipe' });
} catch {
  console.log('[deps] better-sqlite3 native module missing; building it...');
  execSync('npm rebuild better-sqlite3', {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, npm_config_build_from_source: 'true' },
  });
}
writeFileSync(stamp, digest);
