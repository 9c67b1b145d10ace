import { STORE_MIGRATIONS } from '../../../src/store/migrations/migration-source';
import { randomBytes } from 'node:crypto';
import type { ChannelConfig } from '../../../src/domain/config/channel-config';
import type { ConnectionConfig } from '../../../src/domain/config/connection-config';
import type { DatastoreConfig } from '../../../src/domain/config/datastore-config';
import type { DesiredConcurUser } from '../../../src/domain/concur-user';
import type { KnexStateStore } from '../../../src/store/knex-state-store';
import type { StateStoreSecretOptions } from '../../../src/store/open-state-store';
import { SecretDecryptionError } from '../../../src/store/secret-errors';
import type { CycleCounts, PlanItem } from '../../../src/store/state-store';
import { StoreRecordNotFoundError } from '../../../src/store/store-errors';
import { createSecretResolver } from '../../../src/store/store-secret-resolver';

/** A database for one run of the contract: open (and reopen) stores on it, then drop it. */
export interface StoreHarness {
  open(secrets: StateStoreSecretOptions): Promise<KnexStateStore>;
  cleanup(): Promise<void>;
}

const counts = (over: Partial<CycleCounts> = {}): CycleCounts => ({
  read: 0,
  excluded: 0,
  unchanged: 0,
  create: 0,
  update: 0,
  disable: 0,
  delete: 0,
  reactivate: 0,
  succeeded: 0,
  failed: 0,
  retrying: 0,
  invalid: 0,
  ...over,
});

const desired = (n: number): DesiredConcurUser =>
  ({
    identity: {
      userName: `user${n}@example.com`,
      active: true,
      name: { givenName: 'Zoë', familyName: `Näme ${n}` },
      emails: [{ type: 'work', value: `user${n}@example.com` }],
      enterprise: { employeeNumber: `E${n}` },
    },
  }) as unknown as DesiredConcurUser;

const channelConfig = (id: string, name = 'HR'): ChannelConfig =>
  ({
    id,
    name,
    connectionId: 'concur',
    datastoreId: 'ldap',
    active: false,
    maxThreads: 8,
    timeoutMs: 60000,
    intervalSeconds: 60,
    fullReconcileEvery: 10,
    provisionDisabledUsers: false,
    removeAction: 'disable',
    source: { kind: 'ldap', guidAttribute: 'entryUUID' },
    location: { filter: '(objectClass=inetOrgPerson)', nestedSearch: false },
    exclusion: { dns: [] },
    mapping: { fields: { userName: { attribute: 'mail' } } },
    guard: { maxRemovals: 100, maxRemovalPercent: 20 },
  }) as unknown as ChannelConfig;

/** Every text cell of every table, to prove a secret is nowhere in clear. */
async function allText(store: KnexStateStore): Promise<string> {
  const tables = ['datastores', 'connections', 'channel_versions', 'secrets', 'oauth_tokens'];
  const parts: string[] = [];
  for (const t of tables) parts.push(JSON.stringify(await store.db(t).select()));
  return parts.join('\n');
}

export function describeStateStoreContract(name: string, setup: () => Promise<StoreHarness>): void {
  describe(`StateStore contract on ${name}`, () => {
    let harness: StoreHarness;
    let store: KnexStateStore;
    const key = randomBytes(32);

    beforeAll(async () => {
      harness = await setup();
      store = await harness.open({ key });
    });
    afterAll(async () => {
      await store?.close();
      await harness?.cleanup();
    });

    describe('configuration and secrets', () => {
      it('moves literal datastore secrets into the vault and resolves them', async () => {
        const ldap: DatastoreConfig = {
          id: 'ldap',
          type: 'ldap',
          urls: ['ldap://127.0.0.1:389'],
          bindDn: 'cn=admin',
          bindPassword: 'ldap-literal-pw-1',
          startTls: false,
          rejectUnauthorized: true,
          connectTimeoutMs: 5000,
          timeoutMs: 30000,
          pageSize: 500,
        };
        await store.putDatastore(ldap);
        expect(ldap.bindPassword).toBe('ldap-literal-pw-1'); // the caller's object is untouched
        const got = (await store.getDatastore('ldap')) as Extract<DatastoreConfig, { type: 'ldap' }>;
        expect(got.bindPassword).toMatch(/^vault:[A-Za-z0-9_-]+$/);
        expect({ ...got, bindPassword: 'x' }).toEqual({ ...ldap, bindPassword: 'x' });
        const resolver = createSecretResolver(store);
        await expect(resolver.resolve(got.bindPassword)).resolves.toBe('ldap-literal-pw-1');
        expect(await allText(store)).not.toContain('ldap-literal-pw-1');

        // Re-applying the same literal keeps the same vault entry: config as code is a no-op.
        await store.putDatastore(ldap);
        expect(((await store.getDatastore('ldap')) as typeof got).bindPassword).toBe(got.bindPassword);
        // A new literal gets a new entry and the old one is removed.
        await store.putDatastore({ ...ldap, bindPassword: 'ldap-literal-pw-2' });
        const changed = (await store.getDatastore('ldap')) as typeof got;
        expect(changed.bindPassword).not.toBe(got.bindPassword);
        await expect(resolver.resolve(changed.bindPassword)).resolves.toBe('ldap-literal-pw-2');
        await expect(resolver.resolve(got.bindPassword)).rejects.toThrow(/not in the vault/);
        // env: and file: references are kept as they are, and the vault entry goes.
        await store.putDatastore({ ...ldap, bindPassword: 'env:LDAP_PASSWORD' });
        expect(((await store.getDatastore('ldap')) as typeof got).bindPassword).toBe('env:LDAP_PASSWORD');
        expect(await store.db('secrets').where({ owner: 'datastore:ldap' }).count({ n: '*' })).toEqual([{ n: expect.anything() }]);
        expect(Number(((await store.db('secrets').where({ owner: 'datastore:ldap' }).count({ n: '*' })) as Array<{ n: unknown }>)[0].n)).toBe(0);

        await store.putDatastore({ id: 'sql', type: 'sql', client: 'pg', host: 'db', password: 'sql-literal-pw', ssl: false, pageSize: 1000 });
        await store.putDatastore({ id: 'sqlite', type: 'sql', client: 'better-sqlite3', filename: '/tmp/x.db', ssl: false, pageSize: 1000 });
        const list = await store.listDatastores();
        expect(list.map((d) => d.id)).toEqual(['ldap', 'sql', 'sqlite']);
        const sql = list[1] as Extract<DatastoreConfig, { type: 'sql' }>;
        expect(sql.password).toMatch(/^vault:/);
        expect((list[2] as Extract<DatastoreConfig, { type: 'sql' }>).password).toBeUndefined();
        expect(await allText(store)).not.toContain('sql-literal-pw');
        expect(await store.getDatastore('nope')).toBeUndefined();
      });

      it('moves every connection secret into the vault', async () => {
        const oauth2: ConnectionConfig = {
          id: 'concur',
          template: 'concur',
          baseUrl: 'https://us2.api.concursolutions.com',
          auth: { type: 'oauth2', clientId: 'client-1', clientSecret: 'cs-literal', refreshToken: 'rt-literal', companyRequestToken: 'file:/run/crt' },
          requiredFields: [],
          timeoutMs: 30000,
          maxConnections: 16,
        };
        await store.putConnection(oauth2);
        await store.putConnection({ ...oauth2, id: 'legacy', auth: { type: 'OAUTH_ACCESS_TOKEN', accessToken: 'at-literal' } });
        const [concur, legacy] = await store.listConnections().then((l) => l.sort((a, b) => a.id.localeCompare(b.id)));
        expect(concur.id).toBe('concur');
        const auth = concur.auth as Extract<ConnectionConfig['auth'], { type: 'oauth2' }>;
        expect(auth.clientId).toBe('client-1');
        expect(auth.clientSecret).toMatch(/^vault:/);
        expect(auth.refreshToken).toMatch(/^vault:/);
        expect(auth.companyRequestToken).toBe('file:/run/crt');
        expect((legacy.auth as { accessToken: string }).accessToken).toMatch(/^vault:/);
        const resolver = createSecretResolver(store);
        await expect(resolver.resolve(auth.clientSecret)).resolves.toBe('cs-literal');
        await expect(resolver.resolve(auth.refreshToken!)).resolves.toBe('rt-literal');
        const text = await allText(store);
        for (const s of ['cs-literal', 'rt-literal', 'at-literal']) expect(text).not.toContain(s);
        expect(await store.getConnection('legacy')).toEqual(legacy);
      });

      it('versions channels, keeps key order, and stores drafts apart', async () => {
        const v1 = channelConfig('hr');
        expect(await store.putChannel(v1)).toBe(1);
        expect(await store.putChannel(channelConfig('hr', 'HR v2'))).toBe(2);
        expect(await store.putChannel(channelConfig('eng'))).toBe(1);
        const got = await store.getChannel('hr');
        expect(got?.version).toBe(2);
        expect(got?.config.name).toBe('HR v2');
        expect(JSON.stringify(got?.config)).toBe(JSON.stringify(channelConfig('hr', 'HR v2')));
        expect(await store.getChannelVersion('hr', 1)).toEqual(v1);
        expect((await store.listChannels()).map((c) => [c.config.id, c.version])).toEqual([
          ['eng', 1],
          ['hr', 2],
        ]);

        const draft = { id: 'new', mapping: { fields: {} }, incomplete: [1, 'two', null, { nested: true }] };
        await store.putChannelDraft('new', draft);
        expect(await store.getChannelDraft('new')).toEqual(draft);
        await store.putChannelDraft('new', { replaced: true });
        expect(await store.getChannelDraft('new')).toEqual({ replaced: true });
        expect(await store.getChannel('new')).toBeUndefined();
        await store.deleteChannelDraft('new');
        expect(await store.getChannelDraft('new')).toBeUndefined();

        await store.putChannelDraft('eng', { editing: true });
        await store.deleteChannel('eng');
        expect(await store.getChannel('eng')).toBeUndefined();
        expect(await store.getChannelDraft('eng')).toBeUndefined();
        expect(await store.putChannel(channelConfig('eng'))).toBe(1);
      });
    });

    describe('OAuth tokens', () => {
      it('round-trips encrypted, with dates', async () => {
        const token = { accessToken: 'access-token-value', expiresAt: new Date('2030-01-02T03:04:05.678Z'), refreshToken: 'refresh-token-value', refreshExpiresAt: new Date('2030-06-01T00:00:00Z'), geolocation: 'https://us2.api.concursolutions.com' };
        await store.saveOAuthToken('concur', token);
        expect(await store.loadOAuthToken('concur')).toEqual(token);
        await store.saveOAuthToken('concur', { accessToken: 'second', expiresAt: new Date(0) });
        const second = await store.loadOAuthToken('concur');
        expect(second).toEqual({ accessToken: 'second', expiresAt: new Date(0) });
        expect(second?.expiresAt).toBeInstanceOf(Date);
        expect(await store.loadOAuthToken('none')).toBeUndefined();
        await store.saveOAuthToken('concur', token);
        const text = await allText(store);
        expect(text).not.toContain('access-token-value');
        expect(text).not.toContain('refresh-token-value');
      });

      it('are dropped when the connection changes baseUrl, client id or a credential, and kept otherwise', async () => {
        const oauth: ConnectionConfig = {
          id: 'drop',
          template: 'concur',
          baseUrl: 'https://us2.api.concursolutions.com',
          auth: { type: 'oauth2', clientId: 'c1', clientSecret: 'secret-one', refreshToken: 'env:RT' },
          requiredFields: [],
          timeoutMs: 30000,
          maxConnections: 16,
        };
        const auth = oauth.auth as Extract<ConnectionConfig['auth'], { type: 'oauth2' }>;
        const token = { accessToken: 'tok', expiresAt: new Date('2030-01-01T00:00:00Z'), geolocation: 'https://us2.api.concursolutions.com' };
        await store.putConnection(oauth);
        const changes: Array<[string, ConnectionConfig]> = [
          ['baseUrl', { ...oauth, baseUrl: 'https://eu2.api.concursolutions.com' }],
          ['client id', { ...oauth, auth: { ...auth, clientId: 'c2' } }],
          ['client secret', { ...oauth, auth: { ...auth, clientSecret: 'secret-two' } }],
          ['refresh token', { ...oauth, auth: { ...auth, refreshToken: 'env:RT2' } }],
        ];
        for (const [what, changed] of changes) {
          await store.putConnection(oauth);
          await store.saveOAuthToken('drop', token);
          // Re-applying the same settings (literal secret included) keeps the token.
          await store.putConnection({ ...oauth, name: 'renamed' });
          expect(await store.loadOAuthToken('drop')).toEqual(token);
          await store.putConnection(changed);
          expect([what, await store.loadOAuthToken('drop')]).toEqual([what, undefined]);
        }
      });

      it('reports tampered ciphertext and a wrong key, never garbage', async () => {
        await store.saveOAuthToken('tamper', { accessToken: 'tok', expiresAt: new Date() });
        const row = (await store.db('oauth_tokens').where({ connection_id: 'tamper' }).first()) as { ciphertext: string };
        const [v, kid, b64] = row.ciphertext.split('.');
        const bytes = Buffer.from(b64, 'base64');
        bytes[bytes.length - 2] ^= 0x10;
        await store.db('oauth_tokens').where({ connection_id: 'tamper' }).update({ ciphertext: `${v}.${kid}.${bytes.toString('base64')}` });
        await expect(store.loadOAuthToken('tamper')).rejects.toThrow(SecretDecryptionError);
        // A token row copied under another connection does not open either.
        await store.db('oauth_tokens').insert({ connection_id: 'copy', ciphertext: ((await store.db('oauth_tokens').where({ connection_id: 'concur' }).first()) as { ciphertext: string }).ciphertext, updated_at: new Date() });
        await expect(store.loadOAuthToken('copy')).rejects.toThrow(expect.objectContaining({ reason: 'tampered' }));

        const other = await harness.open({ key: randomBytes(32) });
        try {
          await expect(other.loadOAuthToken('concur')).rejects.toThrow(expect.objectContaining({ name: 'SecretDecryptionError', reason: 'wrong-key' }));
          const ds = (await other.getDatastore('sql')) as { password: string };
          await expect(createSecretResolver(other).resolve(ds.password)).rejects.toThrow(SecretDecryptionError);
        } finally {
          await other.close();
        }
      });
    });

    describe('cycles and channel state', () => {
      it('allocates cycle numbers atomically, also under concurrency', async () => {
        expect(await store.getChannelState('c1')).toEqual({ channelId: 'c1', lastCycleNo: 0 });
        const first = await store.startCycle('c1', 'full', false);
        expect(first).toMatchObject({ channelId: 'c1', cycleNo: 1, mode: 'full', dryRun: false, outcome: 'running', batches: 0, counts: counts() });
        expect(first.startedAt).toBeInstanceOf(Date);
        expect(Math.abs(first.startedAt.getTime() - Date.now())).toBeLessThan(60_000);
        expect(first.finishedAt).toBeUndefined();
        const many = await Promise.all(Array.from({ length: 8 }, () => store.startCycle('c1', 'incremental', true)));
        expect(many.map((c) => c.cycleNo).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
        expect(new Set(many.map((c) => c.id)).size).toBe(8);
        expect(many[0].dryRun).toBe(true);
        expect((await store.getChannelState('c1')).lastCycleNo).toBe(9);
      });

      it('takes an assigned cycle number idempotently and raises the counter', async () => {
        const a = await store.startCycle('c2', 'full', false, 5);
        const again = await store.startCycle('c2', 'incremental', true, 5);
        expect(again).toEqual(a);
        expect((await store.getChannelState('c2')).lastCycleNo).toBe(5);
        await store.startCycle('c2', 'full', false, 3);
        expect((await store.getChannelState('c2')).lastCycleNo).toBe(5);
        expect((await store.startCycle('c2', 'full', false)).cycleNo).toBe(6);
        expect((await store.listCycles('c2', 2)).map((c) => c.cycleNo)).toEqual([6, 5]);
        expect(await store.getCycle(999_999)).toBeUndefined();
        expect(await store.findCycle('c2', 5)).toEqual(a);
        expect(await store.findCycle('c2', 4)).toBeUndefined();
        expect(await store.findCycle('c1', 6)).toMatchObject({ channelId: 'c1', cycleNo: 6 });
      });

      it('commits the watermark only for a succeeded non-dry-run cycle', async () => {
        const ch = 'c3';
        const full = await store.startCycle(ch, 'full', false);
        await store.updateCycle(full.id, { watermark: 'w1', batches: 3, counts: counts({ read: 10 }) });
        const updated = await store.getCycle(full.id);
        expect(updated).toMatchObject({ watermark: 'w1', batches: 3, counts: counts({ read: 10 }) });
        await store.finishCycle(full.id, 'succeeded', counts({ read: 10, succeeded: 2 }));
        const done = await store.getCycle(full.id);
        expect(done).toMatchObject({ outcome: 'succeeded', counts: counts({ read: 10, succeeded: 2 }) });
        expect(done?.finishedAt).toBeInstanceOf(Date);
        expect(await store.getChannelState(ch)).toEqual({ channelId: ch, watermark: 'w1', lastCycleNo: 1, lastFullCycleNo: 1 });

        const dry = await store.startCycle(ch, 'full', true);
        await store.updateCycle(dry.id, { watermark: 'w-dry' });
        await store.finishCycle(dry.id, 'succeeded', counts());
        const partial = await store.startCycle(ch, 'incremental', false);
        await store.updateCycle(partial.id, { watermark: 'w-partial' });
        await store.finishCycle(partial.id, 'partial', counts({ failed: 1 }));
        expect(await store.getChannelState(ch)).toEqual({ channelId: ch, watermark: 'w1', lastCycleNo: 3, lastFullCycleNo: 1 });

        const incr = await store.startCycle(ch, 'incremental', false);
        await store.updateCycle(incr.id, { watermark: 'w4' });
        await store.finishCycle(incr.id, 'succeeded', counts());
        expect(await store.getChannelState(ch)).toEqual({ channelId: ch, watermark: 'w4', lastCycleNo: 4, lastFullCycleNo: 1 });

        // A succeeded cycle that read no watermark keeps the previous one.
        const quiet = await store.startCycle(ch, 'full', false);
        await store.finishCycle(quiet.id, 'succeeded', counts());
        expect(await store.getChannelState(ch)).toEqual({ channelId: ch, watermark: 'w4', lastCycleNo: 5, lastFullCycleNo: 5 });

        const rejected = await store.startCycle(ch, 'full', false);
        await store.finishCycle(rejected.id, 'rejected', counts());
        expect((await store.getChannelState(ch)).lastFullCycleNo).toBe(5);

        await store.updateCycle(quiet.id, { error: 'boom', watermark: undefined });
        expect(await store.getCycle(quiet.id)).toMatchObject({ error: 'boom', watermark: undefined });
        await expect(store.finishCycle(987_654, 'succeeded', counts())).rejects.toThrow(StoreRecordNotFoundError);
        await expect(store.updateCycle(987_654, { batches: 1 })).rejects.toThrow(StoreRecordNotFoundError);
      });
    });

    describe('plan', () => {
      it('stores items in batches with their desired state, outcomes and paging', async () => {
        const cycle = await store.startCycle('p1', 'full', false);
        const items: PlanItem[] = Array.from({ length: 1203 }, (_, seq) => ({
          cycleId: cycle.id,
          seq,
          guid: `g-${String(seq).padStart(5, '0')}`,
          action: seq % 2 ? 'update' : 'create',
          reason: 'new in scope',
          batchNo: Math.floor(seq / 250),
          ...(seq % 3 ? { desired: desired(seq), desiredHash: `h${seq}` } : {}),
          ...(seq % 5 === 0 ? { concurId: `cid-${seq}` } : {}),
        }));
        await store.addPlanItems(items);
        const batch1 = await store.getPlanBatch(cycle.id, 1);
        expect(batch1).toHaveLength(250);
        expect(batch1[0]).toEqual(items[250]);
        expect(batch1.map((i) => i.seq)).toEqual(items.slice(250, 500).map((i) => i.seq));
        expect((await store.getPlanBatch(cycle.id, 4)).length).toBe(203);
        expect(await store.listPlanItems(cycle.id, { offset: 1200, limit: 10 })).toEqual(items.slice(1200));
        expect(await store.listPlanItems(cycle.id)).toEqual(items);

        await store.recordPlanOutcome(cycle.id, 251, 'failed', 'Concur said no');
        await store.recordPlanOutcomes([
          { cycleId: cycle.id, seq: 250, outcome: 'succeeded' },
          { cycleId: cycle.id, seq: 252, outcome: 'retrying', message: '503' },
        ]);
        const after = await store.getPlanBatch(cycle.id, 1);
        expect(after.slice(0, 4).map((i) => [i.outcome, i.message])).toEqual([
          ['succeeded', undefined],
          ['failed', 'Concur said no'],
          ['retrying', '503'],
          [undefined, undefined],
        ]);

        // A retried planning activity re-adds items idempotently.
        await store.addPlanItems(items.slice(0, 10));
        expect((await store.listPlanItems(cycle.id)).length).toBe(1203);
        await store.clearPlan(cycle.id);
        expect(await store.listPlanItems(cycle.id)).toEqual([]);
      });

      it('keeps the desired attribute values (personal data) encrypted at rest, bound to their item', async () => {
        const cycle = await store.startCycle('p-enc', 'full', false);
        const person = (n: number) => ({ ...desired(n), identity: { ...desired(n).identity, userName: `persönlich-${n}@example.com` } }) as DesiredConcurUser;
        await store.addPlanItems([0, 1].map((seq) => ({ cycleId: cycle.id, seq, guid: `enc-${seq}`, action: 'create' as const, reason: 'new', batchNo: 0, desired: person(seq), desiredHash: `h${seq}` })));
        expect((await store.getPlanBatch(cycle.id, 0)).map((i) => i.desired)).toEqual([person(0), person(1)]);
        const raw = JSON.stringify(await store.db('plan_items').where({ cycle_id: cycle.id }).select());
        expect(raw).not.toContain('persönlich');
        expect(raw).not.toContain('Näme');
        // A ciphertext moved to another item does not open.
        const first = (await store.db('plan_items').where({ cycle_id: cycle.id, seq: 0 }).first('desired')) as { desired: string };
        await store.db('plan_items').where({ cycle_id: cycle.id, seq: 1 }).update({ desired: first.desired });
        await expect(store.getPlanBatch(cycle.id, 0)).rejects.toBeInstanceOf(SecretDecryptionError);
        await store.clearPlan(cycle.id);
      });
    });

    describe('provisioner database', () => {
      const ch = 'u1';

      it('inserts with defaults, merges partial updates, clears with undefined', async () => {
        const before = Date.now();
        await store.upsertUser({ channelId: ch, guid: 'a', concurId: 'C-A', status: 'active', lastHash: 'h1', sourceEnabled: true, attempts: 0 });
        const a = await store.getUser(ch, 'a');
        expect(a).toMatchObject({ channelId: ch, guid: 'a', concurId: 'C-A', status: 'active', lastHash: 'h1', sourceEnabled: true, attempts: 0, excluded: false });
        expect(a?.createdAt).toBeInstanceOf(Date);
        expect(a!.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);

        const retryAt = new Date('2031-05-06T07:08:09.123Z');
        await store.upsertUser({ channelId: ch, guid: 'a', lastErrorCode: 'TRANSIENT', lastError: '503 from Concur', nextAttemptAt: retryAt, attempts: 2 });
        const b = await store.getUser(ch, 'a');
        expect(b).toMatchObject({ concurId: 'C-A', status: 'active', lastHash: 'h1', attempts: 2, lastErrorCode: 'TRANSIENT', nextAttemptAt: retryAt });
        expect(b?.nextAttemptAt).toBeInstanceOf(Date);
        expect(b?.createdAt).toEqual(a?.createdAt);

        await store.upsertUser({ channelId: ch, guid: 'a', nextAttemptAt: undefined, lastError: undefined, lastErrorCode: undefined, status: undefined, excluded: true });
        const c = await store.getUser(ch, 'a');
        expect(c).toMatchObject({ status: 'active', excluded: true, attempts: 2, concurId: 'C-A' });
        expect(c?.nextAttemptAt).toBeUndefined();
        expect(c?.lastError).toBeUndefined();
        expect(c?.lastErrorCode).toBeUndefined();

        // A partial patch for an unknown user creates a row Outbound does not manage.
        await store.upsertUser({ channelId: ch, guid: 'new', attempts: 1 });
        expect(await store.getUser(ch, 'new')).toMatchObject({ status: 'failed', attempts: 1, sourceEnabled: true, excluded: false });
        expect(await store.getUser(ch, 'missing')).toBeUndefined();
        expect(await store.getUser('other-channel', 'a')).toBeUndefined();
      });

      it('batch-upserts, later patches win, and reads pages of more than 500', async () => {
        const users = Array.from({ length: 1300 }, (_, i) => ({
          channelId: ch,
          guid: `b-${String(i).padStart(5, '0')}`,
          concurId: `C${i}`,
          status: 'active' as const,
          lastHash: `h${i}`,
          sourceEnabled: i % 7 !== 0,
          attempts: 0,
        }));
        await store.upsertUsers([...users, { channelId: ch, guid: 'b-00001', status: 'disabled' }, { channelId: ch, guid: 'b-00001', lastHash: 'later' }]);
        const got = await store.getUsers(ch, [...users.map((u) => u.guid), 'nope', 'b-00002']);
        expect(got.size).toBe(1300);
        expect(got.get('b-00001')).toMatchObject({ status: 'disabled', lastHash: 'later', concurId: 'C1' });
        expect(got.get('b-00007')?.sourceEnabled).toBe(false);
        expect(got.get('b-00008')?.sourceEnabled).toBe(true);
        expect(got.get('b-01299')).toMatchObject({ concurId: 'C1299', status: 'active' });
        expect((await store.getUsers(ch, [])).size).toBe(0);
      });

      it('marks seen, lists unseen managed users by GUID page, counts and lists failures', async () => {
        const ch2 = 'seen';
        const base = { channelId: ch2, sourceEnabled: true, attempts: 0 };
        await store.upsertUsers([
          ...Array.from({ length: 20 }, (_, i) => ({ ...base, guid: `s${String(i).padStart(2, '0')}`, status: 'active' as const, concurId: `C${i}` })),
          { ...base, guid: 'x-disabled', status: 'disabled', concurId: 'CD' },
          { ...base, guid: 'x-deleted', status: 'deleted' },
          { ...base, guid: 'x-failed', status: 'failed', lastErrorCode: 'INVALID_VALUE', lastError: 'bad email' },
          { ...base, guid: 'x-excluded', status: 'active', excluded: true },
          { ...base, guid: 'x-active-error', status: 'active', lastErrorCode: 'TRANSIENT' },
        ]);
        await store.markSeen(ch2, Array.from({ length: 20 }, (_, i) => `s${String(i).padStart(2, '0')}`).filter((_, i) => i % 4 !== 0), 7);
        await store.markSeen(ch2, ['unknown-guid'], 7);
        expect((await store.getUser(ch2, 's01'))?.lastSeenCycle).toBe(7);
        expect(await store.getUser(ch2, 'unknown-guid')).toBeUndefined();

        const pages: string[][] = [];
        let after: string | undefined;
        for (;;) {
          const page = await store.listUnseen(ch2, 7, after, 2);
          if (!page.length) break;
          pages.push(page.map((u) => u.guid));
          after = page[page.length - 1].guid;
        }
        expect(pages).toEqual([
          ['s00', 's04'],
          ['s08', 's12'],
          ['s16', 'x-active-error'],
          ['x-disabled'],
        ]);
        // Seen in an earlier cycle counts as unseen now.
        expect((await store.listUnseen(ch2, 8, undefined, 100)).length).toBe(22);

        expect(await store.countUsers(ch2)).toEqual({ active: 22, disabled: 1, deleted: 1, failed: 1 });
        expect(await store.countUsers('empty')).toEqual({ active: 0, disabled: 0, deleted: 0, failed: 0 });
        expect((await store.listFailed(ch2, 10)).map((u) => u.guid).sort()).toEqual(['x-active-error', 'x-failed']);
        expect(await store.listFailed(ch2, 1)).toHaveLength(1);
      });
    });

    describe('audit and reset', () => {
      it('appends and lists audit newest first, by channel, GUID and cycle', async () => {
        const t0 = Date.UTC(2030, 0, 1);
        const entries = Array.from({ length: 600 }, (_, i) => ({
          channelId: 'a1',
          guid: `g${i % 3}`,
          cycleId: i < 300 ? 11 : 12,
          at: new Date(t0 + i * 1000),
          action: 'update' as const,
          outcome: 'succeeded' as const,
          reason: 'mapped values changed',
          ...(i % 2 ? { message: `m${i}` } : {}),
        }));
        await store.appendAudit(entries);
        await store.appendAudit([{ channelId: 'a1', guid: 'g0', at: new Date(t0 + 10_000_000), action: 'link', outcome: 'succeeded', reason: 'found by employeeNumber' }]);
        const latest = await store.listAudit('a1', { limit: 3 });
        expect(latest[0]).toEqual({ channelId: 'a1', guid: 'g0', at: new Date(t0 + 10_000_000), action: 'link', outcome: 'succeeded', reason: 'found by employeeNumber' });
        expect(latest[1]).toEqual(entries[599]);
        const g1 = await store.listAudit('a1', { guid: 'g1', limit: 1000 });
        expect(g1).toHaveLength(200);
        expect(g1.every((e) => e.guid === 'g1')).toBe(true);
        expect(g1[0].at.getTime()).toBeGreaterThan(g1[1].at.getTime());
        expect(await store.listAudit('a1', { cycleId: 11, guid: 'g2', limit: 1000 })).toHaveLength(100);
        expect(await store.listAudit('other', { limit: 10 })).toEqual([]);
      });

      it('resetChannel forgets provisioner state but keeps config, audit and the cycle counter', async () => {
        const ch = 'r1';
        await store.putChannel(channelConfig(ch));
        const cycle = await store.startCycle(ch, 'full', false);
        await store.updateCycle(cycle.id, { watermark: 'w' });
        await store.finishCycle(cycle.id, 'succeeded', counts());
        await store.addPlanItems([{ cycleId: cycle.id, seq: 0, guid: 'g', action: 'create', reason: 'new', batchNo: 0 }]);
        await store.upsertUser({ channelId: ch, guid: 'g', status: 'active', concurId: 'C', lastHash: 'h', lastErrorCode: 'X', lastError: 'x', failedHash: 'f' });
        await store.upsertUser({ channelId: ch, guid: 'never-created', status: 'failed', lastErrorCode: 'INVALID_VALUE', failedHash: 'f' });
        await store.upsertUser({ channelId: ch, guid: 'gone', status: 'deleted' });
        await store.upsertUser({ channelId: 'r2', guid: 'g', status: 'active', concurId: 'C' });
        await store.appendAudit([{ channelId: ch, guid: 'g', at: new Date(), action: 'create', outcome: 'succeeded', reason: 'new' }]);

        await store.resetChannel(ch);
        // The link to the Concur account is kept (never orphaned); everything else is forgotten.
        const kept = await store.getUser(ch, 'g');
        expect(kept).toMatchObject({ status: 'active', concurId: 'C' });
        expect(kept?.lastHash).toBeUndefined();
        expect(kept?.failedHash).toBeUndefined();
        expect(kept?.lastError).toBeUndefined();
        expect(await store.getUser(ch, 'never-created')).toBeUndefined();
        expect(await store.getUser(ch, 'gone')).toBeUndefined();
        expect(await store.getUser('r2', 'g')).toBeDefined();
        expect(await store.listPlanItems(cycle.id)).toEqual([]);
        expect(await store.getChannelState(ch)).toEqual({ channelId: ch, lastCycleNo: 1 });
        expect(await store.getChannel(ch)).toBeDefined();
        expect(await store.listAudit(ch, { limit: 10 })).toHaveLength(1);
        expect((await store.startCycle(ch, 'full', false)).cycleNo).toBe(2);
      });
    });

    describe('config fingerprint', () => {
      it('a full cycle records why it read everything and commits its fingerprint; a dry run does not', async () => {
        const ch = 'fingerprint';
        const dry = await store.startCycle(ch, 'incremental', true);
        await store.updateCycle(dry.id, { mode: 'full', modeReason: 'config-changed', configHash: 'h1' });
        await store.finishCycle(dry.id, 'planned', dry.counts);
        expect(await store.getCycle(dry.id)).toMatchObject({ mode: 'full', modeReason: 'config-changed', configHash: 'h1' });
        expect((await store.getChannelState(ch)).configHash).toBeUndefined();
        const real = await store.startCycle(ch, 'incremental', false);
        await store.updateCycle(real.id, { mode: 'full', modeReason: 'config-changed', configHash: 'h1' });
        await store.finishCycle(real.id, 'partial', real.counts);
        expect(await store.getChannelState(ch)).toMatchObject({ configHash: 'h1', lastFullCycleNo: real.cycleNo });
        const incremental = await store.startCycle(ch, 'incremental', false);
        await store.updateCycle(incremental.id, { configHash: 'h2' });
        await store.finishCycle(incremental.id, 'succeeded', incremental.counts);
        expect((await store.getChannelState(ch)).configHash).toBe('h1');
      });
    });

    describe('reopening', () => {
      it('finds the data again without re-running migrations', async () => {
        const again = await harness.open({ key });
        try {
          expect((await again.getChannel('hr'))?.version).toBe(2);
          expect((await again.loadOAuthToken('concur'))?.accessToken).toBe('access-token-value');
          const applied = (await again.db('outbound_migrations').select('name')) as Array<{ name: string }>;
          // Each migration applied exactly once, in order.
          expect(applied.map((m) => m.name)).toEqual(STORE_MIGRATIONS.map((m) => m.name));
        } finally {
          await again.close();
        }
      });
    });
  });
}
