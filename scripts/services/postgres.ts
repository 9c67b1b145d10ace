/**
 * A project-local PostgreSQL server for the tests, the SQL datastore benchmark and local trials:
 * initdb into a folder of our own on first start, loopback TCP only, unix socket inside the data
 * folder, a database and login user `outbound`, readiness proven by a real query.
 */
import { execFileSync, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';
import { assertPortFree, dataRoot, ServiceStartError, spawnLogged, runServiceFromCommandLine, installDebianPackages, type RunningService } from './service';

const SERVICE = 'postgres';
const PORT_ENV = 'OUTBOUND_PG_PORT';
/** Throwaway development credentials; the server listens on loopback only. */
export const PG_DEV_USER = 'outbound';
export const PG_DEV_PASSWORD = 'outbound';
export const PG_DEV_DATABASE = 'outbound';

export interface PostgresOptions {
  port?: number;
  /** Parent folder; the cluster lives in `<dataDir>/pg<major>`. Default `.data/postgres`. */
  dataDir?: string;
  logDir?: string;
  /**
   * Keep fsync and synchronous commit on. Off by default: test and demo data is disposable and
   * fsync dominates start-up and bulk loads on a shared disk.
   */
  durable?: boolean;
  readyTimeoutMs?: number;
  log?: (line: string) => void;
}

interface PgBinaries {
  binDir: string;
  major: number;
}

/** Highest-version `/usr/lib/postgresql/<v>/bin` holding both initdb and postgres (or $OUTBOUND_PG_BIN). */
export function findPostgresBinaries(): PgBinaries | undefined {
  const explicit = process.env.OUTBOUND_PG_BIN;
  if (explicit) {
    if (!existsSync(join(explicit, 'postgres')) || !existsSync(join(explicit, 'initdb'))) {
      throw new ServiceStartError(SERVICE, `OUTBOUND_PG_BIN=${explicit} has no postgres and initdb binaries`);
    }
    const version = execFileSync(join(explicit, 'postgres'), ['--version'], { encoding: 'utf8' });
    return { binDir: explicit, major: Number(/(\d+)/.exec(version)?.[1] ?? 0) };
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .map((v) => ({ v, n: Number(v) }))
    .sort((a, b) => b.n - a.n);
  for (const { v, n } of versions) {
    const binDir = join(root, v, 'bin');
    if (existsSync(join(binDir, 'postgres')) && existsSync(join(binDir, 'initdb'))) return { binDir, major: Math.floor(n) };
  }
  return undefined;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

function ensureBinaries(log: (line: string) => void): PgBinaries {
  const found = findPostgresBinaries();
  if (found) return found;
  installDebianPackages(SERVICE, ['postgresql'], 'PostgreSQL server', 'or set OUTBOUND_PG_BIN to its bin folder', log);
  const after = findPostgresBinaries();
  if (!after) throw new ServiceStartError(SERVICE, 'apt-get installed postgresql but no /usr/lib/postgresql/<version>/bin/postgres was found; set OUTBOUND_PG_BIN');
  return after;
}

interface OsUser {
  name: string;
  uid: number;
  gid: number;
}

/** PostgreSQL refuses to run as root: as root we run it as an unprivileged system user. */
function serverUser(): OsUser | undefined {
  if (!isRoot()) return undefined;
  const name = process.env.OUTBOUND_PG_OS_USER ?? 'postgres';
  const lookup = () => spawnSync('id', ['-u', name], { encoding: 'utf8' });
  if (lookup().status !== 0) {
    const made = spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name], { encoding: 'utf8' });
    if (made.status !== 0) throw new ServiceStartError(SERVICE, `cannot create the system user "${name}" to run PostgreSQL as: ${made.stderr.trim()}`);
  }
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
  return { name, uid, gid };
}

/**
 * The server user must be able to reach its data folder: add only the search (x) bit for others
 * on ancestors that lack it (mkdtemp makes 0700 folders), never read or write.
 */
function makeReachable(dir: string, user: OsUser): void {
  for (let d = dirname(resolve(dir)); ; d = dirname(d)) {
    const st = statSync(d);
    if (st.uid !== user.uid && (st.mode & 0o001) === 0) chmodSync(d, (st.mode & 0o7777) | 0o001);
    if (d === dirname(d)) break;
  }
}

/** Runs a command as the server user (when root), so files it creates belong to that user. */
function asServerUser(user: OsUser | undefined, command: string, args: string[], deathSignal = false): { command: string; args: string[] } {
  const hasSetpriv = existsSync('/usr/bin/setpriv') || existsSync('/bin/setpriv');
  const pre: string[] = [];
  if (user) pre.push(`--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups');
  // The server goes down with us (fast shutdown) if the test runner dies without stopping it.
  if (deathSignal && hasSetpriv) pre.push('--pdeathsig', 'SIGINT');
  if (pre.length === 0) return { command, args };
  if (!hasSetpriv) throw new ServiceStartError(SERVICE, 'running as root needs setpriv (util-linux) to start PostgreSQL as an unprivileged user');
  return { command: 'setpriv', args: [...pre, '--', command, ...args] };
}

function initCluster(bins: PgBinaries, pgData: string, user: OsUser | undefined, logFile: string): void {
  mkdirSync(pgData, { recursive: true, mode: 0o700 });
  if (user) chownSync(pgData, user.uid, user.gid);
  // Local (socket, inside the data folder) superuser access is trusted; TCP always needs a password.
  const init = asServerUser(user, join(bins.binDir, 'initdb'), [
    '-D',
    pgData,
    '-U',
    'postgres',
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
    '--no-instructions',
  ]);
  const result = spawnSync(init.command, init.args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C', LANG: 'C' } });
  appendFileSync(logFile, `${result.stdout ?? ''}${result.stderr ?? ''}`);
  if (result.status !== 0) throw new ServiceStartError(SERVICE, `initdb failed (exit ${result.status}) in ${pgData}; see ${logFile}`);
}

async function query(socketDir: string, port: number, database: string, sql: string, values: unknown[] = []): Promise<Array<Record<string, unknown>>> {
  const client = new Client({ host: socketDir, port, user: 'postgres', database, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** Probes with `SELECT 1` until it answers; fails fast when the server process exits. */
async function waitReady(child: ChildProcess, socketDir: string, port: number, timeoutMs: number, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new ServiceStartError(SERVICE, `exited (${child.exitCode ?? child.signalCode}) before accepting connections; see ${logFile}`);
    }
    try {
      await query(socketDir, port, 'postgres', 'SELECT 1');
      return;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline) throw new ServiceStartError(SERVICE, `did not answer SELECT 1 within ${timeoutMs} ms (${last}); see ${logFile}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Creates the login user and its database when missing (idempotent across restarts). */
async function ensureDatabase(socketDir: string, port: number): Promise<void> {
  const roles = await query(socketDir, port, 'postgres', 'SELECT 1 FROM pg_roles WHERE rolname = $1', [PG_DEV_USER]);
  if (roles.length === 0) await query(socketDir, port, 'postgres', `CREATE ROLE ${PG_DEV_USER} LOGIN PASSWORD '${PG_DEV_PASSWORD}'`);
  const dbs = await query(socketDir, port, 'postgres', 'SELECT 1 FROM pg_database WHERE datname = $1', [PG_DEV_DATABASE]);
  if (dbs.length === 0) await query(socketDir, port, 'postgres', `CREATE DATABASE ${PG_DEV_DATABASE} OWNER ${PG_DEV_USER} ENCODING 'UTF8'`);
}

/** Fast shutdown (SIGINT) ends every backend; SIGQUIT then SIGKILL only if it hangs. */
async function stopPostgres(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGINT');
  const quit = setTimeout(() => child.kill('SIGQUIT'), 15_000);
  const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(quit);
  clearTimeout(kill);
}

export function postgresUrl(port: number): string {
  return `postgres://${PG_DEV_USER}:${PG_DEV_PASSWORD}@127.0.0.1:${port}/${PG_DEV_DATABASE}`;
}

/** Starts PostgreSQL on 127.0.0.1 (default port 5433, $OUTBOUND_PG_PORT) with database and user `outbound`. */
export async function startPostgres(options: PostgresOptions = {}): Promise<RunningService> {
  const log = options.log ?? ((line: string) => console.log(line));
  const port = options.port ?? Number(process.env[PORT_ENV] ?? 5433);
  const dataDir = resolve(options.dataDir ?? join(dataRoot, 'postgres'));
  const logDir = options.logDir ?? join(dataRoot, 'logs');
  await assertPortFree(SERVICE, port, PORT_ENV);
  const bins = ensureBinaries(log);
  const user = serverUser();

  const pgData = join(dataDir, `pg${bins.major}`);
  // Unix socket paths are limited to 107 bytes.
  if (join(pgData, `.s.PGSQL.${port}`).length > 100) {
    throw new ServiceStartError(SERVICE, `data folder path ${pgData} is too long for a unix socket; pass a shorter dataDir (or OUTBOUND_DATA_DIR)`);
  }
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${SERVICE}.log`);
  writeFileSync(logFile, '', { flag: 'a' });
  if (user) makeReachable(pgData, user);
  if (!existsSync(join(pgData, 'PG_VERSION'))) initCluster(bins, pgData, user, logFile);

  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: pgData,
    max_connections: '100',
    shared_buffers: '64MB',
    logging_collector: 'off',
    log_min_messages: 'warning',
  };
  if (!options.durable) Object.assign(settings, { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', wal_level: 'minimal', max_wal_senders: '0' });
  const args = ['-D', pgData, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const cmd = asServerUser(user, join(bins.binDir, 'postgres'), args, true);
  const child = spawnLogged(SERVICE, cmd.command, cmd.args, { logDir, cwd: dataDir, env: { ...process.env, LC_ALL: 'C', LANG: 'C' } });
  try {
    await waitReady(child, pgData, port, options.readyTimeoutMs ?? 60_000, logFile);
    await ensureDatabase(pgData, port);
  } catch (err) {
    await stopPostgres(child);
    throw err instanceof ServiceStartError ? err : new ServiceStartError(SERVICE, `did not become ready: ${(err as Error).message}`, { cause: err });
  }
  const url = postgresUrl(port);
  return { name: SERVICE, url, env: { OUTBOUND_PG_URL: url }, stop: () => stopPostgres(child) };
}

if (require.main === module) {
  runServiceFromCommandLine('PostgreSQL', () => startPostgres({ durable: process.argv.includes('--durable') }));
}
