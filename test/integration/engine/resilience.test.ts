/**
 * What happens when Concur misbehaves: throttling, a transient failure for one user, a
 * connection-level failure for everyone, and credentials that do not work.
 */
import { EngineHarness, eventually } from '../../support/engine-harness';
import { person } from '../../support/memory-source';
import { userRetryWorkflowId } from '../../../src/workflows/workflow-ids';

const h = new EngineHarness();
const run = Date.now().toString(36);
type SimUser = { userName: string; active: boolean };
const simUsers = () => h.simulator.users() as unknown as SimUser[];

beforeAll(() => h.start(), 120_000);
afterAll(() => h.stop(), 60_000);

it('refuses activation with bad credentials and names the check and the reason', async () => {
  const ch = `badcred-${run}`;
  h.directory.put(person(1)); // a scope with an entry: only the credentials are at fault
  await h.configure(ch, {}, { auth: { type: 'OAUTH_ACCESS_TOKEN', accessToken: 'not-a-valid-token' } });
  const result = await h.control.activate(ch);
  expect(result.ok).toBe(false);
  const failed = result.checks.filter((c) => !c.ok);
  expect(failed.map((c) => c.name)).toEqual(['target-credentials']);
  expect(failed[0].message).toMatch(/token/i);
  expect(JSON.stringify(result)).not.toContain('not-a-valid-token');
  expect(result.channelWorkflowId).toBeUndefined();
});

it('refuses activation when a required field is not mapped, naming it', async () => {
  const ch = `nomap-${run}`;
  await h.configure(ch, { mapping: { userName: { source: 'mail' }, 'name.givenName': { source: 'givenName' }, 'emails.work': { source: 'mail' } } });
  const result = await h.control.activate(ch);
  expect(result.ok).toBe(false);
  const mapping = result.checks.find((c) => c.name === 'mapping');
  expect(mapping).toMatchObject({ ok: false });
  expect(mapping?.message).toContain('name.familyName');
});

describe('an active channel under faults', () => {
  const ch = `faults-${run}`;
  beforeAll(async () => {
    for (let i = 1; i <= 40; i++) h.directory.put(person(i));
    await h.configure(ch, { retry: { initialDelaySeconds: 0.5, maxAttempts: 20, breakerProbeSeconds: 0.5 } });
  });

  it('creates everyone without a duplicate under 429 throttling', async () => {
    h.simulator.setFaults({ rateLimitRps: 8, retryAfterSeconds: 0 });
    const activation = await h.control.activate(ch);
    expect(activation.ok).toBe(true);
    const status = await eventually('first cycle', async () => (await h.control.status(ch)).lastCycle, 120_000);
    h.simulator.setFaults({});
    expect(h.simulator.requests().some((r) => r.status === 429)).toBe(true);
    // Most go through at once; a user whose throttled write outlasted the connector's retries is
    // handed to its durable retry, never failed and never duplicated.
    expect(status.counts).toMatchObject({ create: 40, failed: 0 });
    expect(status.counts.succeeded + status.counts.retrying).toBe(40);
    await eventually('all 40 in Concur', async () => simUsers().length === 40, 60_000);
    const names = simUsers().map((u) => u.userName);
    expect(new Set(names).size).toBe(40);
  }, 150_000);

  it('retries a transient failure for one user durably while the rest go on', async () => {
    h.directory.put(person(41));
    h.directory.put(person(42));
    h.simulator.setFaults({ poison: { 'user00041@example.com': { message: 'Service temporarily unavailable', status: 503 } } });
    const summary = await h.sync(ch);
    expect(summary.counts).toMatchObject({ create: 2, succeeded: 1, retrying: 1 });
    expect(simUsers().some((u) => u.userName === 'user00042@example.com')).toBe(true);
    const retry = h.client.workflow.getHandle(userRetryWorkflowId(ch, person(41).guid));
    expect((await retry.describe()).status.name).toBe('RUNNING');
    h.simulator.setFaults({});
    await expect(retry.result()).resolves.toMatchObject({ outcome: 'succeeded' });
    expect(simUsers().filter((u) => u.userName === 'user00041@example.com')).toHaveLength(1);
    expect(await h.store.getUser(ch, person(41).guid)).toMatchObject({ status: 'active' });
  }, 120_000);

  it('opens the breaker when Concur refuses everyone, writes nothing meanwhile, and resumes by itself', async () => {
    for (let i = 60; i < 80; i++) h.directory.put(person(i));
    h.simulator.setFaults({ errorRate: 1, errorStatus: 401 });
    const { workflowId } = await h.control.syncNow(ch, {});
    const progress = await eventually('breaker open', async () => {
      const s = await h.control.status(ch);
      return s.progress?.phase === 'breaker-open' ? s.progress : undefined;
    });
    expect(progress.breakerReason).toBeTruthy();
    const created = simUsers().length;
    h.simulator.setFaults({});
    const summary = (await h.client.workflow.getHandle(workflowId).result()) as { counts: Record<string, number>; outcome: string };
    expect(summary).toMatchObject({ outcome: 'succeeded' });
    expect(summary.counts).toMatchObject({ create: 20, succeeded: 20, failed: 0 });
    expect(simUsers().length).toBe(created + 20);
  }, 120_000);
});
