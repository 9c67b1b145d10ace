/**
 * If-Match across API processes: two API replicas on one PostgreSQL state store, each with its
 * own pool (and its own in-process write lock). Concurrent writes carrying the same ETag: exactly
 * one wins, the other gets 412, and the stored object is the winner's (no lost update).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import knex from 'knex';
import type { KnexStateStore } from '../../../src/store/knex-state-store';
import { openStateStore } from '../../../src/store/open-state-store';
import { startApi, type ApiClient } from '../../support/api-client';
import { ensurePostgres, type TestPostgres } from '../../support/postgres';
import { ensureTemporal, type TestTemporal } from '../../support/temporal';

const schema = `outbound_etag_${randomBytes(4).toString('hex')}`;
const key = randomBytes(32);
let pg: TestPostgres;
let temporal: TestTemporal;
const stores: KnexStateStore[] = [];
const apps: FastifyInstance[] = [];
let a: ApiClient;
let b: ApiClient;

beforeAll(async () => {
  pg = await ensurePostgres();
  temporal = await ensureTemporal();
  for (const target of ['a', 'b'] as const) {
    const store = await openStateStore({ client: 'pg', connection: pg.url, schema }, { key });
    stores.push(store);
    const started = await startApi({ client: temporal.client, store });
    apps.push(started.app);
    if (target === 'a') a = started.client;
    else b = started.client;
  }
}, 120_000);
afterAll(async () => {
  for (const app of apps) await app.close();
  for (const store of stores) await store.close();
  const admin = knex({ client: 'pg', connection: pg.url });
  await admin.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]).finally(() => admin.destroy());
  await temporal?.stop();
  await pg?.stop();
}, 60_000);

const datastore = (name: string) => ({ id: 'dir', type: 'ldap', name, urls: ['ldaps://ldap.example.com'], bindDn: 'cn=reader,dc=example,dc=com', bindPassword: 'env:OUTBOUND_SECRET_LDAP' });

it('lets exactly one of two concurrent replaces with the same ETag win, on either replica', async () => {
  const created = await a.post('/datastores', datastore('first'));
  expect({ status: created.status, body: created.status === 201 ? undefined : created.body }).toEqual({ status: 201 });
  for (let round = 0; round < 5; round++) {
    const read = await b.get('/datastores/dir');
    const etag = read.headers.get('etag')!;
    const [fromA, fromB] = await Promise.all([a.put('/datastores/dir', datastore(`a-${round}`), { 'if-match': etag }), b.put('/datastores/dir', datastore(`b-${round}`), { 'if-match': etag })]);
    expect([fromA.status, fromB.status].sort()).toEqual([200, 412]);
    const loser = fromA.status === 412 ? fromA : fromB;
    expect(loser.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const winner = fromA.status === 200 ? `a-${round}` : `b-${round}`;
    for (const replica of [a, b]) expect((await replica.get('/datastores/dir')).body.name).toBe(winner);
  }
});

it('lets a delete and a replace with the same ETag not both happen', async () => {
  const read = await a.get('/datastores/dir');
  const etag = read.headers.get('etag')!;
  const [put, del] = await Promise.all([a.put('/datastores/dir', datastore('kept'), { 'if-match': etag }), b.delete('/datastores/dir', { 'if-match': etag })]);
  // One of them wins (200 replaced, or 204 deleted); the other is refused.
  expect(put.status === 200 ? del.status : [put.status, del.status]).toEqual(put.status === 200 ? 412 : [412, 204]);
  const after = await a.get('/datastores/dir');
  if (put.status === 200) expect(after.body.name).toBe('kept');
  else expect(after.status).toBe(404);
});

it('lets exactly one of two concurrent creates of one id win; the other is 409', async () => {
  const [x, y] = await Promise.all([a.post('/datastores', { ...datastore('x'), id: 'twin' }), b.post('/datastores', { ...datastore('y'), id: 'twin' })]);
  expect([x.status, y.status].sort()).toEqual([201, 409]);
  const winner = x.status === 201 ? 'x' : 'y';
  for (const replica of [a, b]) expect((await replica.get('/datastores/twin')).body.name).toBe(winner);
});

it('guards channels the same way', async () => {
  await a.post('/connections', { id: 'cc', template: 'concur', baseUrl: 'https://us.api.concursolutions.com', auth: { type: 'OAUTH_ACCESS_TOKEN', accessToken: 'env:OUTBOUND_SECRET_TOKEN' } });
  if ((await a.get('/datastores/dir')).status === 404) await a.post('/datastores', datastore('again'));
  const channel = (name: string) => ({ id: 'ch', name, datastoreId: 'dir', connectionId: 'cc', source: { kind: 'ldap', accountStatus: { algorithm: 'none' } }, mapping: { userName: { source: 'mail' }, 'name.givenName': { source: 'givenName' }, 'name.familyName': { source: 'sn' }, 'emails.work': { source: 'mail' } } });
  const created = await a.post('/channels', channel('one'));
  expect({ status: created.status, body: created.status === 201 ? undefined : created.body }).toEqual({ status: 201 });
  const etag = created.headers.get('etag')!;
  const [x, y] = await Promise.all([a.put('/channels/ch', channel('x'), { 'if-match': etag }), b.put('/channels/ch', channel('y'), { 'if-match': etag })]);
  expect([x.status, y.status].sort()).toEqual([200, 412]);
  expect((await b.get('/channels/ch')).body.name).toBe(x.status === 200 ? 'x' : 'y');
});
