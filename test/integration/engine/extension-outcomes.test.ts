/**
 * checkProvisions records what the target says about asynchronous extension writes: a refusal
 * fails the user with the message and holds it until the source changes; a transient failure
 * makes the next cycle write the user again. Real SQLite store, fake target.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createProvisioningActivities } from '../../../src/activities/provisioning-activities';
import { extensionRef } from '../../../src/domain/plan/extension-ref';
import { applyConfig } from '../../../src/config/apply-config';
import { parseOutboundConfig } from '../../../src/domain/config/outbound-config';
import type { KnexStateStore } from '../../../src/store/knex-state-store';
import { openStateStore } from '../../../src/store/open-state-store';
import type { ExtensionWriter, UserTarget } from '../../../src/targets/user-target';

const dir = mkdtempSync(join(tmpdir(), 'outbound-ext-'));
let store: KnexStateStore;
const checks: Array<Awaited<ReturnType<ExtensionWriter['check']>>> = [];
const target: UserTarget = {
  verify: async () => ({ ok: true }),
  create: async () => ({ id: 'x', linked: false }),
  update: async () => undefined,
  disable: async () => undefined,
  reactivate: async () => undefined,
  remove: async () => undefined,
  close: async () => undefined,
  extensions: { has: () => true, submit: async () => ['p1'], check: async () => checks.shift() ?? { done: false, outcomes: [] } },
};

beforeAll(async () => {
  store = await openStateStore({ client: 'better-sqlite3', filename: join(dir, 's.db') }, { key: randomBytes(32) });
  await applyConfig(
    store,
    parseOutboundConfig(
      {
        datastores: [{ id: 'd', type: 'ldap', urls: ['ldap://127.0.0.1:1'], bindDn: 'cn=x', bindPassword: 'env:X' }],
        connections: [{ id: 'c', baseUrl: 'http://127.0.0.1:1', allowInsecureHttp: true, auth: { type: 'OAUTH_ACCESS_TOKEN', accessToken: 'env:T' } }],
        channels: [{ id: 'ch', connectionId: 'c', datastoreId: 'd', source: { kind: 'ldap' }, mapping: { userName: { source: 'mail' }, 'name.givenName': { source: 'g' }, 'name.familyName': { source: 's' }, 'emails.work': { source: 'mail' } } }],
      },
      'test',
    ),
  );
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

it('records refused and transiently failed extensions per user', async () => {
  const acts = createProvisioningActivities({
    store,
    openSource: () => {
      throw new Error('not used');
    },
    openTarget: () => target,
    compileMapper: () => ({ map: async () => ({ ok: false, errors: [] }) }),
    checkMapping: () => [],
  });
  const cycle = await store.startCycle('ch', 'full', false, 1);
  await store.addPlanItems([
    { cycleId: cycle.id, seq: 0, guid: 'g0', action: 'create', reason: 'new in scope', batchNo: 0, desiredHash: 'h0', outcome: 'succeeded' },
    { cycleId: cycle.id, seq: 1, guid: 'g1', action: 'update', reason: 'mapped values changed', batchNo: 0, desiredHash: 'h1', outcome: 'succeeded' },
    { cycleId: cycle.id, seq: 2, guid: 'g2', action: 'update', reason: 'mapped values changed', batchNo: 0, desiredHash: 'h2', outcome: 'succeeded' },
  ]);
  for (const g of ['g0', 'g1', 'g2']) await store.upsertUser({ channelId: 'ch', guid: g, status: 'active', concurId: `c-${g}`, lastHash: `h${g.slice(1)}`, sourceEnabled: true });

  const env = new MockActivityEnvironment();
  // Not done yet: still pending.
  expect(await env.run(acts.checkProvisions, { channelId: 'ch', cycleId: cycle.id, provisionIds: ['p1'] })).toEqual({ pending: ['p1'], failed: 0 });
  checks.push({
    done: true,
    outcomes: [
      { ref: extensionRef(cycle.id, 0), ok: true },
      { ref: extensionRef(cycle.id, 1), ok: false, message: 'spend:2.0:User failed (500): ledgerCode: The value is not valid.' },
      { ref: extensionRef(cycle.id, 2), ok: false, transient: true, message: 'spend:2.0:User failed (503)' },
    ],
  });
  expect(await env.run(acts.checkProvisions, { channelId: 'ch', cycleId: cycle.id, provisionIds: ['p1'] })).toEqual({ pending: [], failed: 2 });

  const users = await store.getUsers('ch', ['g0', 'g1', 'g2']);
  expect(users.get('g0')).toMatchObject({ lastHash: 'h0' });
  expect(users.get('g0')?.lastError).toBeUndefined();
  expect(users.get('g1')).toMatchObject({ failedHash: 'h1', lastErrorCode: 'EXTENSION_FAILED', lastError: expect.stringContaining('ledgerCode') });
  expect(users.get('g2')).toMatchObject({ lastErrorCode: 'EXTENSION_UNAVAILABLE' });
  expect(users.get('g2')?.lastHash).toBeUndefined();
  const plan = await store.listPlanItems(cycle.id);
  expect(plan.map((p) => p.outcome)).toEqual(['succeeded', 'failed', 'failed']);
});
