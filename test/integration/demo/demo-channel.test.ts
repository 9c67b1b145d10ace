/**
 * The shipped demo configuration (config/demo.json) against the real demo directory in slapd:
 * what `npm run up` does, as a test. Also the CLI's local preview of one entry.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as LdapClient } from 'ldapts';
import { applyConfig } from '../../../src/config/apply-config';
import { loadConfigFile } from '../../../src/config/config-file';
import { previewUser } from '../../../src/cli/preview-user';
import { openStore } from '../../../src/app/runtime';
import { loadSettings } from '../../../src/config/settings';
import { EngineHarness, eventually, DEMO_TOKEN } from '../../support/engine-harness';
import { ensureLdap, type TestLdap } from '../../support/ldap';

const h = new EngineHarness();
let ldap: TestLdap;
let demoId = '';
let enabledCount = 0;
const env = (): NodeJS.ProcessEnv => ({
  ...process.env,
  OUTBOUND_LDAP_PORT: new URL(ldap.url).port,
  OUTBOUND_LDAP_BIND_DN: ldap.bindDn,
  OUTBOUND_LDAP_BASE_DN: ldap.baseDn,
  CONCUR_SIM_PORT: new URL(h.simulator.url).port,
});

async function guidOf(filter: string): Promise<string> {
  const client = new LdapClient({ url: ldap.url });
  try {
    await client.bind(ldap.bindDn, ldap.bindPassword);
    const { searchEntries } = await client.search(`ou=people,${ldap.baseDn}`, { filter, attributes: ['entryUUID'], sizeLimit: 1 });
    return String(searchEntries[0].entryUUID);
  } finally {
    await client.unbind();
  }
}

beforeAll(async () => {
  ldap = await ensureLdap();
  process.env.OUTBOUND_LDAP_BIND_PASSWORD = ldap.bindPassword;
  process.env.CONCUR_ACCESS_TOKEN = DEMO_TOKEN;
  await h.start({ realSources: true });
}, 120_000);
afterAll(async () => {
  await h.stop();
  await ldap?.stop();
}, 60_000);

it('provisions the demo directory: everyone but the disabled accounts and the excluded Concur admin', async () => {
  const config = loadConfigFile(join(__dirname, '../../../config/demo.json'), env());
  const demo = { ...config.channels[0], id: `demo-${Date.now().toString(36)}` };
  await applyConfig(h.store, { ...config, channels: [demo] });
  const client = new LdapClient({ url: ldap.url });
  await client.bind(ldap.bindDn, ldap.bindPassword);
  const enabled = (await client.search(`ou=people,${ldap.baseDn}`, { filter: '(&(objectClass=inetOrgPerson)(!(employeeType=disabled))(!(uid=concur-admin)))', attributes: ['uid'] })).searchEntries.length;
  await client.unbind();

  const activation = await h.control.activate(demo.id);
  expect(activation.ok).toBe(true);
  expect(activation.checks.find((c) => c.name === 'exclusion')).toMatchObject({ ok: true, message: 'the exclusion rule matches 1 entries' });
  const last = await eventually('first cycle', async () => (await h.control.status(demo.id)).lastCycle, 120_000);
  expect(last).toMatchObject({ outcome: 'succeeded' });
  expect(last.counts.succeeded).toBe(enabled);
  const names = (h.simulator.users() as unknown as Array<{ userName: string }>).map((u) => u.userName);
  expect(names).not.toContain('concur-admin@example.com');
  expect(names.length).toBeGreaterThanOrEqual(enabled);
  demoId = demo.id;
  enabledCount = enabled;
}, 180_000);

it('stays consistent when Concur comes back empty (npm run up restarted without the simulator data): a target cycle re-creates everyone', async () => {
  h.simulator.reset();
  const { cycleNo, workflowId } = await h.control.syncNow(demoId, { mode: 'target' });
  // Re-creating everyone is a mass change: the guard holds it for approval (npm run up approves).
  await eventually('awaiting approval', async () => (await h.control.status(demoId)).progress?.phase === 'awaiting-approval', 120_000);
  await h.control.approve(demoId, cycleNo, true);
  const summary = (await h.client.workflow.getHandle(workflowId).result()) as import('../../../src/workflows/messages').CycleSummary;
  expect(summary).toMatchObject({ mode: 'full', modeReason: 'target-reconcile', outcome: 'succeeded' });
  expect(summary.counts).toMatchObject({ create: enabledCount, repair: enabledCount, orphans: 0 });
  expect(h.simulator.users()).toHaveLength(enabledCount);
}, 180_000);

describe('outbound preview (CLI, local)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outbound-preview-'));
  const saved = { ...process.env };
  beforeAll(async () => {
    process.env.OUTBOUND_DATA_DIR = dir;
    const store = await openStore(loadSettings());
    const config = loadConfigFile(join(__dirname, '../../../config/demo.json'), env());
    const channel = { ...config.channels[0], mapping: { ...config.channels[0].mapping, employeeNumber: { source: 'employeeNumber', masked: true, allValues: false, createOnly: false, trim: true, case: 'none' as const, clearWhenEmpty: false } } };
    await applyConfig(store, { ...config, channels: [channel] });
    await store.close();
  });
  afterAll(() => {
    process.env = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows raw and mapped values with masked fields masked', async () => {
    const result = await previewUser('demo', await guidOf('(employeeType=employee)'));
    expect(result.found).toBe(true);
    expect(result.preview?.ok).toBe(true);
    const text = JSON.stringify(result.preview);
    expect(text).toContain('@example.com');
    const employeeNumber = result.preview!.fields.find((f) => f.field === 'employeeNumber');
    expect(JSON.stringify(employeeNumber)).not.toMatch(/E1\d{5}/);
  });

  it('says when the entry is excluded or not in scope', async () => {
    expect(await previewUser('demo', await guidOf('(uid=concur-admin)'))).toMatchObject({ found: true, excluded: true });
    expect(await previewUser('demo', '00000000-0000-0000-0000-000000000000')).toEqual({ found: false });
  });
});
