import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { ChannelControl } from '../../src/api/channel-control';
import { EncryptionCodec } from '../../src/codec/encryption-codec';
import { applyConfig } from '../../src/config/apply-config';
import type { ActivityDeps } from '../../src/activities/activity-deps';
import { parseOutboundConfig } from '../../src/domain/config/outbound-config';
import type { KnexStateStore } from '../../src/store/knex-state-store';
import { openStateStore } from '../../src/store/open-state-store';
import { createOutboundWorker } from '../../src/worker/worker';
import { createRuntimeDeps, type RuntimeOptions } from '../../src/app/runtime';
import { createConcurSimulator, type ConcurSimulator, type SimulatorOptions } from '../../simulators/concur';
import { MemoryDirectory } from './memory-source';
import { distinctiveValues, recordForLeakScan } from './leak-manifest';
import { demoEntries } from '../../scripts/demo-directory';
import { ensureTemporal, type TestTemporal } from './temporal';

export const DEMO_TOKEN = 'outbound-demo-token';

/** The identity mapping every engine test channel gets unless it passes its own. */
export const IDENTITY_MAPPING = {
  userName: { source: 'mail', case: 'lower' },
  'name.givenName': { source: 'givenName' },
  'name.familyName': { source: 'sn' },
  'emails.work': { source: 'mail' },
  employeeNumber: { source: 'employeeNumber' },
};
export const DEFAULT_MAPPING = { ...IDENTITY_MAPPING, title: { source: 'title', clearWhenEmpty: true } };
/** Spend fields (through UPS) with literal values the simulator accepts. */
export const SPEND_MAPPING = {
  ...IDENTITY_MAPPING,
  'spend.reimbursementCurrency': { literal: 'EUR' },
  'spend.country': { literal: 'DE' },
  'spend.locale': { literal: 'de-DE' },
  'spend.cashAdvanceAccountCode': { literal: 'CA-100' },
  'spend.ledgerCode': { literal: 'SAP-DE' },
};

/** The engine on real Temporal, a real SQLite state store and a real Concur simulator. */
export class EngineHarness {
  readonly taskQueue = `engine-test-${randomUUID()}`;
  readonly directory = new MemoryDirectory();
  temporal!: TestTemporal;
  simulator!: ConcurSimulator;
  store!: KnexStateStore;
  client!: Client;
  control!: ChannelControl;
  private readonly codecKey = randomBytes(32);
  codec = new EncryptionCodec(this.codecKey);
  private worker?: Worker;
  private realSources = false;
  private running?: Promise<void>;
  private closeResources?: () => Promise<void>;
  private dir = mkdtempSync(join(tmpdir(), 'outbound-engine-'));

  async start(options: { depsOverrides?: Partial<ActivityDeps>; realSources?: boolean; simulator?: SimulatorOptions; runtime?: RuntimeOptions } = {}): Promise<void> {
    this.realSources = Boolean(options.realSources);
    this.temporal = await ensureTemporal();
    this.simulator = createConcurSimulator({ demoToken: DEMO_TOKEN, ...options.simulator });
    await this.simulator.listen(0);
    this.store = await openStateStore({ client: 'better-sqlite3', filename: join(this.dir, 'state.db') }, { key: randomBytes(32) });
    this.client = new Client({ connection: this.temporal.client.connection, dataConverter: { payloadCodecs: [this.codec] } });
    this.control = new ChannelControl(this.client, this.taskQueue);
    await this.startWorker(options.depsOverrides, options.runtime);
  }

  async startWorker(depsOverrides: Partial<ActivityDeps> = {}, runtime: RuntimeOptions = {}): Promise<void> {
    const sources: Partial<ActivityDeps> = this.realSources ? {} : { openSource: () => this.directory.source() };
    const deps = createRuntimeDeps(this.store, { ...sources, ...depsOverrides }, runtime);
    const { worker, closeResources } = await createOutboundWorker({
      connection: this.temporal.nativeConnection,
      taskQueue: this.taskQueue,
      deps,
      dataConverter: { payloadCodecs: [this.codec] },
    });
    this.worker = worker;
    this.closeResources = closeResources;
    this.running = worker.run();
  }

  async stopWorker(): Promise<void> {
    if (!this.worker) return;
    this.worker.shutdown();
    await this.running;
    await this.closeResources?.();
    this.worker = undefined;
  }

  /** Applies one channel reading the memory directory, writing to the simulator. */
  async configure(channelId: string, channel: Record<string, unknown> = {}, connection: Record<string, unknown> = {}): Promise<void> {
    const config = parseOutboundConfig(
      {
        datastores: [{ id: 'memory', type: 'ldap', urls: ['ldap://127.0.0.1:1'], bindDn: 'cn=unused', bindPassword: 'env:UNUSED' }],
        connections: [{ id: `${channelId}-concur`, baseUrl: this.simulator.url, allowInsecureHttp: true, auth: { type: 'OAUTH_ACCESS_TOKEN', accessToken: DEMO_TOKEN }, ...connection }],
        channels: [
          {
            id: channelId,
            connectionId: `${channelId}-concur`,
            datastoreId: 'memory',
            intervalSeconds: 3600,
            maxThreads: 4,
            source: { kind: 'ldap', accountStatus: { algorithm: 'none' } },
            exclusion: { dns: ['uid=concur-admin,ou=people,dc=example,dc=com'] },
            mapping: DEFAULT_MAPPING,
            ...channel,
          },
        ],
      },
      'test',
    );
    await applyConfig(this.store, config);
  }

  /** Runs a cycle now and waits for its summary. */
  async sync(channelId: string, request: { mode?: 'full' | 'incremental' | 'target'; dryRun?: boolean } = {}) {
    const started = await this.control.syncNow(channelId, request);
    return this.client.workflow.getHandle(started.workflowId).result() as Promise<import('../../src/workflows/messages').CycleSummary>;
  }

  async stop(): Promise<void> {
    await this.stopWorker();
    await this.simulator?.close();
    if (this.store) await this.recordLeakScan();
    await this.store?.close();
    await this.temporal?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Scans this suite's state store and leaves its keys, secrets and values for the scan after the suites. */
  private async recordLeakScan(): Promise<void> {
    if (!process.env.OUTBOUND_TEST_LOG_DIR) return;
    const secrets = [DEMO_TOKEN];
    const values = [...this.directory.everPut];
    // Real-source suites read the demo directory: search for its values too.
    const allValues = this.realSources ? [...values, ...demoValues()] : values;
    const tables = await storeTables(this.store);
    let bytes = 0;
    const hits: Array<{ table: string; kind: 'secret' | 'value' }> = [];
    for (const [table, text] of tables) {
      bytes += Buffer.byteLength(text);
      if (secrets.some((s) => text.includes(s))) hits.push({ table, kind: 'secret' });
      if (allValues.some((v) => text.includes(v))) hits.push({ table, kind: 'value' });
    }
    recordForLeakScan({
      suite: relative(process.cwd(), expect.getState().testPath ?? 'unknown'),
      codecKeys: [this.codecKey.toString('base64')],
      secrets,
      values,
      scanned: { where: `state store (${tables.size} tables outside the vault)`, bytes, hits },
    });
  }
}

function demoValues(): string[] {
  return [...demoEntries()].flatMap((e) => distinctiveValues(e.attributes));
}

const NOT_SCANNED_TABLES = new Set(['secrets', 'knex_migrations', 'knex_migrations_lock']);

/** The state store's tables outside the vault, as text, for the leak scan. */
async function storeTables(store: KnexStateStore): Promise<Map<string, string>> {
  const names = (await store.db.raw("select name from sqlite_master where type = 'table'")) as Array<{ name: string }>;
  const tables = new Map<string, string>();
  for (const { name } of names) {
    if (NOT_SCANNED_TABLES.has(name) || name.startsWith('sqlite_')) continue;
    tables.set(name, JSON.stringify(await store.db(name).select()));
  }
  return tables;
}

/** Polls until the predicate holds (no blind sleeps). */
export async function eventually<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
