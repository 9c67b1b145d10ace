import { createProvisioningActivities } from '../../../src/activities/provisioning-activities';
import type { ActivityDeps } from '../../../src/activities/activity-deps';
import type { DesiredConcurUser } from '../../../src/domain/concur-user';
import { parseOutboundConfig } from '../../../src/domain/config/outbound-config';
import type { MapOutcome } from '../../../src/domain/mapping/user-mapper';
import type { AuditEntry, ProvisionedUser, StateStore } from '../../../src/store/state-store';
import type { UserTarget } from '../../../src/targets/user-target';
import { MemoryDirectory, person } from '../../support/memory-source';

/**
 * The single-user activity (on demand, retries) through its factory, with fakes for the store,
 * the source, the mapping and the target: milliseconds, no servers.
 */
const config = parseOutboundConfig(
  {
    datastores: [{ id: 'ds', type: 'ldap', urls: ['ldap://127.0.0.1:1'], bindDn: 'cn=unused', bindPassword: 'env:UNUSED' }],
    connections: [{ id: 'cx', baseUrl: 'https://concur.example.com', auth: { type: 'OAUTH_ACCESS_TOKEN', accessToken: 'env:UNUSED' } }],
    channels: [
      {
        id: 'ch',
        connectionId: 'cx',
        datastoreId: 'ds',
        source: { kind: 'ldap', accountStatus: { algorithm: 'none' } },
        exclusion: { dns: ['uid=concur-admin,ou=people,dc=example,dc=com'] },
        mapping: { userName: { source: 'mail' } },
      },
    ],
  },
  'test',
);

function fakes(mapOutcome: MapOutcome) {
  const users = new Map<string, ProvisionedUser>();
  const audit: AuditEntry[] = [];
  const upserts: Array<Partial<ProvisionedUser>> = [];
  const store = {
    getChannel: async (id: string) => (id === 'ch' ? { config: config.channels[0], version: 1 } : undefined),
    getConnection: async () => config.connections[0],
    getDatastore: async () => config.datastores[0],
    getUser: async (_channelId: string, guid: string) => users.get(guid),
    upsertUser: async (user: Partial<ProvisionedUser>) => void upserts.push(user),
    appendAudit: async (entries: AuditEntry[]) => void audit.push(...entries),
    getConcurIdHolders: async () => new Map(),
  } as unknown as StateStore;
  const directory = new MemoryDirectory();
  const writes: string[] = [];
  const target = { verify: async () => ({ ok: true }), close: async () => undefined } as unknown as UserTarget;
  const deps: ActivityDeps = {
    store,
    openSource: () => directory.source(),
    openTarget: () => new Proxy(target, { get: (t, name) => (name in t ? t[name as keyof UserTarget] : () => void writes.push(String(name))) }),
    compileMapper: () => ({ map: async () => mapOutcome }),
    checkMapping: () => [],
    now: () => new Date('2026-11-28T10:00:00Z'),
  };
  return { activities: createProvisioningActivities(deps), directory, users, audit, upserts, writes };
}

const desired = { identity: { userName: 'ann@example.com', active: true, enterprise: {} } } as unknown as DesiredConcurUser;

describe('provisionOne through the activity factory', () => {
  it('plans a create for a user new in scope in a dry run, and writes nothing', async () => {
    const f = fakes({ ok: true, user: desired, hash: 'h1' });
    const entry = person(1);
    f.directory.put(entry);
    await expect(f.activities.provisionOne({ channelId: 'ch', guid: entry.guid, dryRun: true })).resolves.toMatchObject({ action: 'create', reason: 'new in scope', outcome: 'planned' });
    expect(f.upserts).toEqual([]);
    expect(f.writes).toEqual([]);
  });

  it('skips an entry the exclusion rule names', async () => {
    const f = fakes({ ok: true, user: desired, hash: 'h1' });
    const admin = person(2, { dn: 'uid=concur-admin,ou=people,dc=example,dc=com' });
    f.directory.put(admin);
    await expect(f.activities.provisionOne({ channelId: 'ch', guid: admin.guid })).resolves.toMatchObject({ action: 'none', outcome: 'skipped', reason: 'excluded by the channel exclusion rule' });
    expect(f.writes).toEqual([]);
  });

  it('records a mapping rejection on the user, naming the field, without writing to Concur', async () => {
    const f = fakes({ ok: false, errors: [{ field: 'identity.userName', message: 'is required', code: 'required' }] });
    const entry = person(3);
    f.directory.put(entry);
    await expect(f.activities.provisionOne({ channelId: 'ch', guid: entry.guid })).resolves.toMatchObject({ outcome: 'failed', message: 'identity.userName: is required' });
    expect(f.upserts).toEqual([expect.objectContaining({ guid: entry.guid, status: 'failed', lastErrorCode: 'INVALID_MAPPING', lastError: 'identity.userName: is required' })]);
    expect(f.writes).toEqual([]);
  });

  it('answers for a GUID neither in scope nor managed', async () => {
    const f = fakes({ ok: true, user: desired, hash: 'h1' });
    await expect(f.activities.provisionOne({ channelId: 'ch', guid: 'nobody' })).resolves.toMatchObject({ action: 'none', outcome: 'skipped', reason: 'not in the source scope and not managed' });
  });
});
