/**
 * A project-local OpenLDAP slapd for the demo, the tests and the LDAP benchmark: a cn=config
 * (slapd.d) generated on every start from the options below, an mdb database under
 * `<dataDir>/data` that survives restarts, loopback only, the memberof overlay, indexes for the
 * attributes the LDAP datastore filters on, and no size limit for paged searches.
 *
 * First start loads the base entries (and the demo directory when asked) offline with slapadd,
 * which is far faster than adding online; memberOf values are written by the generator because
 * slapadd bypasses overlays. Later starts keep whatever the directory holds.
 *
 * Optional TLS (`tls`): the server certificate, key and CA go into cn=config, so the ldap://
 * listener offers StartTLS, and `ldapsPort` adds an ldaps:// listener. Without `tls` the config
 * and the listeners are exactly those of a plain server.
 *
 * `tsx scripts/services/slapd.ts [--no-demo] [--people N]` starts it, prints its env, stops on Ctrl-C.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { accessSync, constants as fsConstants, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { Client } from 'ldapts';
import { assertPortFree, dataRoot, ServiceStartError, spawnLogged, stopProcess, runServiceFromCommandLine, installDebianPackages, type RunningService } from './service';
import { baseEntries, demoEntries, writeDemoLdif, DEFAULT_PEOPLE, DEFAULT_SUFFIX } from '../demo-directory';
import { ldifRecord } from '../ldap/ldif';

const SERVICE = 'slapd';
const PORT_ENV = 'OUTBOUND_LDAP_PORT';
/** Throwaway development password for the rootdn; the server listens on loopback only. */
export const SLAPD_DEV_PASSWORD = 'outbound-demo';

export interface SlapdOptions {
  /** Default $OUTBOUND_LDAP_PORT or 3890. */
  port?: number;
  /** Folder holding slapd.d (config) and data (mdb). Default `.data/slapd`. */
  dataDir?: string;
  /** Default dc=example,dc=com. */
  suffix?: string;
  /** Password of `cn=admin,<suffix>` (the rootdn). Default `outbound-demo`. */
  adminPassword?: string;
  /** Load the demo directory on first start (true: 300 people). */
  loadDemo?: boolean | { people: number };
  logDir?: string;
  readyTimeoutMs?: number;
  log?: (line: string) => void;
  /** Serve TLS: StartTLS on the ldap:// port, and ldaps:// on `ldapsPort` when given. */
  tls?: SlapdTlsOptions;
  /** The memberof overlay (default true); false plays OpenLDAP as Debian installs it, with no memberOf. */
  memberOfOverlay?: boolean;
}

export interface SlapdTlsOptions {
  /** PEM server certificate (its subjectAltName must cover the host clients connect to). */
  certFile: string;
  /** PEM private key of the certificate; slapd runs as the user who starts it and must read it. */
  keyFile: string;
  /** PEM CA bundle (olcTLSCACertificateFile). */
  caFile: string;
  /** Adds an ldaps://127.0.0.1:<ldapsPort> listener. */
  ldapsPort?: number;
}

/** The running slapd; `ldapsUrl` is set when it listens on ldaps:// too. */
export interface SlapdService extends RunningService {
  ldapsUrl?: string;
}

interface SlapdBinaries {
  slapd: string;
  slapadd: string;
  schemaDir: string;
  /** Undefined when back_mdb and memberof are built in (no loadable modules). */
  modulePath?: string;
}


function findOnPath(name: string): string | undefined {
  const dirs = [process.env.OUTBOUND_SLAPD_BIN, ...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/libexec', '/usr/local/libexec'];
  for (const dir of dirs) if (dir && existsSync(join(dir, name))) return join(dir, name);
  return undefined;
}

function findBinaries(): SlapdBinaries | undefined {
  const slapd = findOnPath('slapd');
  const slapadd = findOnPath('slapadd');
  if (!slapd || !slapadd) return undefined;
  const schemaDir = ['/etc/ldap/schema', '/etc/openldap/schema', '/usr/local/etc/openldap/schema'].find((d) => existsSync(join(d, 'core.ldif')));
  if (!schemaDir) throw new ServiceStartError(SERVICE, 'found slapd but no schema folder with core.ldif (looked in /etc/ldap/schema and /etc/openldap/schema)');
  const modulePath = [process.env.OUTBOUND_SLAPD_MODULE_PATH, '/usr/lib/ldap', '/usr/lib64/openldap', '/usr/lib/openldap', '/usr/local/libexec/openldap'].find(
    (d) => d && existsSync(join(d, 'back_mdb.so')),
  );
  return { slapd, slapadd, schemaDir, modulePath };
}

/** Installs slapd and ldap-utils when we are root; otherwise says exactly what to run. */
function ensureBinaries(log: (line: string) => void): SlapdBinaries {
  const found = findBinaries();
  if (found) return found;
  // The package's own slapd may be prevented from starting (policy-rc.d): we never use it.
  installDebianPackages(SERVICE, ['slapd', 'ldap-utils'], 'OpenLDAP slapd', 'or set OUTBOUND_SLAPD_BIN to the folder holding slapd and slapadd', log);
  const after = findBinaries();
  if (!after) throw new ServiceStartError(SERVICE, 'apt-get installed slapd but slapd/slapadd are still not found; set OUTBOUND_SLAPD_BIN');
  return after;
}

/** `{SSHA}` hash, so the rootdn password is not stored in clear in slapd.d. */
export function sshaHash(password: string): string {
  const salt = randomBytes(8);
  const digest = createHash('sha1').update(password, 'utf8').update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString('base64')}`;
}

/**
 * AD-like attributes (objectGUID as octet string, userAccountControl, uSNChanged, whenChanged)
 * on an auxiliary class, so the datastore's Active Directory code paths run against a real
 * server. Private OIDs under OpenLDAP's experimental arc; demo and tests only.
 */
const OUTBOUND_SCHEMA = `dn: cn=outbound,cn=schema,cn=config
objectClass: olcSchemaConfig
cn: outbound
olcAttributeTypes: ( 1.3.6.1.4.1.4203.666.100.1.1 NAME 'objectGUID' DESC 'AD-style binary GUID (tests)' EQUALITY octetStringMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 SINGLE-VALUE )
olcAttributeTypes: ( 1.3.6.1.4.1.4203.666.100.1.2 NAME 'userAccountControl' DESC 'AD-style account flags (tests)' EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
olcAttributeTypes: ( 1.3.6.1.4.1.4203.666.100.1.3 NAME 'uSNChanged' DESC 'AD-style update sequence number (tests)' EQUALITY integerMatch ORDERING integerOrderingMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
olcAttributeTypes: ( 1.3.6.1.4.1.4203.666.100.1.4 NAME 'whenChanged' DESC 'AD-style change time (tests)' EQUALITY generalizedTimeMatch ORDERING generalizedTimeOrderingMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.24 SINGLE-VALUE )
olcObjectClasses: ( 1.3.6.1.4.1.4203.666.100.2.1 NAME 'outboundAdLike' DESC 'AD-like attributes for tests' AUXILIARY MAY ( objectGUID $ userAccountControl $ uSNChanged $ whenChanged ) )
`;

const MEMBER_OF_OVERLAY = `
dn: olcOverlay={0}memberof,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcMemberOf
olcOverlay: {0}memberof
olcMemberOfRefInt: TRUE
olcMemberOfDangling: ignore
olcMemberOfGroupOC: groupOfNames
olcMemberOfMemberAD: member
olcMemberOfMemberOfAD: memberOf
`;

export function slapdConfigLdif(p: { suffix: string; rootDn: string; rootPwHash: string; dbDir: string; runDir: string; bins: SlapdBinaries; tls?: SlapdTlsOptions; memberOfOverlay?: boolean }): string {
  const memberOf = p.memberOfOverlay !== false;
  const schema = ['core', 'cosine', 'nis', 'inetorgperson'].map((s) => `include: file://${join(p.bins.schemaDir, `${s}.ldif`)}`).join('\n');
  const modules = p.bins.modulePath
    ? `dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: ${p.bins.modulePath}
olcModuleLoad: {0}back_mdb
${memberOf ? 'olcModuleLoad: {1}memberof\n' : ''}
`
    : '';
  // Absolute paths: slapd resolves relative ones against its own cwd, not the caller's.
  const tls = p.tls
    ? `olcTLSCACertificateFile: ${resolve(p.tls.caFile)}
olcTLSCertificateFile: ${resolve(p.tls.certFile)}
olcTLSCertificateKeyFile: ${resolve(p.tls.keyFile)}
`
    : '';
  return `dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: ${join(p.runDir, 'slapd.pid')}
olcArgsFile: ${join(p.runDir, 'slapd.args')}
olcLogLevel: none
olcSizeLimit: size.soft=500 size.hard=unlimited size.pr=unlimited size.prtotal=unlimited
olcTimeLimit: unlimited
${tls}
${modules}dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

${schema}

${OUTBOUND_SCHEMA}
dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {-1}frontend
olcSizeLimit: size.soft=500 size.hard=unlimited size.pr=unlimited size.prtotal=unlimited

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcAccess: {0}to * by * none

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcDbDirectory: ${p.dbDir}
olcSuffix: ${p.suffix}
olcRootDN: ${p.rootDn}
olcRootPW: ${p.rootPwHash}
olcDbMaxSize: 8589934592
olcDbNoSync: TRUE
olcDbIndex: objectClass eq
olcDbIndex: uid,mail,employeeNumber eq
olcDbIndex: cn,sn,givenName eq,sub
olcDbIndex: entryUUID eq
olcDbIndex: modifyTimestamp eq
${memberOf ? 'olcDbIndex: memberOf eq\n' : ''}olcDbIndex: member eq
olcDbIndex: objectGUID,uSNChanged eq
olcLimits: {0}users size=unlimited time=unlimited
olcAccess: {0}to attrs=userPassword by self write by anonymous auth by * none
olcAccess: {1}to * by users read by * none
${memberOf ? MEMBER_OF_OVERLAY : ''}`;
}

function run(command: string, args: string[], logFile: string, what: string): void {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  appendFileSync(logFile, `$ ${[command, ...args].join(' ')}\n${result.stdout ?? ''}${result.stderr ?? ''}`);
  if (result.status !== 0) {
    const tail = `${result.stderr ?? ''}`.trim().split('\n').slice(-3).join(' | ');
    throw new ServiceStartError(SERVICE, `${what} failed (exit ${result.status}): ${tail}; see ${logFile}`);
  }
}

/** Resolves once a simple bind as the rootdn succeeds; fails fast when slapd exits. */
async function waitReady(child: ChildProcess, url: string, bindDn: string, password: string, timeoutMs: number, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new ServiceStartError(SERVICE, `exited (${child.exitCode ?? child.signalCode}) before accepting binds; see ${logFile}`);
    }
    const client = new Client({ url, connectTimeout: 1000, timeout: 2000 });
    try {
      await client.bind(bindDn, password);
      return;
    } catch (err) {
      last = (err as Error).message;
    } finally {
      await client.unbind().catch(() => {});
    }
    if (Date.now() > deadline) throw new ServiceStartError(SERVICE, `did not accept a bind within ${timeoutMs} ms (${last}); see ${logFile}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts slapd on 127.0.0.1 (default port 3890, $OUTBOUND_LDAP_PORT) with rootdn cn=admin,<suffix>. */
export async function startSlapd(options: SlapdOptions = {}): Promise<SlapdService> {
  const log = options.log ?? ((line: string) => console.log(line));
  const port = options.port ?? Number(process.env[PORT_ENV] ?? 3890);
  const suffix = options.suffix ?? DEFAULT_SUFFIX;
  const rootDn = `cn=admin,${suffix}`;
  const password = options.adminPassword ?? SLAPD_DEV_PASSWORD;
  const dataDir = resolve(options.dataDir ?? join(dataRoot, 'slapd'));
  const logDir = resolve(options.logDir ?? join(dataRoot, 'logs'));
  await assertPortFree(SERVICE, port, PORT_ENV);
  if (options.tls) await checkTls(options.tls);
  const bins = ensureBinaries(log);

  const configDir = join(dataDir, 'slapd.d');
  const dbDir = join(dataDir, 'data');
  const runDir = join(dataDir, 'run');
  for (const d of [dataDir, dbDir, runDir, logDir]) mkdirSync(d, { recursive: true });
  const logFile = join(logDir, `${SERVICE}.log`);
  writeFileSync(logFile, '', { flag: 'a' });

  // Config is regenerated every start so it always matches this code; data is kept.
  rmSync(configDir, { recursive: true, force: true });
  mkdirSync(configDir);
  const configLdif = join(runDir, 'config.ldif');
  writeFileSync(configLdif, slapdConfigLdif({ suffix, rootDn, rootPwHash: sshaHash(password), dbDir, runDir, bins, tls: options.tls, memberOfOverlay: options.memberOfOverlay }), { mode: 0o600 });
  run(bins.slapadd, ['-n0', '-F', configDir, '-l', configLdif], logFile, 'writing the slapd config (slapadd -n0)');
  rmSync(configLdif);

  if (!existsSync(join(dbDir, 'data.mdb'))) {
    const dataLdif = join(runDir, 'initial.ldif');
    if (options.loadDemo) {
      const people = typeof options.loadDemo === 'object' ? options.loadDemo.people : DEFAULT_PEOPLE;
      const counts = await writeDemoLdif(dataLdif, { suffix, people, withMemberOf: true });
      log(`[${SERVICE}] loading the demo directory: ${counts.people} people (${counts.disabled} disabled), ${counts.groups.length} groups`);
    } else {
      writeFileSync(dataLdif, baseEntries(suffix).map(ldifRecord).join(''));
    }
    try {
      // -q skips consistency checks: the generator's output is known good, and it is much faster.
      run(bins.slapadd, ['-q', '-F', configDir, '-b', suffix, '-l', dataLdif], logFile, 'loading the initial entries (slapadd)');
    } catch (err) {
      rmSync(dbDir, { recursive: true, force: true }); // a half-loaded database must not count as populated
      throw err;
    } finally {
      rmSync(dataLdif, { force: true });
    }
  }

  const url = `ldap://127.0.0.1:${port}`;
  const ldapsUrl = options.tls?.ldapsPort !== undefined ? `ldaps://127.0.0.1:${options.tls.ldapsPort}` : undefined;
  // -d 0 keeps slapd in the foreground as our child; setpriv's death signal stops it if we die.
  // OUTBOUND_LDAP_LISTEN_HOST=0.0.0.0 lets the demo container serve other containers; clients here still use 127.0.0.1.
  const listenHost = process.env.OUTBOUND_LDAP_LISTEN_HOST;
  const listenUrl = listenHost ? `ldap://${listenHost}:${port}` : url;
  const args = ['-d', '0', '-F', configDir, '-h', ldapsUrl ? `${listenUrl}/ ${ldapsUrl}/` : `${listenUrl}/`];
  const hasSetpriv = existsSync('/usr/bin/setpriv') || existsSync('/bin/setpriv');
  const child = hasSetpriv
    ? spawnLogged(SERVICE, 'setpriv', ['--pdeathsig', 'SIGTERM', '--', bins.slapd, ...args], { logDir, cwd: dataDir })
    : spawnLogged(SERVICE, bins.slapd, args, { logDir, cwd: dataDir });
  try {
    await waitReady(child, url, rootDn, password, options.readyTimeoutMs ?? 30_000, logFile);
    if (options.loadDemo) await ensureDemoOnline(url, rootDn, password, suffix, options.loadDemo, log);
  } catch (err) {
    await stopProcess(child);
    throw err instanceof ServiceStartError ? err : new ServiceStartError(SERVICE, `did not become ready: ${(err as Error).message}`, { cause: err });
  }
  return {
    name: SERVICE,
    url,
    ...(ldapsUrl ? { ldapsUrl } : {}),
    env: { OUTBOUND_LDAP_URL: url, OUTBOUND_LDAP_PORT: String(port), OUTBOUND_LDAP_BIND_DN: rootDn, OUTBOUND_LDAP_BIND_PASSWORD: password, OUTBOUND_LDAP_BASE_DN: suffix },
    stop: () => stopProcess(child, 10_000),
  };
}

/** Fails before anything is written when a TLS file is missing or unreadable, or the ldaps port is taken. */
async function checkTls(tls: SlapdTlsOptions): Promise<void> {
  for (const [what, file] of [['certificate', tls.certFile], ['private key', tls.keyFile], ['CA bundle', tls.caFile]] as const) {
    try {
      accessSync(file, fsConstants.R_OK);
    } catch (err) {
      throw new ServiceStartError(SERVICE, `cannot read the TLS ${what} ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
    }
  }
  if (tls.ldapsPort !== undefined) await assertPortFree(SERVICE, tls.ldapsPort, 'tls.ldapsPort');
}

/**
 * A directory first started without the demo gets it online (the overlay then keeps memberOf),
 * unless the Concur administrator entry shows the demo is already there.
 */
async function ensureDemoOnline(url: string, rootDn: string, password: string, suffix: string, loadDemo: true | { people: number }, log: (line: string) => void): Promise<void> {
  const client = new Client({ url, timeout: 30_000 });
  try {
    await client.bind(rootDn, password);
    const people = typeof loadDemo === 'object' ? loadDemo.people : DEFAULT_PEOPLE;
    const entries = demoEntries({ suffix, people });
    const adminDn = `uid=concur-admin,ou=people,${suffix}`;
    const found = await client.search(adminDn, { scope: 'base', attributes: ['1.1'] }).then(
      (r) => r.searchEntries.length > 0,
      () => false,
    );
    if (found) return;
    log(`[${SERVICE}] adding the demo directory online (${people} people)`);
    for (const entry of entries) {
      try {
        await client.add(entry.dn, entry.attributes);
      } catch (err) {
        if ((err as Error).name !== 'AlreadyExistsError') throw err; // base entries are already there
      }
    }
  } finally {
    await client.unbind().catch(() => {});
  }
}

if (require.main === module) {
  // The demo directory is loaded unless --no-demo; --people N changes its size (first start only).
  const i = process.argv.indexOf('--people');
  const people = i >= 0 ? Number(process.argv[i + 1]) : undefined;
  const loadDemo = process.argv.includes('--no-demo') ? false : people ? { people } : true;
  // The container passes the rootdn password as a secret file (docker/openldap).
  const pwFile = process.env.OUTBOUND_LDAP_ADMIN_PASSWORD_FILE;
  const adminPassword = pwFile ? readFileSync(pwFile, 'utf8').trim() : undefined;
  runServiceFromCommandLine('OpenLDAP slapd', () => startSlapd({ loadDemo, adminPassword }));
}
