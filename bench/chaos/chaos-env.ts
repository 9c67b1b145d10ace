/**
 * What a chaos run drives: its own restartable servers (Temporal on a SQLite file, slapd with N
 * generated people, PostgreSQL as the state store), the Concur simulator in this process (so its
 * users can be inspected), and Outbound workers as separate processes that can be killed.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { ChannelControl } from '../../src/api/channel-control';
import { EncryptionCodec } from '../../src/codec/encryption-codec';
import { applyConfig } from '../../src/config/apply-config';
import { parseOutboundConfig } from '../../src/domain/config/outbound-config';
import { openStateStore } from '../../src/store/open-state-store';
import type { KnexStateStore } from '../../src/store/knex-state-store';
import { createConcurSimulator, type ConcurSimulator } from '../../simulators/concur';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REFRESH_TOKEN } from '../../simulators/concur/constants';
import { freePort, type RunningService } from '../../scripts/services/service';
import { startPostgres } from '../../scripts/services/postgres';
import { startSlapd, type SlapdService } from '../../scripts/services/slapd';
import { ensureTemporalCli, startTemporal } from '../../scripts/services/temporal';
import { buildWorkflowBundle, startWorkerProcess, type WorkerProcess } from '../bench-processes';

export const TASK_QUEUE = 'chaos';

/** A restartable server: stop() and start() keep its port and data. */
export interface Restartable {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface ChaosEnv {
  dir: string;
  logDir: string;
  people: number;
  temporal: Restartable;
  ldap: SlapdService & Restartable;
  pg: Restartable;
  /** Identity with a static token. */
  sim: ConcurSimulator;
  /** OAuth2 with short-lived access tokens and rotating refresh tokens. */
  oauthSim: ConcurSimulator;
  store: KnexStateStore;
  client: Client;
  control: ChannelControl;
  workers: WorkerProcess[];
  startWorker(name?: string): Promise<WorkerProcess>;
  /** Adds (or replaces) a channel over the first `users` people; returns its id. */
  addChannel(id: string, options: { users: number; connection?: 'sim' | 'oauth'; maxThreads?: number; intervalSeconds?: number }): Promise<string>;
  close(): Promise<void>;
}

export interface ChaosEnvOptions {
  people: number;
  tokenTtlSeconds: number;
  log?: (line: string) => void;
}

async function restartable(start: () => Promise<RunningService>): Promise<Restartable & { current: RunningService }> {
  const first = await start();
  const r = {
    url: first.url,
    current: first,
    async stop() {
      await r.current.stop();
    },
    async start() {
      r.current = await start();
    },
  };
  return r;
}

/** The first `n` generated people (employeeNumber E100000+i), as an LDAP filter on 100-entry prefixes. */
export function firstPeopleFilter(n: number, people: number): string {
  if (n >= people) return '(objectClass=inetOrgPerson)';
  const terms = Array.from({ length: Math.max(1, Math.floor(n / 100)) }, (_, k) => `(employeeNumber=E${String(100000 + k * 100).slice(0, 4)}*)`);
  return terms.length === 1 ? terms[0] : `(|${terms.join('')})`;
}

export async function startChaosEnv(options: ChaosEnvOptions): Promise<ChaosEnv> {
  const log = options.log ?? (() => undefined);
  ensureTemporalCli(log);
  const dir = mkdtempSync(join(tmpdir(), 'outbound-chaos-'));
  const logDir = join(dir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const [temporalPort, ldapPort, pgPort] = [await freePort(), await freePort(), await freePort()];
  const [temporal, pg] = await Promise.all([
    restartable(() => startTemporal({ port: temporalPort, headless: true, dataDir: join(dir, 'temporal'), logDir })),
    restartable(() => startPostgres({ port: pgPort, dataDir: join(dir, 'pg'), logDir, log })),
  ]);
  let slapd = await startSlapd({ port: ldapPort, dataDir: join(dir, 'slapd'), logDir, loadDemo: { people: options.people }, log });
  const ldap = Object.assign(Object.create(slapd) as SlapdService, {
    url: slapd.url,
    env: slapd.env,
    async stop() {
      await slapd.stop();
    },
    async start() {
      slapd = await startSlapd({ port: ldapPort, dataDir: join(dir, 'slapd'), logDir, loadDemo: { people: options.people }, log });
    },
  });
  const sim = createConcurSimulator({ requestLogLimit: 100 });
  await sim.listen(0);
  const oauthSim = createConcurSimulator({ accessTokenTtlSeconds: options.tokenTtlSeconds, requestLogLimit: 100 });
  await oauthSim.listen(0);

  const secretKey = randomBytes(32);
  const codecKey = randomBytes(32);
  const pgUrl = pg.current.url;
  const store = await openStateStore({ client: 'pg', connection: pgUrl }, { key: secretKey });
  const client = new Client({ connection: await Connection.connect({ address: temporal.url }), dataConverter: { payloadCodecs: [new EncryptionCodec(codecKey)] } });
  const control = new ChannelControl(client, TASK_QUEUE);
  const bundle = await buildWorkflowBundle(join(dir, 'workflow-bundle.js'));
  const workers: WorkerProcess[] = [];
  let workerNo = 0;
  process.env.OUTBOUND_SECRET_CHAOS_LDAP_PASSWORD = slapd.env.OUTBOUND_LDAP_BIND_PASSWORD;
  process.env.OUTBOUND_SECRET_CHAOS_CLIENT_SECRET = DEMO_CLIENT_SECRET;
  process.env.OUTBOUND_SECRET_CHAOS_REFRESH_TOKEN = DEMO_REFRESH_TOKEN;
  const base = slapd.env.OUTBOUND_LDAP_BASE_DN;
  const channels = new Map<string, Record<string, unknown>>();

  const env: ChaosEnv = {
    dir,
    logDir,
    people: options.people,
    temporal,
    ldap,
    pg,
    sim,
    oauthSim,
    store,
    client,
    control,
    workers,
    async startWorker(name = `worker-${++workerNo}`) {
      // Under npm test the workers' logs go where the leak scan after the suites reads them.
      const workerLogDir = process.env.OUTBOUND_TEST_LOG_DIR ?? logDir;
      const logFile = join(workerLogDir, `chaos-${name}-${process.pid}.log`);
      const w = await startWorkerProcess({ temporal: temporal.url, taskQueue: TASK_QUEUE, pgUrl, secretKeyHex: secretKey.toString('hex'), codecKeyHex: codecKey.toString('hex'), logFile, workflowBundle: bundle });
      workers.push(w);
      return w;
    },
    async addChannel(id, o) {
      channels.set(id, {
        id,
        connectionId: o.connection ?? 'sim',
        datastoreId: 'ldap',
        intervalSeconds: o.intervalSeconds ?? 3600,
        maxThreads: o.maxThreads ?? 16,
        provisionDisabledUsers: true,
        source: { kind: 'ldap', accountStatus: { algorithm: 'flag', attribute: 'employeeType', disabledValue: 'disabled' } },
        location: { baseDn: `ou=people,${base}`, filter: firstPeopleFilter(o.users, options.people) },
        exclusion: { dns: [`uid=concur-admin,ou=people,${base}`] },
        mapping: {
          userName: { source: 'mail', case: 'lower' },
          'name.givenName': { expression: '$substring(givenName, 0, 32)' },
          'name.familyName': { expression: '$substring(sn, 0, 32)' },
          'emails.work': { source: 'mail', case: 'lower' },
          employeeNumber: { source: 'employeeNumber' },
          title: { source: 'title' },
        },
        guard: { maxRemovals: 1000000, maxRemovalPercent: 100 },
        // Short back-off so a failed user's retry lands within the scenario.
        retry: { initialDelaySeconds: 1, maxAttempts: 10 },
      });
      const config = parseOutboundConfig(
        {
          datastores: [{ id: 'ldap', type: 'ldap', urls: [slapd.url], bindDn: slapd.env.OUTBOUND_LDAP_BIND_DN, bindPassword: 'env:OUTBOUND_SECRET_CHAOS_LDAP_PASSWORD', pageSize: 500, timeoutMs: 10_000 }],
          connections: [
            { id: 'sim', baseUrl: sim.url, allowInsecureHttp: true, auth: { type: 'OAUTH_ACCESS_TOKEN', accessToken: 'outbound-demo-token' }, maxConnections: 32, maxRequestsPerSecond: 100_000 },
            { id: 'oauth', baseUrl: oauthSim.url, allowInsecureHttp: true, auth: { type: 'oauth2', clientId: DEMO_CLIENT_ID, clientSecret: 'env:OUTBOUND_SECRET_CHAOS_CLIENT_SECRET', refreshToken: 'env:OUTBOUND_SECRET_CHAOS_REFRESH_TOKEN' }, maxConnections: 32, maxRequestsPerSecond: 100_000 },
          ],
          channels: [...channels.values()],
        },
        'chaos',
      );
      await applyConfig(store, config);
      return id;
    },
    async close() {
      await Promise.all(workers.map((w) => w.stop().catch(() => undefined)));
      await client.connection.close().catch(() => undefined);
      await store.close().catch(() => undefined);
      await sim.close();
      await oauthSim.close();
      await Promise.all([temporal.stop(), pg.stop(), ldap.stop()].map((p) => p.catch(() => undefined)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return env;
}
