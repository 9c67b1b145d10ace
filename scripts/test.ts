/**
 * `npm test`: lint, type-check, start the real servers the tests need (Temporal dev server,
 * OpenLDAP slapd, PostgreSQL, MariaDB) on free loopback ports in a throwaway folder, run every
 * Jest suite against them, stop everything, and print one closing line with the counts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, projectRoot, type RunningService } from './services/service';
import { startTemporal } from './services/temporal';
import { startSlapd } from './services/slapd';
import { startPostgres } from './services/postgres';
import { startMariadb } from './services/mariadb';
import { ensureHelm } from './services/helm';
import { ensureChromium } from './services/chromium';
import { ensureConsoleBuilt } from './web-build';
import { describeLeakScan, scanForLeaks } from './leak-scan';
import { LEAK_MANIFEST } from '../test/support/leak-manifest';

const started: RunningService[] = [];
const workDir = mkdtempSync(join(tmpdir(), 'outbound-test-'));
let stopping = false;

function run(title: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  console.log(`\n[test] ${title}: ${command} ${args.join(' ')}`);
  const t = Date.now();
  const result = spawnSync(command, args, { cwd: projectRoot, stdio: 'inherit', env });
  console.log(`[test] ${title} finished in ${((Date.now() - t) / 1000).toFixed(1)} s (exit ${result.status})`);
  return result.status ?? 1;
}

async function stopAll() {
  if (stopping) return;
  stopping = true;
  for (const svc of started.reverse()) {
    await svc.stop().catch((err: Error) => console.error(`[test] stopping ${svc.name}: ${err.message}`));
  }
  rmSync(workDir, { recursive: true, force: true });
}

async function main(): Promise<number> {
  const t0 = Date.now();
  const extraArgs = process.argv.slice(2);
  const quick = extraArgs.length > 0; // `npm test -- path/to/test` skips lint and type-check
  if (!quick) {
    if (run('lint', 'npx', ['eslint', '.']) !== 0) return 1;
    if (run('type-check', 'npx', ['tsc', '--noEmit', '-p', '.']) !== 0) return 1;
    if (run('console type-check', 'npx', ['tsc', '--noEmit', '-p', 'web']) !== 0) return 1;
    // The console's API types must be those of the document the server serves now.
    if (run('console API types', 'npx', ['tsx', 'scripts/web-api-schema.ts', '--check']) !== 0) return 1;
  }
  // The console: built before its browser suites, its own logic tested with Vitest (one line).
  const wantsConsole = !quick || extraArgs.some((a) => a.includes('console'));
  if (wantsConsole) {
    const t = Date.now();
    const rebuilt = ensureConsoleBuilt();
    const vitest = spawnSync(join(projectRoot, 'node_modules', '.bin', 'vitest'), ['run', '--root', 'web', '--reporter=dot', '--silent'], { cwd: projectRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    const summary = /Tests\s+(.*)/.exec(vitest.stdout)?.[1]?.trim() ?? 'no summary';
    console.log(`[test] console ${rebuilt ? 'built' : 'up to date'}; vitest: ${summary} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    if (vitest.status !== 0) {
      console.log(vitest.stdout + vitest.stderr);
      return 1;
    }
  }
  console.log('\n[test] starting servers...');
  const logDir = join(workDir, 'logs');
  const results = await Promise.allSettled([
    startTemporal({ port: await freePort(), headless: true, inMemory: true, logDir }),
    startSlapd({ port: await freePort(), dataDir: join(workDir, 'slapd'), logDir, loadDemo: true }),
    startPostgres({ port: await freePort(), dataDir: join(workDir, 'postgres'), logDir }),
    startMariadb({ port: await freePort(), dataDir: join(workDir, 'mariadb'), logDir }),
  ]);
  // Whatever started is stopped at the end, even when another server failed to start.
  for (const r of results) if (r.status === 'fulfilled') started.push(r.value);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  // The deploy suite lints and renders the Helm chart (test/integration/deploy).
  const env: NodeJS.ProcessEnv = { ...process.env, OUTBOUND_TEST_LOG_DIR: logDir, OUTBOUND_HELM: ensureHelm() };
  if (wantsConsole) env.OUTBOUND_CHROMIUM = ensureChromium();
  for (const svc of started) {
    Object.assign(env, svc.env);
    console.log(`[test]   ${svc.name} at ${svc.url}`);
  }
  console.log(`[test] servers ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const report = join(workDir, 'jest-report.json');
  const code = run('jest', 'npx', ['jest', '--ci', '--json', `--outputFile=${report}`, ...extraArgs], env);
  try {
    const r = JSON.parse(readFileSync(report, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTotalTests: number };
    if (r.numTotalTests === 0) {
      console.log('[test] no test ran');
      return 1;
    }
    // The plain closing line CI reads.
    console.log(`\n${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
  } catch {
    console.log('[test] jest wrote no report');
    return code || 1;
  }
  const leaks = await scanForLeaks({ temporalAddress: String(env.OUTBOUND_TEMPORAL_ADDRESS), logDir });
  console.log(`[test] ${describeLeakScan(leaks)}`);
  for (const hit of leaks.hits.slice(0, 20)) console.log(`[test]   a ${hit.kind} in the ${hit.where}`);
  console.log(`[test] total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const outcome = code !== 0 || leaks.hits.length > 0 ? 1 : 0;
  if (outcome !== 0) printLogTails(logDir);
  return outcome;
}

/** On a failure, the end of every service and worker log: what usually explains it. */
function printLogTails(logDir: string, lines = 40): void {
  if (!existsSync(logDir)) return;
  for (const name of readdirSync(logDir).sort()) {
    if (name === LEAK_MANIFEST) continue; // test data, not a log
    const text = readFileSync(join(logDir, name), 'utf8').trimEnd();
    if (!text) continue;
    console.log(`\n[test] last ${lines} lines of ${name}:`);
    console.log(text.split('\n').slice(-lines).join('\n'));
  }
}

process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
process.once('SIGTERM', () => void stopAll().then(() => process.exit(143)));
main()
  .then(async (code) => {
    await stopAll();
    process.exit(code);
  })
  .catch(async (err: Error) => {
    console.error(`[test] ${err.message}`);
    await stopAll();
    process.exit(1);
  });
