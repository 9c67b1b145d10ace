/**
 * The worker's per-channel cache against a real state store: rotating a datastore's bind password
 * or a connection's secret replaces the vault row, and a running worker must follow the new
 * version instead of reading the pruned row.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChannelResources } from '../../../src/activities/channel-resources';
import type { ActivityDeps } from '../../../src/activities/activity-deps';
import type { ChannelConfig } from '../../../src/domain/config/channel-config';
import type { ConnectionConfig } from '../../../src/domain/config/connection-config';
import type { DatastoreConfig } from '../../../src/domain/config/datastore-config';
import type { ChannelSource } from '../../../src/datastores/datastore';
import type { KnexStateStore } from '../../../src/store/knex-state-store';
import { openStateStore } from '../../../src/store/open-state-store';
import { createSecretResolver } from '../../../src/store/store-secret-resolver';
import type { UserTarget } from '../../../src/targets/user-target';

const datastore = (bindPassword: string): DatastoreConfig =>
  ({ id: 'ldap', type: 'ldap', urls: ['ldap://127.0.0.1:1'], bindDn: 'cn=reader', bindPassword, startTls: false, rejectUnauthorized: true, connectTimeoutMs: 1000, timeoutMs: 1000, pageSize: 10 }) as DatastoreConfig;
const connection = (clientSecret: string): ConnectionConfig => ({
  id: 'concur',
  template: 'concur',
  baseUrl: 'https://us2.api.concursolutions.com',
  auth: { type: 'oauth2', clientId: 'c1', clientSecret, refreshToken: 'env:RT' },
  requiredFields: [],
  timeoutMs: 1000,
  maxConnections: 1,
});
const channel = { id: 'hr', name: 'HR', connectionId: 'concur', datastoreId: 'ldap', source: { kind: 'ldap', guidAttribute: 'entryUUID' }, mapping: { fields: {} } } as unknown as ChannelConfig;

let dir: string;
let store: KnexStateStore;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'outbound-resources-'));
  store = await openStateStore({ client: 'better-sqlite3', filename: join(dir, 'outbound.db') }, { env: {} });
});

afterEach(async () => {
  await store.db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

test('rotating the bind password or the client secret: the cached resources follow the new version, never the pruned vault row', async () => {
  const secrets = createSecretResolver(store, {});
  const targets: ConnectionConfig[] = [];
  const deps: ActivityDeps = {
    store,
    openSource: () => ({}) as ChannelSource,
    openTarget: (c) => {
      targets.push(c);
      return { close: async () => undefined } as unknown as UserTarget;
    },
    compileMapper: () => ({ map: async () => ({ ok: false, errors: [] }) }),
    checkMapping: () => [],
  };
  const resources = new ChannelResources(deps);
  await store.putDatastore(datastore('bind-one'));
  await store.putConnection(connection('secret-one'));
  await store.putChannel(channel);

  const bindPassword = async () => {
    const { loaded } = await resources.get('hr');
    return secrets.resolve((loaded.datastore as Extract<DatastoreConfig, { type: 'ldap' }>).bindPassword);
  };
  expect(await bindPassword()).toBe('bind-one');
  await store.putDatastore(datastore('bind-two'));
  expect(await bindPassword()).toBe('bind-two');

  await store.putConnection(connection('secret-two'));
  const { loaded } = await resources.get('hr');
  const auth = loaded.connection.auth as Extract<ConnectionConfig['auth'], { type: 'oauth2' }>;
  expect(await secrets.resolve(auth.clientSecret)).toBe('secret-two');
  // A new Concur client was built for the new connection version (the old one holds the old secret ref).
  expect(targets).toHaveLength(3);
  expect(await secrets.resolve((targets[2].auth as typeof auth).clientSecret)).toBe('secret-two');
});
