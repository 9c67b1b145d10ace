/**
 * `npm run web:screenshots`: a screenshot of each console page into docs/images/, taken by the
 * console's browser test while it walks through them (real services, as in npm test).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from './services/service';

const dir = join(projectRoot, 'docs', 'images');
const result = spawnSync(join(projectRoot, 'node_modules', '.bin', 'tsx'), ['scripts/test.ts', 'test/integration/console/console-walkthrough.test.ts'], {
  cwd: projectRoot,
  stdio: 'inherit',
  env: { ...process.env, OUTBOUND_CONSOLE_SCREENSHOTS: dir },
});
if (result.status === 0) console.log(`[web] screenshots in ${dir}`);
process.exit(result.status ?? 1);
