/**
 * The processes a benchmark or chaos run drives: the Concur simulator and Outbound workers, each
 * its own process (as in production), with their output in log files.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import type { WorkerStats } from './bench-worker';

const root = join(__dirname, '..');

export interface SimulatorProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

export async function startSimulatorProcess(options: { port: number; env?: Record<string, string>; logFile?: string }): Promise<SimulatorProcess> {
  const out = options.logFile ? openSync(options.logFile, 'a') : 'ignore';
  const child = spawn(process.execPath, ['--import', 'tsx', 'simulators/concur/main.ts'], {
    cwd: root,
    env: { ...process.env, CONCUR_SIM_PORT: String(options.port), CONCUR_SIM_LOG_BODIES: '0', CONCUR_SIM_STATE_FILE: '', ...options.env },
    stdio: ['ignore', 'pipe', out],
  });
  await new Promise<void>((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (c: Buffer) => {
      text += c.toString();
      if (text.includes('listening on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  child.stdout?.resume();
  return {
    url: `http://127.0.0.1:${options.port}`,
    child,
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  logFile: string;
  stats(): Promise<WorkerStats>;
  resetPeak(): void;
  /** Full GC (the worker runs with --expose-gc), then the live heap. */
  gc(): Promise<{ heapUsed: number; rss: number }>;
  /** Graceful: drains in-flight tasks, then exits. */
  stop(): Promise<void>;
  /** kill -9. */
  kill(): Promise<void>;
  exited: Promise<void>;
}

export interface WorkerProcessOptions {
  temporal: string;
  taskQueue: string;
  /** SQLite file, unless pgUrl is given. */
  db?: string;
  pgUrl?: string;
  secretKeyHex: string;
  codecKeyHex: string;
  logFile: string;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** Pre-built workflow bundle (see buildWorkflowBundle). */
  workflowBundle?: string;
}

/** Bundles the workflows once, as a release image would, so workers start without webpack. */
export async function buildWorkflowBundle(file: string): Promise<string> {
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../src/workflows/index'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } });
  writeFileSync(file, code);
  return file;
}

/**
 * The heap bound recommended for production workers (docs/operations.md, "Memory"): the live
 * heap after a 10k sync is ~40 MB, but without a bound V8 let garbage grow to ~200 MB first.
 */
export const WORKER_HEAP_FLAG = '--max-old-space-size=256';

let workerScript: string | undefined;

/**
 * The worker compiled once to plain JavaScript (dependencies stay in node_modules), as a release
 * image would ship it, and run by plain node: under tsx every worker carried the loader's own
 * thread and transpile caches (tens of MB of RSS) and esbuild's keep-names wrappers on every
 * function it created, which showed in its CPU profile.
 */
function workerBundle(): string {
  if (workerScript) return workerScript;
  // Under node_modules/.cache so the bundle's require() of packages resolves from the project.
  const dir = join(root, 'node_modules', '.cache', 'outbound-bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-worker-${process.pid}.cjs`);
  buildSync({ entryPoints: [join(root, 'bench', 'bench-worker.ts')], outfile: file, bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'error' });
  return (workerScript = file);
}

export async function startWorkerProcess(o: WorkerProcessOptions): Promise<WorkerProcess> {
  const out = openSync(o.logFile, 'a');
  // Without a workflow bundle the worker bundles workflows itself from source, which needs tsx.
  const prebuilt = Boolean(o.workflowBundle);
  const child = fork(prebuilt ? workerBundle() : join(root, 'bench', 'bench-worker.ts'), [], {
    cwd: root,
    execArgv: [...(prebuilt ? [] : ['--import', 'tsx']), WORKER_HEAP_FLAG, ...(o.nodeArgs ?? [])],
    env: {
      ...process.env,
      BENCH_TEMPORAL: o.temporal,
      BENCH_TASK_QUEUE: o.taskQueue,
      BENCH_DB: o.db ?? '',
      BENCH_PG_URL: o.pgUrl ?? '',
      BENCH_SECRET_KEY: o.secretKeyHex,
      BENCH_CODEC_KEY: o.codecKeyHex,
      BENCH_WORKFLOW_BUNDLE: o.workflowBundle ?? '',
    },
    stdio: ['ignore', out, out, 'ipc'],
  });
  const done = exited(child);
  await new Promise<void>((resolve, reject) => {
    child.once('message', (m: { type: string }) => (m.type === 'ready' ? resolve() : reject(new Error(`unexpected ${m.type}`))));
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready; see ${o.logFile}`)));
  });
  return {
    child,
    pid: child.pid!,
    logFile: o.logFile,
    exited: done,
    stats: () =>
      new Promise<WorkerStats>((resolve, reject) => {
        const onMessage = (m: WorkerStats) => {
          if (m.type !== 'stats') return;
          child.off('message', onMessage);
          resolve(m);
        };
        child.on('message', onMessage);
        if (!child.connected) reject(new Error('the worker is gone'));
        else child.send({ type: 'stats' });
      }),
    resetPeak: () => void (child.connected && child.send({ type: 'reset-peak' })),
    gc: () =>
      new Promise((resolve) => {
        const onMessage = (m: { type: string; heapUsed: number; rss: number }) => {
          if (m.type !== 'gc') return;
          child.off('message', onMessage);
          resolve(m);
        };
        child.on('message', onMessage);
        child.send({ type: 'gc' });
      }),
    async stop() {
      if (child.connected) child.send({ type: 'stop' });
      await done;
    },
    async kill() {
      child.kill('SIGKILL');
      await done;
    },
  };
}
