import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A server process started by the project for the demo or the tests. */
export interface RunningService {
  name: string;
  /** Main address, e.g. ldap://127.0.0.1:3890 or postgres://... */
  url: string;
  /** Environment variables that point tests and programs at this service. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** A clear, actionable start-up failure: what is missing or wrong and how to fix it. */
export class ServiceStartError extends Error {
  constructor(
    readonly service: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`[${service}] ${message}`, options);
    this.name = 'ServiceStartError';
  }
}

export const projectRoot = join(__dirname, '..', '..');
export const dataRoot = process.env.OUTBOUND_DATA_DIR ?? join(projectRoot, '.data');

/** Fails with the variable to change when a port is already taken. */
export async function assertPortFree(service: string, port: number, envVar: string, host = '127.0.0.1'): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new ServiceStartError(
          service,
          err.code === 'EADDRINUSE'
            ? `port ${port} on ${host} is already in use; set ${envVar} to another port`
            : `cannot bind ${host}:${port}: ${err.message}`,
        ),
      ),
    );
    srv.listen(port, host, () => srv.close(() => resolve()));
  });
}

/** A free TCP port on loopback, chosen by the OS. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on host:port; probes, never sleeps blindly. */
export async function waitForPort(service: string, port: number, timeoutMs: number, host = '127.0.0.1', child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) {
      throw new ServiceStartError(service, `exited with code ${child.exitCode} before listening on ${host}:${port} (see its log)`);
    }
    const ok = await new Promise<boolean>((resolve) => {
      const sock = connect({ port, host });
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new ServiceStartError(service, `did not listen on ${host}:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Polls an async predicate until it holds. */
export async function waitUntil(what: string, predicate: () => Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await predicate()) return;
    } catch {
      /* not ready yet */
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Spawns a server process with its output in a log file under the data folder. */
export function spawnLogged(service: string, command: string, args: string[], options: SpawnOptions & { logDir: string }): ChildProcess {
  mkdirSync(options.logDir, { recursive: true });
  const log = openSync(join(options.logDir, `${service}.log`), 'a');
  const child = spawn(command, args, { ...options, stdio: ['ignore', log, log], detached: false });
  return child;
}

/** Stops a child process: SIGTERM, then SIGKILL after a grace period. */
export async function stopProcess(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Runs a service from the command line (`tsx scripts/services/<name>.ts`): starts it, prints its
 * address and environment, and stops it on Ctrl-C.
 */
export function runServiceFromCommandLine(title: string, start: () => Promise<RunningService>): void {
  start()
    .then((svc) => {
      console.log(`${title} at ${svc.url}. Ctrl-C stops it.`);
      for (const [k, v] of Object.entries(svc.env)) console.log(`export ${k}=${JSON.stringify(v)}`);
      const stop = () => void svc.stop().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    })
    .catch((err: Error) => {
      console.error(err.message);
      process.exit(1);
    });
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * Installs Debian packages a service needs when running as root; otherwise fails saying exactly
 * what to run. `alternative` tells how to point the project at an existing installation.
 */
export function installDebianPackages(service: string, packages: string[], what: string, alternative: string, log: (line: string) => void): void {
  const list = packages.join(' ');
  if (!isRoot()) throw new ServiceStartError(service, `${what} is not installed. Install it with "sudo apt-get install -y ${list}" (${alternative}) and re-run`);
  log(`[${service}] ${what} is missing; installing "${list}" with apt-get (first time only)...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
  const install = update.status === 0 ? spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], { stdio: 'inherit', env }) : update;
  if (install.status !== 0) throw new ServiceStartError(service, `"apt-get install -y ${list}" failed (exit ${install.status}); install ${what} yourself (${alternative})`);
}

/** A program on PATH, by name, or undefined. */
export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The Go toolchain, which builds the Temporal CLI and Helm from their modules. */
export function findGo(): string | undefined {
  return onPath('go') ?? (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
}
