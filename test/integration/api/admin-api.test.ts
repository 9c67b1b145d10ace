/** The admin HTTP API and the CLI over it, against the real engine (Temporal, store, simulator). */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import YAML from 'yaml';
import { runCli } from '../../../src/cli/main';
import { EngineHarness, eventually, DEMO_TOKEN } from '../../support/engine-harness';
import { person } from '../../support/memory-source';
import { startApi, type ApiClient } from '../../support/api-client';
import { bearer, createTestKey } from '../../support/api-keys';

const h = new EngineHarness();
const CH = `api-${Date.now().toString(36)}`;
let app: FastifyInstance;
let baseUrl: string;
let api: ApiClient;
let operatorKey: string;

beforeAll(async () => {
  await h.start();
  for (let i = 1; i <= 12; i++) h.directory.put(person(i));
  await h.configure(CH);
  ({ app, baseUrl, client: api } = await startApi({ client: h.client, store: h.store, codec: h.codec, taskQueue: h.taskQueue, temporalUiUrl: 'http://127.0.0.1:8233/' }));
  operatorKey = await createTestKey(h.store, 'operator');
}, 120_000);
afterAll(async () => {
  await app?.close();
  await h.stop();
}, 60_000);

// Real HTTP (fastify's inject needs an ESM-only module on Node 20 under Jest); paths under /api/v1.
const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) => api.request(method, url, { body: payload, headers });

it('reports health and describes itself with OpenAPI', async () => {
  expect((await call('GET', '//healthz')).body).toEqual({ status: 'ok' });
  expect((await call('GET', '//readyz')).body).toEqual({ status: 'ready', checks: { temporal: 'up', store: 'up' } });
  const doc = (await call('GET', '/openapi.json')).body as unknown as { openapi: string; paths: Record<string, unknown> };
  expect(doc.openapi).toBe('3.1.0');
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/config', '/api/v1/channels/{id}/sync', '/api/v1/channels/{id}/cycles/{cycleNo}/approve']));
});

it('refuses an invalid configuration with every issue and where it is, and changes nothing', async () => {
  const before = (await call('GET', '/config')).body;
  const res = await call('PUT', '/config', { datastores: [{ id: 'Bad Id', type: 'ldap', urls: ['http://x'], bindDn: '', bindPassword: 'p' }], channels: [] });
  expect(res.status).toBe(400);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const paths = (res.body.issues as Array<{ pointer: string }>).map((i) => i.pointer);
  expect(paths).toEqual(expect.arrayContaining(['/body/datastores/0/id', '/body/datastores/0/urls/0', '/body/datastores/0/bindDn']));
  expect((await call('GET', '/config')).body).toEqual(before);
});

it('never returns secrets from the configuration', async () => {
  const res = await call('GET', '/config');
  expect(res.text).not.toContain(DEMO_TOKEN);
  expect(res.text).toMatch(/"accessToken":"set"/);
  expect(res.text).not.toMatch(/vault:/);
});

it('activates, syncs, and reports cycles, plans and users by id only', async () => {
  const activation = await call('POST', `/channels/${CH}/activate`);
  expect(activation.status).toBe(200);
  await eventually('first cycle', async () => ((await call('GET', `/channels/${CH}/status`)).body.lastCycle ? true : undefined));

  h.directory.update(person(1).guid, { attributes: { title: ['Director'] } });
  const sync = await call('POST', `/channels/${CH}/sync`, { wait: true });
  expect(sync.status).toBe(200);
  expect(sync.body.summary).toMatchObject({ outcome: 'succeeded', counts: { update: 1 } });

  const cycles = await call('GET', `/channels/${CH}/cycles`);
  expect(cycles.body.length).toBeGreaterThanOrEqual(2);
  const ui = 'http://127.0.0.1:8233/namespaces/default/workflows';
  expect(cycles.body[0].links).toEqual({ temporalUi: `${ui}/channel-${CH}-cycle-${cycles.body[0].cycleNo}` });
  const first = await call('GET', `/channels/${CH}/cycles/1`);
  expect((first.body.plan as unknown[]).length).toBe(12);
  expect(first.body).toMatchObject({ cycleNo: 1, links: { temporalUi: `${ui}/channel-${CH}-cycle-1` } });
  // A page of the plan, found by cycle number (no scan of the channel's cycles).
  const page = await call('GET', `/channels/${CH}/cycles/1?offset=10&limit=5`);
  expect((page.body.plan as Array<{ seq: number }>).map((i) => i.seq)).toEqual((first.body.plan as Array<{ seq: number }>).slice(10).map((i) => i.seq));
  expect((await call('GET', `/channels/${CH}/cycles/999`)).status).toBe(404);
  expect((await call('GET', `/channels/${CH}/status`)).body.links).toMatchObject({ channelTemporalUi: `${ui}/channel-${CH}` });
  expect(first.text).not.toContain('user00001@example.com');
  expect(first.text).not.toContain("O'Brien");

  const users = await call('GET', `/channels/${CH}/users`);
  expect(users.body.counts).toMatchObject({ active: 12 });
  const one = await call('GET', `/channels/${CH}/users/${person(1).guid}`);
  expect(one.body).toMatchObject({ status: 'active' });
  expect((one.body.audit as unknown[]).length).toBeGreaterThanOrEqual(2);
  expect(one.text).not.toContain('Director');
});

it('pauses and resumes, provisions on demand, and answers 404/409 precisely', async () => {
  expect((await call('POST', `/channels/${CH}/pause`)).status).toBe(202);
  await eventually('paused', async () => (await call('GET', `/channels/${CH}/status`)).body.paused === true);
  expect((await call('POST', `/channels/${CH}/resume`)).status).toBe(202);
  h.directory.put(person(20));
  const provisioned = await call('POST', `/channels/${CH}/users/${person(20).guid}/provision`, {});
  expect(provisioned.body).toMatchObject({ action: 'create', outcome: 'succeeded' });
  expect((await call('GET', '/channels/nope/status')).status).toBe(404);
  await h.configure(`${CH}-idle`);
  expect((await call('POST', `/channels/${CH}-idle/pause`)).status).toBe(409);
});

it('sync answers 409 at once while paused; deactivating the connection pauses its channels', async () => {
  expect((await call('POST', `/channels/${CH}/pause`)).status).toBe(202);
  await eventually('paused', async () => (await call('GET', `/channels/${CH}/status`)).body.paused === true);
  const refused = await call('POST', `/channels/${CH}/sync`, { wait: true, timeoutSeconds: 30 });
  expect(refused.status).toBe(409);
  expect(refused.body.detail).toMatch(/paused/);
  expect((await call('POST', `/channels/${CH}/resume`)).status).toBe(202);
  await eventually('resumed', async () => (await call('GET', `/channels/${CH}/status`)).body.paused === false);

  const conn = await call('GET', `/connections/${CH}-concur`);
  const off = await call('PUT', `/connections/${CH}-concur`, { ...conn.body, active: false }, { 'if-match': conn.headers.get('etag')! });
  expect(off.status).toBe(200);
  await eventually('paused by its connection', async () => (await call('GET', `/channels/${CH}/status`)).body.paused === true);
  const back = await call('GET', `/connections/${CH}-concur`);
  expect((await call('PUT', `/connections/${CH}-concur`, { ...back.body, active: true })).status).toBe(200);
  expect((await call('POST', `/channels/${CH}/resume`)).status).toBe(202);
  await eventually('resumed', async () => (await call('GET', `/channels/${CH}/status`)).body.paused === false);
});

it('serves the payload codec only to an operator key', async () => {
  const [encoded] = await h.codec.encode([{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('{"cycleNo":1}') }]);
  const payload = { payloads: [{ metadata: Object.fromEntries(Object.entries(encoded.metadata!).map(([k, v]) => [k, Buffer.from(v as Uint8Array).toString('base64')])), data: Buffer.from(encoded.data!).toString('base64') }] };
  expect((await call('POST', '/codec/decode', payload, { authorization: '' })).status).toBe(401);
  const res = await call('POST', '/codec/decode', payload, bearer(operatorKey));
  expect(res.status).toBe(200);
  const decoded = (res.body as unknown as { payloads: Array<{ data: string }> }).payloads[0].data;
  expect(Buffer.from(decoded, 'base64').toString()).toBe('{"cycleNo":1}');
});

it('the CLI drives the same API', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const env = { ...process.env, OUTBOUND_API_URL: baseUrl, OUTBOUND_API_KEY: operatorKey };
  const cli = (...argv: string[]) => runCli(argv, { out: (s) => out.push(s), err: (s) => err.push(s), env, pollMs: 100 });
  expect(await cli('--json', 'status', CH)).toBe(0);
  expect(JSON.parse(out.join('\n'))).toMatchObject({ channelId: CH, paused: false });
  out.length = 0;
  expect(await cli('validate', '-f', 'config/demo.json')).toBe(0);
  expect(out.join('')).toMatch(/valid \(1 datastores, 1 connections, 1 channels\)/);
  out.length = 0;
  expect(await cli('sync', CH, '--wait')).toBe(0);
  expect(out.join('\n')).toMatch(/^cycle \d+ \(incremental\): succeeded; read \d+/);

  expect(await cli('frobnicate')).toBe(2);
  expect(await cli('sync')).toBe(2);
  expect(await cli('--json', 'status', 'no-such-channel')).toBe(1);
  expect(await runCli(['channels'], { out: () => undefined, err: () => undefined, env: { ...env, OUTBOUND_API_KEY: 'obk_0000000000000000_' + 'A'.repeat(43) } })).toBe(3);
  expect(await runCli(['channels'], { out: () => undefined, err: () => undefined, env: { ...env, OUTBOUND_API_URL: 'http://127.0.0.1:9' } })).toBe(3);
  // YAML is read like JSON; a file that does not validate is refused before any request.
  const dir = mkdtempSync(join(tmpdir(), 'cli-'));
  writeFileSync(join(dir, 'demo.yaml'), YAML.stringify(JSON.parse(readFileSync('config/demo.json', 'utf8'))));
  writeFileSync(join(dir, 'bad.yaml'), 'connections:\n  - id: Bad Id\n');
  expect(await cli('validate', '-f', join(dir, 'demo.yaml'))).toBe(0);
  expect(await runCli(['apply', '-f', join(dir, 'bad.yaml')], { out: () => undefined, err: () => undefined, env: { ...env, OUTBOUND_API_URL: 'http://127.0.0.1:9' } })).toBe(1);
  rmSync(dir, { recursive: true });
});
