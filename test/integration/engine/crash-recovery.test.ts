/**
 * The worker process is killed (SIGKILL) in the middle of a cycle and started again: the cycle
 * finishes with every user created exactly once. Source: a SQLite HR table; target: the simulator.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knex from 'knex';
import { Client } from '@temporalio/client';
import { ChannelControl } from '../../../src/api/channel-control';
import { EncryptionCodec, loadPayloadKey } from '../../../src/codec/encryption-codec';
import { applyConfig } from '../../../src/config/apply-config';
import { parseOutboundConfig } from '../../../src/domain/config/outbound-config';
import { openStateStore } from '../../../src/store/open-state-store';
import type { KnexStateStore } from '../../../src/store/knex-state-store';
import { createConcurSimulator, type ConcurSimulator } from '../../../simulators/concur';
import { projectRoot, stopProcess } from '../../../scripts/services/service';
import { ensureTemporal, type TestTemporal } from '../../support/temporal';
import { eventually } from '../../support/engine-harness';

const USERS = 300;
const dir = mkdtempSync(join(tmpdir(), 'outbound-crash-'));
const taskQueue = `crash-${Date.now().toString(36)}`;
const CH = `crash-${Date.now().toString(36)}`;
let temporal: TestTemporal;
let simulator: ConcurSimulator;
let store: KnexStateStore;
let client: Client;
const workers: ChildProcess[] = [];

function startWorker(): ChildProcess {
  // node itself (with tsx as a loader), so SIGKILL hits the worker and not a wrapper process.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker/main.ts'], {
    cwd: projectRoot,
    env: { ...process.env, OUTBOUND_TEMPORAL_ADDRESS: temporal.address, OUTBOUND_DATA_DIR: dir, OUTBOUND_TASK_QUEUE: taskQueue },
    stdio: 'ignore',
  });
  workers.push(child);
  return child;
}

beforeAll(async () => {
  temporal = await ensureTemporal();
  simulator = createConcurSimulator({ demoToken: 'crash-token', faults: { latencyMs: 15 } });
  await simulator.listen(0);
  const hr = knex({ client: 'better-sqlite3', connection: { filename: join(dir, 'hr.db') }, useNullAsDefault: true });
  await hr.schema.createTable('employees', (t) => {
    t.string('id').primary();
    ['email', 'first_name', 'last_name', 'emp_no', 'updated_at'].forEach((c) => t.string(c));
    t.integer('active');
  });
  const rows = Array.from({ length: USERS }, (_, i) => ({ id: `guid-${i}`, email: `crash${i}@example.com`, first_name: 'Ana', last_name: `Núñez ${i}`, emp_no: `C${i}`, active: 1, updated_at: '2026-01-01T00:00:00Z' }));
  await hr.batchInsert('employees', rows, 100);
  await hr.destroy();
  store = await openStateStore({ client: 'better-sqlite3', filename: join(dir, 'outbound.db') }, { keyFile: join(dir, 'secret.key') });
  const config = parseOutboundConfig(
    {
      datastores: [{ id: 'hr', type: 'sql', client: 'better-sqlite3', filename: join(dir, 'hr.db'), pageSize: 100 }],
      connections: [{ id: 'sim', baseUrl: simulator.url, allowInsecureHttp: true, auth: { type: 'OAUTH_ACCESS_TOKEN', accessToken: 'crash-token' } }],
      channels: [
        {
          id: CH,
          connectionId: 'sim',
          datastoreId: 'hr',
          intervalSeconds: 3600,
          maxThreads: 2,
          source: { kind: 'sql', table: 'employees', guidColumn: 'id', statusColumn: 'active', updatedAtColumn: 'updated_at' },
          location: { filter: '' },
          mapping: {
            userName: { source: 'email' },
            'name.givenName': { source: 'first_name' },
            'name.familyName': { source: 'last_name' },
            'emails.work': { source: 'email' },
            employeeNumber: { source: 'emp_no' },
          },
        },
      ],
    },
    'test',
  );
  await applyConfig(store, config);
  const codec = new EncryptionCodec(loadPayloadKey(join(dir, 'payload.key')));
  client = new Client({ connection: temporal.client.connection, dataConverter: { payloadCodecs: [codec] } });
}, 120_000);

afterAll(async () => {
  for (const w of workers) await stopProcess(w, 2000);
  await simulator?.close();
  await store?.close();
  await temporal?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

it('finishes the cycle after a SIGKILL with no duplicate and no missed user', async () => {
  const control = new ChannelControl(client, taskQueue);
  const first = startWorker();
  const activation = await control.activate(CH);
  expect(activation.ok).toBe(true);
  // Kill the worker once part of the users are in Concur, mid-cycle.
  await eventually('some users created', async () => simulator.users().length >= USERS / 4, 60_000);
  first.kill('SIGKILL');
  const createdAtKill = simulator.users().length;
  expect(createdAtKill).toBeLessThan(USERS);

  startWorker();
  const status = await eventually('the first cycle to finish', async () => (await control.status(CH)).lastCycle, 120_000);
  expect(status.counts).toMatchObject({ create: USERS, succeeded: USERS, failed: 0 });
  const names = simulator.users().map((u) => (u as unknown as { userName: string }).userName);
  expect(names).toHaveLength(USERS);
  expect(new Set(names).size).toBe(USERS);
  expect((await store.countUsers(CH)).active).toBe(USERS);
}, 180_000);
