/**
 * A channel survives its source going away: with slapd stopped for longer than a cycle's
 * retries, the channel shows `error` with a typed reason (status query and search attribute),
 * backs off, and recovers by itself once slapd is back. Activation is idempotent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyConfig } from '../../../src/config/apply-config';
import { loadConfigFile } from '../../../src/config/config-file';
import { channelWorkflowId } from '../../../src/workflows/workflow-ids';
import { OutboundChannelState } from '../../../src/workflows/search-attributes';
import { freePort } from '../../../scripts/services/service';
import { startSlapd, type SlapdOptions, type SlapdService } from '../../../scripts/services/slapd';
import { EngineHarness, eventually, DEMO_TOKEN } from '../../support/engine-harness';

const h = new EngineHarness();
const dir = mkdtempSync(join(tmpdir(), 'outbound-recovery-'));
let slapdOptions: SlapdOptions;
let slapd: SlapdService | undefined;
const CH = `recovery-${Date.now().toString(36)}`;

beforeAll(async () => {
  slapdOptions = { port: await freePort(), dataDir: join(dir, 'slapd'), logDir: join(dir, 'logs'), loadDemo: { people: 20 }, log: () => {} };
  slapd = await startSlapd(slapdOptions);
  process.env.OUTBOUND_LDAP_BIND_PASSWORD = slapd.env.OUTBOUND_LDAP_BIND_PASSWORD;
  process.env.CONCUR_ACCESS_TOKEN = DEMO_TOKEN;
  await h.start({ realSources: true });
  const config = loadConfigFile(join(__dirname, '../../../config/demo.json'), {
    ...process.env,
    OUTBOUND_LDAP_PORT: String(slapdOptions.port),
    OUTBOUND_LDAP_BIND_DN: slapd.env.OUTBOUND_LDAP_BIND_DN,
    OUTBOUND_LDAP_BASE_DN: slapd.env.OUTBOUND_LDAP_BASE_DN,
    CONCUR_SIM_PORT: new URL(h.simulator.url).port,
  });
  const datastore = { ...config.datastores[0], connectTimeoutMs: 1000, timeoutMs: 3000 };
  await applyConfig(h.store, { ...config, datastores: [datastore], channels: [{ ...config.channels[0], id: CH, intervalSeconds: 2, fullReconcileEvery: 1 }] });
}, 180_000);
afterAll(async () => {
  await h.stop();
  await slapd?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

it('activation is idempotent: a second activation while the first runs attaches to it', async () => {
  // A slow Concur keeps the first activation running while the second arrives.
  h.simulator.setFaults({ latencyMs: 1500 });
  try {
    const [first, second] = await Promise.all([h.control.activate(CH), h.control.activate(CH)]);
    expect(first.ok).toBe(true);
    expect(second).toEqual(first);
  } finally {
    h.simulator.setFaults({});
  }
  // And again once the channel runs: still a success, the same channel workflow.
  const again = await h.control.activate(CH);
  expect(again).toMatchObject({ ok: true, channelWorkflowId: channelWorkflowId(CH) });
}, 120_000);

it('shows error with a typed reason while slapd is down, and recovers by itself when it is back', async () => {
  const first = await eventually('a first cycle', async () => (await h.control.status(CH)).lastCycle, 120_000);
  expect(first.outcome).toBe('succeeded');
  await slapd!.stop();
  slapd = undefined;

  const failed = await eventually('the channel in error', async () => {
    const s = await h.control.status(CH);
    return s.phase === 'error' && s.lastFailure ? s : undefined;
  }, 180_000);
  expect(failed.lastFailure).toMatchObject({ reason: 'source-unavailable', type: 'LdapDatastoreError', consecutiveFailures: 1 });
  // The query answers from the workflow's state; the search attribute is committed with its task.
  const stateAttribute = async () => (await h.client.workflow.getHandle(channelWorkflowId(CH)).describe()).typedSearchAttributes.get(OutboundChannelState);
  await eventually('the error search attribute', async () => (await stateAttribute()) === 'error');
  // The failed cycle is recorded as failed, with its reason.
  const record = (await h.store.listCycles(CH, 50)).find((c) => c.cycleNo === failed.lastFailure!.cycleNo);
  expect(record).toMatchObject({ outcome: 'failed' });
  expect(record?.error).toMatch(/^source-unavailable: /);

  slapd = await startSlapd(slapdOptions);
  const recovered = await eventually('a succeeded cycle after the failure', async () => {
    const s = await h.control.status(CH);
    return s.lastCycle && s.lastCycle.cycleNo > failed.lastFailure!.cycleNo && !s.lastFailure ? s : undefined;
  }, 240_000);
  expect(recovered.lastCycle?.outcome).toBe('succeeded');
  expect(recovered.phase).not.toBe('error');
  // The channel workflow is the same run family: it never died.
  expect((await h.client.workflow.getHandle(channelWorkflowId(CH)).describe()).status.name).toBe('RUNNING');
}, 480_000);
