/** POST /datastores/{id}/test on a real slapd and SQLite, and drafts of datastores and connections. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knex from 'knex';
import type { FastifyInstance } from 'fastify';
import { EngineHarness, DEMO_TOKEN } from '../../support/engine-harness';
import { startApi, type ApiClient } from '../../support/api-client';
import { ensureLdap, type TestLdap } from '../../support/ldap';
import { createTestKey } from '../../support/api-keys';

const h = new EngineHarness();
let app: FastifyInstance;
let api: ApiClient;
let ldap: TestLdap;
const dir = mkdtempSync(join(tmpdir(), 'outbound-dstest-'));
const sqliteFile = join(dir, 'people.db');
const LITERAL = 'draft-literal-secret-value';

beforeAll(async () => {
  ldap = await ensureLdap();
  await h.start();
  ({ app, client: api } = await startApi({ client: h.client, store: h.store, taskQueue: h.taskQueue }));
  const db = knex({ client: 'better-sqlite3', connection: { filename: sqliteFile }, useNullAsDefault: true });
  await db.schema.createTable('people', (t) => {
    t.string('id').primary();
    t.string('mail');
  });
  await db('people').insert([{ id: 'u1', mail: 'a@example.com' }, { id: 'u2', mail: 'b@example.com' }]);
  await db.destroy();
}, 120_000);
afterAll(async () => {
  await app?.close();
  await h.stop();
  await ldap?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

const ldapDatastore = (id: string, extra: Record<string, unknown> = {}) => ({ id, type: 'ldap', urls: [ldap.url], bindDn: ldap.bindDn, bindPassword: ldap.bindPassword, ...extra });
const names = (checks: Array<{ name: string; ok: boolean }>) => checks.map((c) => `${c.name}:${c.ok}`);

describe('POST /datastores/{id}/test', () => {
  it('connects, binds, reads the base DN and counts the scope, with the checks activation names', async () => {
    expect((await api.post('/datastores', ldapDatastore('ds-ok'))).status).toBe(201);
    const res = await api.post('/datastores/ds-ok/test');
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    expect(names(res.body.checks)).toEqual(['datastore:true', 'source-filter:true']);
    const count = Number(/(\d+) entries in scope/.exec(res.body.checks[1].message)![1]);
    expect(count).toBeGreaterThan(0);

    // The wizard's location narrows the count; a base DN that does not exist is named.
    const narrowed = await api.post('/datastores/ds-ok/test', { location: { baseDn: ldap.baseDn, filter: '(&(objectClass=inetOrgPerson)(uid=nobody-here))' } });
    expect(narrowed.body.ok).toBe(false);
    expect(narrowed.body.checks[1]).toMatchObject({ name: 'source-filter', ok: false, setting: 'channel.location.baseDn' });
    const missingBase = await api.post('/datastores/ds-ok/test', { location: { baseDn: `ou=nowhere,${ldap.baseDn}` } });
    expect(missingBase.body.checks).toEqual([expect.objectContaining({ name: 'source-filter', ok: false, setting: 'channel.location.baseDn' })]);
  });

  it('names the bind password when the bind is refused, without echoing it', async () => {
    expect((await api.post('/datastores', ldapDatastore('ds-bad', { bindPassword: 'wrong-password-value' }))).status).toBe(201);
    const res = await api.post('/datastores/ds-bad/test');
    expect(res.status).toBe(200);
    expect(res.body.checks).toEqual([expect.objectContaining({ name: 'datastore', ok: false, setting: 'datastore.bindPassword' })]);
    expect(res.text).not.toContain('wrong-password-value');
    // Nothing is written by a test.
    expect(await h.store.listCycles('ds-bad', 10)).toEqual([]);
  });

  it('tests SQL datastores: connect only, or count a table given as source settings', async () => {
    expect((await api.post('/datastores', { id: 'ds-sql', type: 'sql', client: 'better-sqlite3', filename: sqliteFile })).status).toBe(201);
    const bare = await api.post('/datastores/ds-sql/test');
    expect(names(bare.body.checks)).toEqual(['datastore:true']);
    const counted = await api.post('/datastores/ds-sql/test', { source: { kind: 'sql', table: 'people', guidColumn: 'id' } });
    expect(names(counted.body.checks)).toEqual(['datastore:true', 'source-filter:true']);
    expect(counted.body.checks[1].message).toBe('2 entries in scope');
    const wrongColumn = await api.post('/datastores/ds-sql/test', { source: { kind: 'sql', table: 'people', guidColumn: 'nope' } });
    expect(wrongColumn.body.checks[0]).toMatchObject({ name: 'source-filter', ok: false, setting: 'channel.source.guidColumn' });
    const wrongKind = await api.post('/datastores/ds-sql/test', { source: { kind: 'ldap' } });
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body.issues[0].pointer).toBe('/body/source/kind');
  });

  it('answers 404 for an unknown datastore and 403 to a read-only key', async () => {
    expect((await api.post('/datastores/nope/test')).status).toBe(404);
    const readKey = await createTestKey(h.store, 'read');
    expect((await api.post('/datastores/ds-ok/test', undefined, { authorization: `Bearer ${readKey}` })).status).toBe(403);
  });
});

describe('drafts of datastores and connections', () => {
  it('saves an incomplete datastore, lists what is missing per step, never stores a literal secret', async () => {
    const saved = await api.post('/datastores?draft=true', { id: 'ds-draft', type: 'ldap', urls: [ldap.url], bindPassword: LITERAL });
    expect(saved.status).toBe(200);
    expect(saved.body.droppedSecrets).toEqual(['/bindPassword']);
    expect(saved.body.missing.source.map((i: { pointer: string }) => i.pointer).sort()).toEqual(['/bindDn', '/bindPassword']);
    expect(saved.body.missing.target).toEqual([]);
    const rows = await h.store.db('resource_drafts').select('draft');
    expect(JSON.stringify(rows)).not.toContain(LITERAL);

    // A reference is kept; the draft reads back with what it still lacks.
    await api.put('/datastores/ds-draft?draft=true', { type: 'ldap', urls: [ldap.url], bindPassword: 'env:OUTBOUND_LDAP_BIND_PASSWORD' });
    const got = await api.get('/datastores/ds-draft/draft');
    expect(got.body.draft.bindPassword).toBe('env:OUTBOUND_LDAP_BIND_PASSWORD');
    expect(got.body.missing.review).toEqual([expect.objectContaining({ pointer: '/bindDn' })]);
    expect((await api.post('/datastores/validate?step=source', { id: 'x', type: 'ldap', urls: [ldap.url], bindDn: 'cn=a', bindPassword: 'env:X' })).body).toMatchObject({ step: 'source', ok: true });

    const listed = await api.get('/drafts');
    expect(listed.body).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'datastores', id: 'ds-draft' })]));
    // Saving it whole promotes the draft.
    expect((await api.put('/datastores/ds-draft', { ...got.body.draft, bindDn: ldap.bindDn })).status).toBe(201);
    expect((await api.get('/datastores/ds-draft/draft')).status).toBe(404);
    expect((await api.get('/drafts?kind=datastores')).body.map((d: { id: string }) => d.id)).not.toContain('ds-draft');
    // A draft can't shadow an existing object.
    expect((await api.post('/datastores?draft=true', { id: 'ds-draft', type: 'ldap' })).status).toBe(409);
  });

  it('saves a connection draft from the template: General Info complete, the target missing', async () => {
    const saved = await api.post('/connections?draft=true', { id: 'cn-draft', template: 'concur', name: 'Concur (draft)' });
    expect(saved.status).toBe(200);
    expect(saved.body.missing.info).toEqual([]);
    expect(saved.body.missing.target.map((i: { pointer: string }) => i.pointer)).toEqual(['/auth']);
    const withToken = await api.put('/connections/cn-draft?draft=true', { template: 'concur', baseUrl: h.simulator.url, allowInsecureHttp: true, auth: { type: 'OAUTH_ACCESS_TOKEN', accessToken: DEMO_TOKEN } });
    expect(withToken.body.droppedSecrets).toEqual(['/auth/accessToken']);
    expect(withToken.body.missing.target).toEqual([expect.objectContaining({ pointer: '/auth/accessToken' })]);
    expect((await api.get('/connections/cn-draft/draft')).text).not.toContain(DEMO_TOKEN);
    const step = await api.post('/connections/validate?step=target', { id: 'cn-x', template: 'concur', auth: { type: 'OAUTH_ACCESS_TOKEN' } });
    expect(step.body).toMatchObject({ step: 'target', ok: false, missing: [expect.objectContaining({ pointer: '/auth/accessToken' })] });
    // Channel drafts are listed beside them.
    await api.post('/channels?draft=true', { id: 'ch-draft', name: 'half way' });
    const kinds = (await api.get('/drafts')).body.map((d: { kind: string; id: string }) => `${d.kind}/${d.id}`);
    expect(kinds).toEqual(expect.arrayContaining(['connections/cn-draft', 'channels/ch-draft']));
    expect((await api.delete('/connections/cn-draft/draft')).status).toBe(204);
    expect((await api.get('/connections/cn-draft/draft')).status).toBe(404);
  });
});
