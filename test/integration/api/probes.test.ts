/** Liveness never consults a dependency; readiness names each one up or down, never the error. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { KnexStateStore } from '../../../src/store/knex-state-store';
import { openStateStore } from '../../../src/store/open-state-store';
import { startApi, type ApiClient } from '../../support/api-client';
import { ensureTemporal, type TestTemporal } from '../../support/temporal';

const dir = mkdtempSync(join(tmpdir(), 'outbound-probes-'));
let temporal: TestTemporal;
let store: KnexStateStore;
const apps: FastifyInstance[] = [];
let blackHole: Server;
let blackHoleAddress: string;
const sockets: Socket[] = [];
const lazyConnections: Connection[] = [];

beforeAll(async () => {
  temporal = await ensureTemporal();
  store = await openStateStore({ client: 'better-sqlite3', filename: join(dir, 'state.db') }, { key: randomBytes(32) });
  // Accepts connections and never answers: a hung dependency.
  blackHole = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
  blackHoleAddress = `127.0.0.1:${(blackHole.address() as { port: number }).port}`;
}, 60_000);
afterAll(async () => {
  for (const app of apps) await app.close();
  for (const c of lazyConnections) await c.close().catch(() => undefined);
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => blackHole?.close(resolve));
  await store?.close();
  await temporal?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

async function api(client: Client, s: KnexStateStore = store): Promise<ApiClient> {
  const started = await startApi({ client, store: s, readinessTimeoutMs: 1000 });
  apps.push(started.app);
  return started.client;
}

it('is ready while Temporal and the store answer', async () => {
  const a = await api(temporal.client);
  const ready = await a.get('//readyz');
  expect(ready.status).toBe(200);
  expect(ready.body).toEqual({ status: 'ready', checks: { temporal: 'up', store: 'up' } });
  expect(await a.get('//healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
});

it('a hung Temporal is down within the probe timeout; liveness stays up with no details', async () => {
  // Lazy: the connection is attempted by the first call, which the black hole never answers.
  const connection = Connection.lazy({ address: blackHoleAddress, connectTimeout: 60_000 });
  lazyConnections.push(connection);
  const hung = new Client({ connection });
  const a = await api(hung);
  const started = Date.now();
  const ready = await a.get('//readyz');
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(ready.status).toBe(503);
  expect(ready.body).toEqual({ status: 'not-ready', checks: { temporal: 'down', store: 'up' } });
  const live = await a.get('//healthz');
  expect(live.status).toBe(200);
  expect(live.text).toBe('{"status":"ok"}');
}, 30_000);

it('a failing store is down by name, never with the driver error', async () => {
  const broken = await openStateStore({ client: 'better-sqlite3', filename: join(dir, 'broken.db') }, { key: randomBytes(32) });
  const a = await api(temporal.client, broken);
  await broken.db.schema.renameTable('channel_state', 'channel_state_gone');
  const ready = await a.get('//readyz');
  expect(ready.status).toBe(503);
  expect(ready.body).toEqual({ status: 'not-ready', checks: { temporal: 'up', store: 'down' } });
  expect(ready.text).not.toMatch(/channel_state|SQLITE|no such table/i);
  expect((await a.get('//healthz')).status).toBe(200);
  await broken.close();
});
