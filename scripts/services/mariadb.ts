/**
 * A project-local MariaDB server for the tests and local trials: mariadb-install-db into a folder
 * of our own on first start, loopback TCP only, unix socket inside the data folder, a database and
 * login user `outbound`, readiness proven by a real query.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { assertPortFree, dataRoot, ServiceStartError, spawnLogged, runServiceFromCommandLine, installDebianPackages, type RunningService } from './service';

const SERVICE = 'mariadb';
const PORT_ENV = 'OUTBOUND_MARIADB_PORT';
/** Throwaway development credentials; the server listens on loopback only. */
export const MARIADB_DEV_USER = 'outbound';
export const MARIADB_DEV_PASSWORD = 'outbound';
export const MARIADB_DEV_DATABASE = 'outbound';

export interface MariadbOptions {
  port?: number;
  /** Parent folder; the server's files live in `<dataDir>/data`. Default `.data/mariadb`. */
  dataDir?: string;
  logDir?: string;
  /** Flush the redo log at every commit. Off by default: test data is disposable. */
  durable?: boolean;
  readyTimeoutMs?: number;
  log?: (line: string) => void;
}

interface MariadbBinaries {
  server: string;
  installDb: string;
}

function which(names: string[], extraDirs: string[]): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...extraDirs].filter(Boolean);
  for (const name of names) for (const dir of dirs) if (existsSync(join(dir, name))) return join(dir, name);
  return undefined;
}

export function findMariadbBinaries(): MariadbBinaries | undefined {
  const server = which(['mariadbd', 'mysqld'], ['/usr/sbin', '/usr/libexec', '/usr/local/mysql/bin']);
  const installDb = which(['mariadb-install-db', 'mysql_install_db'], ['/usr/bin', '/usr/local/mysql/scripts', '/usr/local/mysql/bin']);
  return server && installDb ? { server, installDb } : undefined;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** Installs mariadb-server when we are root; otherwise says exactly what to run. */
function ensureBinaries(log: (line: string) => void): MariadbBinaries {
  const found = findMariadbBinaries();
  if (found) return found;
  installDebianPackages(SERVICE, ['mariadb-server'], 'MariaDB server', 'mariadbd and mariadb-install-db must be on PATH or in /usr/sbin', log);
  const after = findMariadbBinaries();
  if (!after) throw new ServiceStartError(SERVICE, 'apt-get installed mariadb-server but mariadbd/mariadb-install-db are still not found');
  return after;
}

/** Options shared by bootstrap and server so both agree on file layout and log size. */
function commonArgs(data: string): string[] {
  return ['--no-defaults', `--datadir=${data}`, '--innodb-log-file-size=8M', ...(isRoot() ? ['--user=root'] : [])];
}

function installDb(bins: MariadbBinaries, data: string, logFile: string): void {
  mkdirSync(data, { recursive: true, mode: 0o700 });
  const args = [...commonArgs(data), '--auth-root-authentication-method=normal', '--skip-test-db', '--skip-name-resolve'];
  const result = spawnSync(bins.installDb, args, { encoding: 'utf8' });
  appendFileSync(logFile, `${result.stdout ?? ''}${result.stderr ?? ''}`);
  if (result.status !== 0) throw new ServiceStartError(SERVICE, `mariadb-install-db failed (exit ${result.status}) in ${data}; see ${logFile}`);
}

async function adminQuery(socketPath: string, sql: string): Promise<unknown> {
  const conn = await createConnection({ socketPath, user: 'root', connectTimeout: 2000 });
  try {
    const [rows] = await conn.query(sql);
    return rows;
  } finally {
    await conn.end();
  }
}

async function waitReady(child: ChildProcess, socketPath: string, timeoutMs: number, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new ServiceStartError(SERVICE, `exited (${child.exitCode ?? child.signalCode}) before accepting connections; see ${logFile}`);
    }
    try {
      await adminQuery(socketPath, 'SELECT 1');
      return;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline) throw new ServiceStartError(SERVICE, `did not answer SELECT 1 within ${timeoutMs} ms (${last}); see ${logFile}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Creates the login user and its database (idempotent). mariadb-install-db also makes password-less
 * root accounts reachable over TCP; we drop them so only the unix socket (inside the data folder)
 * grants root.
 */
async function ensureDatabase(socketPath: string): Promise<void> {
  const statements = [
    `DROP USER IF EXISTS 'root'@'127.0.0.1', 'root'@'::1', 'root'@'${hostname().replace(/'/g, '')}'`,
    `CREATE DATABASE IF NOT EXISTS \`${MARIADB_DEV_DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    `CREATE USER IF NOT EXISTS '${MARIADB_DEV_USER}'@'%' IDENTIFIED BY '${MARIADB_DEV_PASSWORD}'`,
    `GRANT ALL PRIVILEGES ON \`${MARIADB_DEV_DATABASE}\`.* TO '${MARIADB_DEV_USER}'@'%'`,
    // Tests may create databases of their own, named outbound_<something>.
    `GRANT ALL PRIVILEGES ON \`${MARIADB_DEV_DATABASE}\\_%\`.* TO '${MARIADB_DEV_USER}'@'%'`,
  ];
  for (const sql of statements) await adminQuery(socketPath, sql);
}

async function stopMariadb(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM'); // clean shutdown
  const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(kill);
}

export function mariadbUrl(port: number): string {
  return `mysql://${MARIADB_DEV_USER}:${MARIADB_DEV_PASSWORD}@127.0.0.1:${port}/${MARIADB_DEV_DATABASE}`;
}

/** Starts MariaDB on 127.0.0.1 (default port 3307, $OUTBOUND_MARIADB_PORT) with database and user `outbound`. */
export async function startMariadb(options: MariadbOptions = {}): Promise<RunningService> {
  const log = options.log ?? ((line: string) => console.log(line));
  const port = options.port ?? Number(process.env[PORT_ENV] ?? 3307);
  const dataDir = resolve(options.dataDir ?? join(dataRoot, 'mariadb'));
  const logDir = options.logDir ?? join(dataRoot, 'logs');
  await assertPortFree(SERVICE, port, PORT_ENV);
  const bins = ensureBinaries(log);

  const data = join(dataDir, 'data');
  const socketPath = join(data, 'mariadb.sock');
  if (socketPath.length > 100) {
    throw new ServiceStartError(SERVICE, `data folder path ${data} is too long for a unix socket; pass a shorter dataDir (or OUTBOUND_DATA_DIR)`);
  }
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${SERVICE}.log`);
  writeFileSync(logFile, '', { flag: 'a' });
  if (!existsSync(join(data, 'mysql'))) installDb(bins, data, logFile);

  const args = [
    ...commonArgs(data),
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    `--socket=${socketPath}`,
    `--pid-file=${join(data, 'mariadbd.pid')}`,
    '--skip-name-resolve',
    '--skip-log-bin',
    '--innodb-buffer-pool-size=64M',
    '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_unicode_ci',
    '--max-connections=200',
  ];
  if (!options.durable) args.push('--innodb-flush-log-at-trx-commit=0', '--innodb-doublewrite=0', '--innodb-flush-method=nosync', '--sync-binlog=0');
  // setpriv --pdeathsig: the server shuts down cleanly if the test runner dies without stopping it.
  const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
  const child = setpriv
    ? spawnLogged(SERVICE, setpriv, ['--pdeathsig', 'SIGTERM', '--', bins.server, ...args], { logDir, cwd: dataDir })
    : spawnLogged(SERVICE, bins.server, args, { logDir, cwd: dataDir });
  try {
    await waitReady(child, socketPath, options.readyTimeoutMs ?? 60_000, logFile);
    await ensureDatabase(socketPath);
  } catch (err) {
    await stopMariadb(child);
    throw err instanceof ServiceStartError ? err : new ServiceStartError(SERVICE, `did not become ready: ${(err as Error).message}`, { cause: err });
  }
  const url = mariadbUrl(port);
  return { name: SERVICE, url, env: { OUTBOUND_MARIADB_URL: url }, stop: () => stopMariadb(child) };
}

if (require.main === module) {
  runServiceFromCommandLine('MariaDB', () => startMariadb({ durable: process.argv.includes('--durable') }));
}
