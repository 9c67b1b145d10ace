/**
 * Every security rule of the admin API with a request that must be refused: keys and roles,
 * deny by default, the Host check, the codec (official Temporal CLI and a Web UI preflight),
 * and the audit of admin writes.
 */
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../../../src/api/server';
import { recordApiResponses } from '../../support/api-response-recorder';
import { ApiKeyStore } from '../../../src/api/auth/api-key-store';
import { AdminAuditLog } from '../../../src/api/auth/admin-audit-log';
import { channelWorkflowId } from '../../../src/workflows/workflow-ids';
import { bearer, createTestKey } from '../../support/api-keys';
import { EngineHarness, eventually } from '../../support/engine-harness';
import { person } from '../../support/memory-source';

const run = promisify(execFile);
const h = new EngineHarness();
const CH = `sec-${Date.now().toString(36)}`;
const UI_ORIGIN = 'http://127.0.0.1:8233';
let app: FastifyInstance;
let baseUrl: string;
let port: number;
const keys: Record<'admin' | 'operator' | 'read', string> = { admin: '', operator: '', read: '' };

beforeAll(async () => {
  await h.start();
  for (let i = 1; i <= 3; i++) h.directory.put(person(i));
  await h.configure(CH);
  app = buildApi({
    client: h.client,
    store: h.store,
    codec: h.codec,
    taskQueue: h.taskQueue,
    uiOrigin: UI_ORIGIN,
    // The harness's datastore names env:UNUSED (never resolved: the directory is in memory).
    secretPolicy: { envPrefixes: ['OUTBOUND_SECRET_'], envNames: ['UNUSED'], secretsDir: '/nonexistent/outbound-secrets' },
  });
  recordApiResponses(app);
  // A route that declares no role: it must need admin (deny by default).
  app.post('/test-unannotated', async () => ({ ok: true }));
  baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  port = Number(new URL(baseUrl).port);
  for (const role of ['admin', 'operator', 'read'] as const) keys[role] = await createTestKey(h.store, role);
}, 120_000);
afterAll(async () => {
  await app?.close();
  await h.stop();
}, 60_000);

const call = async (method: string, url: string, headers: Record<string, string> = {}, payload?: unknown) => {
  const res = await fetch(`${baseUrl}${url}`, {
    method,
    headers: payload !== undefined ? { 'content-type': 'application/json', ...headers } : headers,
    body: payload !== undefined ? JSON.stringify(payload) : undefined,
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', headers: res.headers, body: JSON.parse(text || 'null') as Record<string, unknown>, text };
};

const expectProblem = (res: { status: number; type: string; body: Record<string, unknown> }, status: number) => {
  expect(res.status).toBe(status);
  expect(res.type).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, title: expect.any(String), type: expect.any(String) });
};

describe('API keys', () => {
  it('refuses every non-public route without a key, or with a wrong, malformed or revoked key (401 problem+json)', async () => {
    for (const [method, url] of [['GET', '/api/v1/channels'], ['GET', '/api/v1/config'], ['GET', '/api/v1/openapi.json'], ['POST', `/api/v1/channels/${CH}/pause`], ['GET', '/api/v1/no-such-route']]) {
      const res = await call(method, url);
      expectProblem(res, 401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    const wrongSecret = keys.read.slice(0, -4) + (keys.read.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expectProblem(await call('GET', '/api/v1/channels', bearer(wrongSecret)), 401);
    expectProblem(await call('GET', '/api/v1/channels', bearer('not-a-key')), 401);
    expectProblem(await call('GET', '/api/v1/channels', { authorization: `Basic ${keys.admin}` }), 401);

    const store = new ApiKeyStore(h.store.db);
    const { key, token } = await store.create('admin', 'to revoke');
    expect((await call('GET', '/api/v1/channels', bearer(token))).status).toBe(200);
    expect(await store.revoke(key.id)).toBe(true);
    expectProblem(await call('GET', '/api/v1/channels', bearer(token)), 401);
  });

  it('answers the public probe without a key', async () => {
    expect((await call('GET', '/healthz')).status).toBe(200);
  });

  it('stores only a scrypt hash of each key, and lists keys without secrets', async () => {
    const rows = (await h.store.db('api_keys').select('id', 'hash')) as Array<{ id: string; hash: string }>;
    for (const role of ['admin', 'operator', 'read'] as const) {
      const secret = keys[role].split('_').slice(2).join('_');
      const row = rows.find((r) => keys[role].startsWith(`obk_${r.id}_`))!;
      expect(row.hash).toMatch(/^scrypt\$16384\$8\$1\$/);
      expect(row.hash).not.toContain(secret);
    }
    const listed = JSON.stringify(await new ApiKeyStore(h.store.db).list());
    for (const token of Object.values(keys)) expect(listed).not.toContain(token.split('_')[2]);
  });
});

describe('roles', () => {
  it('a read-only key reads but may neither operate nor configure (403 problem+json)', async () => {
    const read = bearer(keys.read);
    expect((await call('GET', '/api/v1/channels', read)).status).toBe(200);
    expect((await call('GET', `/api/v1/channels/${CH}/cycles`, read)).status).toBe(200);
    expectProblem(await call('POST', `/api/v1/channels/${CH}/pause`, read), 403);
    expectProblem(await call('POST', `/api/v1/channels/${CH}/sync`, read, {}), 403);
    expectProblem(await call('PUT', '/api/v1/config', read, {}), 403);
    expectProblem(await call('POST', '/api/v1/codec/decode', read, {}), 403);
  });

  it('an operator key operates but may not change the configuration', async () => {
    const op = bearer(keys.operator);
    expect((await call('POST', `/api/v1/channels/${CH}/activate`, op)).status).toBe(200);
    expectProblem(await call('PUT', '/api/v1/config', op, { datastores: [], connections: [], channels: [] }), 403);
  });

  it('a route that declares no role needs admin', async () => {
    expectProblem(await call('POST', '/test-unannotated', bearer(keys.read)), 403);
    expectProblem(await call('POST', '/test-unannotated', bearer(keys.operator)), 403);
    expect((await call('POST', '/test-unannotated', bearer(keys.admin))).status).toBe(200);
  });
});

describe('Host check (DNS rebinding)', () => {
  const withHost = (host: string) =>
    new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/healthz', method: 'GET', headers: { host } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }));
      });
      req.on('error', reject);
      req.end();
    });

  it('refuses a request whose Host is not the API, even on a public route', async () => {
    const refused = await withHost('evil.example:8080');
    expect(refused.status).toBe(421);
    expect(refused.type).toMatch(/^application\/problem\+json/);
    expect((await withHost(`127.0.0.1:${port}`)).status).toBe(200);
    expect((await withHost(`localhost:${port}`)).status).toBe(200);
  });
});

describe('configuration that would leak a secret', () => {
  it('keeps stored secrets when a configuration read back is applied, and refuses "set" where nothing is stored', async () => {
    const admin = bearer(keys.admin);
    const stored = async () => ((await h.store.getConnection(`${CH}-concur`))!.auth as { accessToken: string }).accessToken;
    const vaultRef = await stored();
    const config = (await call('GET', '/api/v1/config', admin)).body as { connections: Array<Record<string, unknown>>; datastores: unknown[]; channels: unknown[] };
    expect(JSON.stringify(config)).not.toContain(vaultRef);
    expect((await call('PUT', '/api/v1/config', admin, config)).status).toBe(200);
    expect(await stored()).toBe(vaultRef);
    const own = config.connections.find((c) => c.id === `${CH}-concur`)!;
    const res = await call('PUT', '/api/v1/config', admin, { ...config, connections: [...config.connections, { ...own, id: 'newcomer' }] });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([{ pointer: `/body/connections/${config.connections.length}/auth/accessToken`, message: expect.stringMatching(/none is stored/) }]);
    expect(await h.store.getConnection('newcomer')).toBeUndefined();
  });

  it.each([
    ['an env: variable without the secret prefix', { auth: { type: 'OAUTH_ACCESS_TOKEN', accessToken: 'env:HOME' } }, 'connections[1].auth.accessToken'],
    ['a file: outside the secrets directory', { auth: { type: 'OAUTH_ACCESS_TOKEN', accessToken: 'file:/etc/passwd' } }, 'connections[1].auth.accessToken'],
    ['another object\'s vault: id', 'borrow-vault', 'connections[1].auth.accessToken'],
    ['an http baseUrl on a remote host', { baseUrl: 'http://attacker.example', allowInsecureHttp: true }, 'connections[1].baseUrl'],
    ['an https-less baseUrl without allowInsecureHttp', { baseUrl: 'http://127.0.0.1:9', allowInsecureHttp: false }, 'connections[1].baseUrl'],
  ])('refuses %s, naming the field, and writes nothing', async (_what, change, path) => {
    const admin = bearer(keys.admin);
    const before = (await call('GET', '/api/v1/config', admin)).text;
    const config = JSON.parse(before) as { connections: Array<Record<string, unknown>>; datastores: unknown[]; channels: unknown[] };
    const own = config.connections.find((c) => c.id === `${CH}-concur`)!;
    // The API shows vaulted secrets as "set"; an attacker who learnt a vault id names it.
    const ownVaultRef = ((await h.store.getConnection(`${CH}-concur`))!.auth as { accessToken: string }).accessToken;
    const stolen = { ...own, id: 'attacker', baseUrl: 'https://attacker.example', auth: { ...(own.auth as object), accessToken: ownVaultRef } };
    const edited = typeof change === 'string' ? stolen : { ...own, id: 'attacker', ...change };
    const res = await call('PUT', '/api/v1/config', admin, { ...config, connections: [...config.connections, edited] });
    expect(res.status).toBe(400);
    // The API names the field as a JSON pointer into the request body.
    const pointer = `/body/${path.replace(/\[(\d+)\]/g, '.$1').replace(/\./g, '/')}`;
    expect(res.body.issues).toEqual([{ pointer, message: expect.any(String) }]);
    expect((await call('GET', '/api/v1/config', admin)).text).toBe(before);
  });
});

describe('admin writes are audited', () => {
  it('records the key id, the object and the time of each write', async () => {
    const before = Date.now();
    const adminId = keys.admin.split('_')[1];
    const config = (await call('GET', '/api/v1/config', bearer(keys.admin))).body;
    expect((await call('PUT', '/api/v1/config', bearer(keys.admin), config)).status).toBe(200);
    expect((await call('POST', `/api/v1/channels/${CH}/pause`, bearer(keys.operator))).status).toBe(202);
    const log = await new AdminAuditLog(h.store.db).list({ limit: 10 });
    expect(log.find((e) => e.object === 'config')).toMatchObject({ keyId: adminId, role: 'admin', method: 'PUT', route: '/api/v1/config', status: 200 });
    const pause = log.find((e) => e.object === `channel:${CH}`)!;
    expect(pause).toMatchObject({ keyId: keys.operator.split('_')[1], method: 'POST', route: '/api/v1/channels/:id/pause', status: 202 });
    expect(pause.at.getTime()).toBeGreaterThanOrEqual(before - 1000);
    // A refused write is not executed and not recorded as done by anyone.
    expect(log.some((e) => e.keyId === keys.read.split('_')[1])).toBe(false);
  });
});

describe('codec endpoint', () => {
  const temporal = (...args: string[]) => run('temporal', [...args, '--address', h.temporal.address, '--namespace', 'default'], { timeout: 60_000 });

  beforeAll(async () => {
    await eventually('the channel workflow running', async () => (await call('GET', `/api/v1/channels/${CH}/status`, bearer(keys.read))).status === 200, 60_000);
  }, 90_000);

  it('the official CLI shows and queries with --codec-endpoint and --codec-auth', async () => {
    const codec = ['--codec-endpoint', `${baseUrl}/api/v1/codec`, '--codec-auth', `Bearer ${keys.operator}`];
    const raw = await temporal('workflow', 'show', '-w', channelWorkflowId(CH), '-o', 'json');
    expect(raw.stdout).toContain(Buffer.from('binary/encrypted').toString('base64'));
    const shown = await temporal('workflow', 'show', '-w', channelWorkflowId(CH), '-o', 'json', ...codec);
    expect(shown.stdout).toContain(CH);
    expect(shown.stdout).not.toContain(Buffer.from('binary/encrypted').toString('base64'));
    const queried = await temporal('workflow', 'query', '-w', channelWorkflowId(CH), '--type', 'status', '-o', 'json', ...codec);
    expect(queried.stdout).toContain(`"channelId": "${CH}"`);
  }, 120_000);

  it('the official CLI is refused without a key or with a read-only one', async () => {
    await expect(temporal('workflow', 'query', '-w', channelWorkflowId(CH), '--type', 'status', '--codec-endpoint', `${baseUrl}/api/v1/codec`)).rejects.toThrow(/401/);
    await expect(
      temporal('workflow', 'query', '-w', channelWorkflowId(CH), '--type', 'status', '--codec-endpoint', `${baseUrl}/api/v1/codec`, '--codec-auth', `Bearer ${keys.read}`),
    ).rejects.toThrow(/403/);
  }, 120_000);

  it('answers `{}` (an empty payload list) and refuses what is not protobuf JSON of Payloads', async () => {
    const op = bearer(keys.operator);
    const empty = await call('POST', '/api/v1/codec/encode', op, {});
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ payloads: [] });
    expectProblem(await call('POST', '/api/v1/codec/decode', op, { payloads: 'x' }), 400);
    expectProblem(await call('POST', '/api/v1/codec/decode', op, { payloads: [{ data: 'not base64!' }] }), 400);
  });

  it('lets the Web UI origin through CORS (preflight and call) and no other origin', async () => {
    const preflight = {
      origin: UI_ORIGIN,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type,x-namespace',
    };
    const ok = await call('OPTIONS', '/api/v1/codec/decode', preflight);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/x-namespace/);

    const [encoded] = await h.codec.encode([{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"hello"') }]);
    const body = { payloads: [{ metadata: { encoding: Buffer.from(encoded.metadata!.encoding as Uint8Array).toString('base64') }, data: Buffer.from(encoded.data!).toString('base64') }] };
    const decoded = await call('POST', '/api/v1/codec/decode', { origin: UI_ORIGIN, 'x-namespace': 'default', ...bearer(keys.operator) }, body);
    expect(decoded.status).toBe(200);
    expect(decoded.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(Buffer.from((decoded.body.payloads as Array<{ data: string }>)[0].data, 'base64').toString()).toBe('"hello"');

    const evil = await call('OPTIONS', '/api/v1/codec/decode', { ...preflight, origin: 'https://evil.example' });
    expectProblem(evil, 403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const evilCall = await call('POST', '/api/v1/codec/decode', { origin: 'https://evil.example', ...bearer(keys.operator) }, body);
    expectProblem(evilCall, 403);
    expect(evilCall.text).not.toContain('hello');
  });
});
