/** /api/v1 resources, configuration as code, drafts, problem+json errors, probes and the description. */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { EngineHarness, DEMO_TOKEN } from '../../support/engine-harness';
import { startApi, type ApiClient } from '../../support/api-client';
import { createRuntimeDeps } from '../../../src/app/runtime';

const h = new EngineHarness();
let app: FastifyInstance;
let api: ApiClient;

const datastore = (id: string, extra: Record<string, unknown> = {}) => ({ id, type: 'ldap', urls: ['ldap://127.0.0.1:1'], bindDn: 'cn=admin', bindPassword: 'ds-secret-value', ...extra });
const connection = (id: string, extra: Record<string, unknown> = {}) => ({ id, baseUrl: h.simulator.url, allowInsecureHttp: true, auth: { type: 'OAUTH_ACCESS_TOKEN', accessToken: DEMO_TOKEN }, ...extra });
const channel = (id: string, datastoreId: string, connectionId: string, extra: Record<string, unknown> = {}) => ({
  id,
  datastoreId,
  connectionId,
  source: { kind: 'ldap', accountStatus: { algorithm: 'none' } },
  mapping: { userName: { source: 'mail' }, 'name.givenName': { source: 'givenName' }, 'name.familyName': { source: 'sn' }, 'emails.work': { source: 'mail' } },
  ...extra,
});
const isProblem = (res: { headers: Headers; body: { status?: number } }, status: number) => {
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body.status).toBe(status);
};

beforeAll(async () => {
  await h.start();
  ({ app, client: api } = await startApi({ client: h.client, store: h.store, taskQueue: h.taskQueue, temporalUiUrl: 'http://ui.example', openTarget: createRuntimeDeps(h.store).openTarget }));
}, 120_000);
afterAll(async () => {
  await app?.close();
  await h.stop();
}, 60_000);

describe('resources', () => {
  it('creates, reads with an ETag, replaces with If-Match (412 on a stale one) and never shows a secret', async () => {
    const created = await api.post('/datastores', datastore('ds-a'));
    expect(created.status).toBe(201);
    expect(created.body.bindPassword).toBe('set');
    expect(created.text).not.toContain('ds-secret-value');
    const etag = created.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    expect((await api.post('/datastores', datastore('ds-a'))).status).toBe(409);

    const got = await api.get('/datastores/ds-a');
    expect(got.headers.get('etag')).toBe(etag);
    // Sending "set" back keeps the stored secret; the edit lands with the current ETag.
    const edited = await api.put('/datastores/ds-a', { ...got.body, bindDn: 'cn=other' }, { 'if-match': etag });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ bindDn: 'cn=other', bindPassword: 'set' });
    const stored = await h.store.getDatastore('ds-a');
    expect(await h.store.readSecret(stored!.type === 'ldap' ? stored!.bindPassword.slice('vault:'.length) : '')).toBe('ds-secret-value');

    const stale = await api.put('/datastores/ds-a', { ...got.body, bindDn: 'cn=lost' }, { 'if-match': etag });
    expect(stale.status).toBe(412);
    isProblem(stale, 412);
    expect((await api.get('/datastores/ds-a')).body.bindDn).toBe('cn=other');
  });

  it('refuses to delete a referenced datastore or connection, or an active channel (409), and deletes otherwise', async () => {
    expect((await api.post('/connections', connection('cn-b'))).status).toBe(201);
    expect((await api.post('/datastores', datastore('ds-b'))).status).toBe(201);
    const ch = await api.post('/channels', channel('ch-b', 'ds-b', 'cn-b', { active: true }));
    expect(ch.status).toBe(201);
    expect(ch.body.active).toBe(false); // only activation (with its checks) makes a channel active

    for (const path of ['/datastores/ds-b', '/connections/cn-b']) {
      const refused = await api.delete(path);
      expect(refused.status).toBe(409);
      isProblem(refused, 409);
      expect(refused.body.detail).toMatch(/ch-b/);
    }
    const stored = await h.store.getChannel('ch-b');
    await h.store.putChannel({ ...stored!.config, active: true });
    expect((await api.delete('/channels/ch-b')).status).toBe(409);
    await h.store.putChannel({ ...stored!.config, active: false });
    expect((await api.delete('/channels/ch-b')).status).toBe(204);
    expect((await api.delete('/connections/cn-b')).status).toBe(204);
    expect((await api.delete('/datastores/ds-b')).status).toBe(204);
    expect((await api.get('/datastores/ds-b')).status).toBe(404);
  });

  it('refuses a channel naming unknown objects, with the field as a JSON pointer', async () => {
    const res = await api.post('/channels', channel('ch-c', 'nope', 'nope-too'));
    expect(res.status).toBe(400);
    expect(res.body.issues.map((i: { pointer: string }) => i.pointer)).toEqual(['/body/datastoreId', '/body/connectionId']);
    expect((await api.get('/channels/ch-c')).status).toBe(404);
  });
});

describe('connections from the Concur template', () => {
  it('fills the template defaults, imports the SAML metadata and refuses DTDs', async () => {
    const created = await api.post('/connections', { id: 'cn-tpl', template: 'concur', auth: { type: 'OAUTH_ACCESS_TOKEN', accessToken: 'tpl-secret' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'SAP Concur', baseUrl: 'https://us2.api.concursolutions.com', connectionType: { outboundProvisioning: true, browserSso: false }, auth: { accessToken: 'set' } });

    const xml = readFileSync('config/concur-saml-metadata.xml', 'utf8');
    const imported = await api.request('POST', '/connections/cn-tpl/metadata', { raw: xml, headers: { 'content-type': 'application/xml' } });
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ entityId: 'https://www.concursolutions.com', name: 'SAP Concur', partnerBaseUrl: 'https://www.concursolutions.com', connectionType: { outboundProvisioning: true, browserSso: false } });

    const xxe = '<?xml version="1.0"?><!DOCTYPE md [<!ENTITY x SYSTEM "file:///etc/passwd">]><EntityDescriptor entityID="&x;"/>';
    const refused = await api.request('POST', '/connections/cn-tpl/metadata', { raw: xxe, headers: { 'content-type': 'application/xml' } });
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toMatch(/DTD/);
    expect(refused.text).not.toContain('root:');
    const broken = await api.request('POST', '/connections/cn-tpl/metadata', { raw: '<EntityDescriptor entityID="x">', headers: { 'content-type': 'application/xml' } });
    expect(broken.status).toBe(400);
    expect((await api.get('/connections/cn-tpl')).body.entityId).toBe('https://www.concursolutions.com');
  });
});

describe('checks without side effects', () => {
  it('tests a connection with the named check activation uses, and names the failure', async () => {
    expect((await api.post('/connections', connection('cn-ok'))).status).toBe(201);
    const before = h.simulator.users().length;
    const ok = await api.post('/connections/cn-ok/test');
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ ok: true, checks: [{ name: 'target-credentials', ok: true, message: 'Concur accepted the credentials' }] });
    expect((await api.post('/connections', connection('cn-bad', { auth: { type: 'OAUTH_ACCESS_TOKEN', accessToken: 'wrong-token' } }))).status).toBe(201);
    const bad = await api.post('/connections/cn-bad/test');
    expect(bad.body.ok).toBe(false);
    expect(bad.body.checks[0]).toMatchObject({ name: 'target-credentials', ok: false, setting: 'connection.cn-bad.auth' });
    expect(bad.text).not.toContain('wrong-token');
    expect(h.simulator.users().length).toBe(before);
    expect((await api.post('/connections/nope/test')).status).toBe(404);
  });
});

describe('drafts', () => {
  it('saves an incomplete channel with what is missing per wizard step, and a draft cannot be activated', async () => {
    const saved = await api.post('/channels?draft=true', { id: 'ch-draft', name: 'Half done', datastoreId: 'ds-a' });
    expect(saved.status).toBe(200);
    expect(saved.body.missing.info).toEqual([]);
    expect(saved.body.missing.target.map((i: { pointer: string }) => i.pointer)).toEqual(['/connectionId']);
    expect(saved.body.missing['source-settings'].map((i: { pointer: string }) => i.pointer)).toEqual(['/source']);
    expect(saved.body.missing.mapping.map((i: { pointer: string }) => i.pointer)).toEqual(['/mapping']);
    expect((await api.get('/channels/ch-draft/draft')).body.draft).toMatchObject({ name: 'Half done' });
    const activate = await api.post('/channels/ch-draft/activate');
    expect(activate.status).toBe(409);
    expect(activate.body.detail).toMatch(/draft/);

    const step = await api.post('/channels/validate?step=mapping', { mapping: { userName: { sauce: 'mail' } } });
    expect(step.status).toBe(200);
    expect(step.body).toMatchObject({ step: 'mapping', ok: false });
    const good = await api.post('/channels/validate?step=info', { id: 'x', name: 'ok' });
    expect(good.body).toMatchObject({ step: 'info', ok: true, missing: [] });
  });
});

describe('configuration as code', () => {
  const file = () => ({ datastores: [datastore('cfg-ds')], connections: [connection('cfg-cn')], channels: [channel('cfg-ch', 'cfg-ds', 'cfg-cn')] });

  it('plans creates, then nothing, then field changes with secrets only as changed; prune plans deletes', async () => {
    const first = await api.post('/config/plan', file());
    expect(first.status).toBe(200);
    const creates = first.body.changes.filter((c: { id: string }) => c.id.startsWith('cfg-'));
    expect(creates.map((c: { kind: string; action: string }) => `${c.kind}:${c.action}`)).toEqual(['datastore:create', 'connection:create', 'channel:create']);
    expect(first.text).not.toContain('ds-secret-value');
    expect(first.text).not.toContain(DEMO_TOKEN);

    expect((await api.put('/config', file())).status).toBe(200);
    expect((await api.post('/config/plan', file())).body.changes).toEqual([]);

    const changed = file();
    changed.datastores[0] = datastore('cfg-ds', { bindDn: 'cn=new', bindPassword: 'rotated-secret' });
    const plan = await api.post('/config/plan', changed);
    expect(plan.body.changes).toEqual([
      {
        kind: 'datastore',
        id: 'cfg-ds',
        action: 'update',
        fields: [
          { field: '/bindDn', from: 'cn=admin', to: 'cn=new' },
          { field: '/bindPassword', secret: true },
        ],
      },
    ]);
    expect(plan.text).not.toContain('rotated-secret');

    const pruned = await api.post('/config/plan?prune=true', file());
    expect(pruned.body.changes).toEqual(expect.arrayContaining([{ kind: 'datastore', id: 'ds-a', action: 'delete', fields: [] }]));
  });

  it('applies all or nothing, and prunes what the file no longer names', async () => {
    // The second channel's datastore is the wrong kind for its source: nothing of the file lands.
    const bad = { ...file(), datastores: [datastore('cfg-ds'), datastore('cfg-new')], channels: [channel('cfg-ch', 'cfg-ds', 'cfg-cn'), channel('cfg-ch2', 'cfg-new', 'cfg-cn', { source: { kind: 'sql', table: 'x' } })] };
    expect((await api.put('/config', bad)).status).toBe(400);
    expect((await api.get('/datastores/cfg-new')).status).toBe(404);

    const applied = await api.put('/config?prune=true', file());
    expect(applied.status).toBe(200);
    expect(applied.body.deleted).toEqual(expect.arrayContaining([{ kind: 'datastore', id: 'ds-a' }, { kind: 'channel', id: 'ch-c' }].filter((d) => d.id !== 'ch-c')));
    expect((await api.get('/datastores/ds-a')).status).toBe(404);
    expect((await api.get('/datastores')).body.map((d: { id: string }) => d.id)).toEqual(['cfg-ds']);
  });
});

describe('errors are problem+json naming the field', () => {
  it.each([
    ['malformed JSON', () => api.request('POST', '/datastores', { raw: '{"id":', headers: { 'content-type': 'application/json' } }), 400],
    ['a wrong content type', () => api.request('POST', '/datastores', { raw: 'id=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415],
    ['a 2 MiB body', () => api.request('POST', '/datastores', { raw: JSON.stringify({ id: 'x', pad: 'x'.repeat(2 * 1024 * 1024) }), headers: { 'content-type': 'application/json' } }), 413],
    ['an unknown route', () => api.get('/nothing-here'), 404],
    ['a wrong method', () => api.request('PATCH', '/config'), 405],
    ['1e3 as a cycle number', () => api.get('/channels/cfg-ch/cycles/1e3'), 400],
    ['%00 in an id', () => api.get('/datastores/a%00b'), 400],
    ['an unknown query parameter', () => api.get('/channels/cfg-ch/cycles?limit=5&evil=1'), 400],
  ])('%s', async (_what, send, status) => {
    const res = await send();
    expect(res.status).toBe(status);
    isProblem(res, status);
    expect(res.text).not.toMatch(/at .*\.ts:\d+/);
  });

  it('names an unknown nested field by its pointer', async () => {
    const res = await api.post('/channels', channel('ch-n', 'cfg-ds', 'cfg-cn', { source: { kind: 'ldap', accountStatus: { algorithm: 'none', surprise: 1 } } }));
    expect(res.status).toBe(400);
    expect(res.body.issues.map((i: { pointer: string }) => i.pointer)).toContain('/body/source/accountStatus/surprise');
    expect(res.text).toContain('surprise');
  });
});

describe('observation', () => {
  it('queries the channel audit by action, outcome, GUID and time, pages by cursor, exports CSV and NDJSON', async () => {
    const t0 = new Date('2026-01-01T00:00:00Z').getTime();
    await h.store.appendAudit(
      Array.from({ length: 5 }, (_, i) => ({ channelId: 'cfg-ch', guid: `g-${i % 2}`, at: new Date(t0 + i * 60_000), action: i === 4 ? 'delete' : 'create', outcome: i === 3 ? 'failed' : 'succeeded', reason: i === 2 ? '=HYPERLINK("x"), "quoted"' : 'new in scope' }) as const),
    );
    const page1 = await api.get('/channels/cfg-ch/audit?limit=2');
    expect(page1.body.entries).toHaveLength(2);
    expect(page1.body.entries[0].action).toBe('delete'); // newest first
    const page2 = await api.get(`/channels/cfg-ch/audit?limit=2&cursor=${page1.body.nextCursor}`);
    const page3 = await api.get(`/channels/cfg-ch/audit?limit=2&cursor=${page2.body.nextCursor}`);
    expect([...page1.body.entries, ...page2.body.entries, ...page3.body.entries].map((e: { id: number }) => e.id)).toHaveLength(5);
    expect(page3.body.nextCursor).toBeNull();

    expect((await api.get('/channels/cfg-ch/audit?outcome=failed')).body.entries.map((e: { guid: string }) => e.guid)).toEqual(['g-1']);
    expect((await api.get('/channels/cfg-ch/audit?guid=g-0&action=create')).body.entries).toHaveLength(2);
    const window = await api.get(`/channels/cfg-ch/audit?from=${new Date(t0 + 60_000).toISOString()}&to=${new Date(t0 + 180_000).toISOString()}`);
    expect(window.body.entries).toHaveLength(2);

    const csv = await api.get('/channels/cfg-ch/audit?guid=g-0', { accept: 'text/csv' });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('id,at,guid,cycleId,action,outcome,reason,message');
    expect(lines).toHaveLength(4);
    expect(csv.text).toContain(`"'=HYPERLINK(""x""), ""quoted"""`);
    const nd = await api.get('/channels/cfg-ch/audit?format=ndjson');
    expect(nd.text.trim().split('\n').map((l) => JSON.parse(l).guid)).toHaveLength(5);
    expect((await api.get('/channels/cfg-ch/audit?from=yesterday')).status).toBe(400);
  });
});

describe('operations, probes and the description', () => {
  it('answers 409 for operations on a channel that is not running, and 409 approving a cycle that is not held', async () => {
    expect((await api.post('/channels/cfg-ch/sync', { wait: true, timeoutSeconds: 5 })).status).toBe(409);
    expect((await api.post('/channels/cfg-ch/cycles/1/approve')).status).toBe(409);
    expect((await api.post('/channels/cfg-ch/sync', { wait: true, timeoutSeconds: 100000 })).status).toBe(400);
  });

  it('serves liveness, readiness (names only) and Prometheus metrics', async () => {
    expect((await api.get('//healthz')).body).toEqual({ status: 'ok' });
    expect((await api.get('//readyz')).body).toEqual({ status: 'ready', checks: { temporal: 'up', store: 'up' } });
    const metrics = await api.get('//metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/^outbound_channel_active\{channel="cfg-ch"\} 0$/m);
    expect(metrics.text).toMatch(/# TYPE outbound_held_cycles gauge/);
  });

  it('generates OpenAPI 3.1 with responses, roles and the bearer scheme', async () => {
    const doc = (await api.get('/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.apiKey).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    const put = doc.paths['/api/v1/datastores/{id}'].put;
    expect(put.security).toEqual([{ apiKey: [] }]);
    expect(Object.keys(put.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '409', '412']));
    expect(doc.paths['/healthz'].get.security).toBeUndefined();
    expect((await api.get('/docs/')).status).toBe(200);
    // Everything but the probes is versioned; the unversioned paths are gone.
    expect(Object.keys(doc.paths).filter((p) => !p.startsWith('/api/v1/') && !p.startsWith('/codec/'))).toEqual(['/healthz', '/readyz', '/metrics']);
    expect((await api.get('//channels')).status).toBe(404);
  });
});
