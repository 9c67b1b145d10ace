/**
 * The provisioning engine end to end on real Temporal, a real state store and the Concur
 * simulator, with an in-memory directory for exact control of what changes.
 */
import { EngineHarness, eventually } from '../../support/engine-harness';
import { person } from '../../support/memory-source';

const h = new EngineHarness();
// Unique per run: suites may share one Temporal server.
const CH = `life-${Date.now().toString(36)}`;
type SimUser = { id: string; userName: string; active: boolean; title?: string; [k: string]: unknown };
const simUsers = () => h.simulator.users() as unknown as SimUser[];
const byUserName = (name: string) => simUsers().find((u) => u.userName === name);

beforeAll(async () => {
  await h.start();
  for (let i = 1; i <= 30; i++) h.directory.put(person(i));
  h.directory.put(person(999, { dn: 'uid=concur-admin,ou=people,dc=example,dc=com', attributes: { ...person(999).attributes, mail: ['concur-admin@example.com'] } }));
  await h.configure(CH, { guard: { maxRemovals: 5, maxRemovalPercent: 50 } });
}, 120_000);
afterAll(() => h.stop(), 60_000);

describe('channel lifecycle', () => {
  it('activation verifies, starts the channel and its first cycle creates every user in scope but the excluded admin', async () => {
    const activation = await h.control.activate(CH);
    expect(activation.ok).toBe(true);
    expect(activation.checks.map((c) => c.name)).toEqual(expect.arrayContaining(['mapping', 'target-credentials', 'datastore', 'exclusion']));
    const status = await eventually('first cycle', async () => {
      const s = await h.control.status(CH);
      return s.lastCycle ? s : undefined;
    });
    expect(status.lastCycle).toMatchObject({ cycleNo: 1, mode: 'full', outcome: 'succeeded' });
    expect(status.lastCycle!.counts).toMatchObject({ read: 31, excluded: 1, create: 30, succeeded: 30 });
    expect(simUsers()).toHaveLength(30);
    expect(byUserName('concur-admin@example.com')).toBeUndefined();
  });

  it('a second cycle with no source change writes nothing', async () => {
    const before = h.simulator.requests().length;
    const summary = await h.sync(CH);
    expect(summary.mode).toBe('incremental');
    expect(summary.counts).toMatchObject({ read: 0, create: 0, update: 0 });
    const writes = h.simulator.requests().slice(before).filter((r) => r.method !== 'GET' && !r.path.endsWith('.search'));
    expect(writes).toHaveLength(0);
    const full = await h.sync(CH, { mode: 'full' });
    expect(full.counts).toMatchObject({ read: 31, unchanged: 30, create: 0, update: 0, disable: 0 });
  });

  it('updates a changed attribute and clears one that disappeared', async () => {
    h.directory.update(person(1).guid, { attributes: { title: ['Principal Engineer'] } });
    h.directory.update(person(2).guid, { attributes: { title: undefined } });
    const summary = await h.sync(CH);
    expect(summary.counts).toMatchObject({ read: 2, update: 2, succeeded: 2 });
    expect(byUserName('user00001@example.com')?.title).toBe('Principal Engineer');
    expect(byUserName('user00002@example.com')?.title).toBeUndefined();
  });

  it('disables a user disabled in the source and reactivates it when enabled again', async () => {
    h.directory.update(person(3).guid, { enabled: false });
    expect((await h.sync(CH)).counts).toMatchObject({ disable: 1, succeeded: 1 });
    expect(byUserName('user00003@example.com')?.active).toBe(false);
    h.directory.update(person(3).guid, { enabled: true });
    expect((await h.sync(CH)).counts).toMatchObject({ reactivate: 1, succeeded: 1 });
    expect(byUserName('user00003@example.com')?.active).toBe(true);
  });

  it('disables users deleted from the source at the next full reconcile', async () => {
    h.directory.remove(person(4).guid);
    expect((await h.sync(CH)).counts.disable).toBe(0); // incremental cannot see deletions
    expect((await h.sync(CH, { mode: 'full' })).counts).toMatchObject({ disable: 1, succeeded: 1 });
    expect(byUserName('user00004@example.com')?.active).toBe(false);
  });

  it('a dry run returns the diff and writes nothing', async () => {
    h.directory.put(person(40));
    h.directory.update(person(5).guid, { attributes: { title: ['Manager'] } });
    const before = h.simulator.requests().length;
    const summary = await h.sync(CH, { dryRun: true });
    expect(summary).toMatchObject({ outcome: 'planned', dryRun: true });
    expect(summary.counts).toMatchObject({ create: 1, update: 1 });
    const writes = h.simulator.requests().slice(before).filter((r) => r.method !== 'GET' && !r.path.endsWith('.search'));
    expect(writes).toHaveLength(0);
    const plan = await h.store.listPlanItems(summary.cycleId);
    expect(plan.map((p) => [p.action, p.reason])).toEqual(expect.arrayContaining([['create', 'new in scope'], ['update', 'mapped values changed']]));
    expect(byUserName('user00040@example.com')).toBeUndefined();
    // The real cycle after the dry run still sees both changes.
    expect((await h.sync(CH)).counts).toMatchObject({ create: 1, update: 1, succeeded: 2 });
  });

  it('a bad record fails alone with Concur\'s message, and is not retried until the source changes', async () => {
    h.simulator.setFaults({ poison: { 'user00041@example.com': { message: 'The value for the employeeNumber is not valid.' } } });
    h.directory.put(person(41));
    h.directory.put(person(42));
    const summary = await h.sync(CH);
    expect(summary.outcome).toBe('partial');
    expect(summary.counts).toMatchObject({ create: 2, succeeded: 1, failed: 1 });
    const failed = await h.store.getUser(CH, person(41).guid);
    expect(failed).toMatchObject({ status: 'failed' });
    expect(failed?.lastError).toContain('employeeNumber is not valid');
    expect(byUserName('user00042@example.com')).toBeDefined();
    expect((await h.sync(CH, { mode: 'full' })).counts).toMatchObject({ create: 0, failed: 0 });
    h.simulator.setFaults({});
    h.directory.update(person(41).guid, { attributes: { title: ['Fixed'] } });
    expect((await h.sync(CH)).counts).toMatchObject({ create: 1, succeeded: 1 });
  });

  it('pause holds cycles and resume lets them run', async () => {
    await h.control.pause(CH);
    await eventually('paused', async () => (await h.control.status(CH)).phase === 'paused');
    const started = h.control.syncNow(CH, {});
    const stillPaused = await Promise.race([started.then(() => 'ran'), new Promise((r) => setTimeout(() => r('waiting'), 1500))]);
    expect(stillPaused).toBe('waiting');
    await h.control.resume(CH);
    const { workflowId } = await started;
    await expect(h.client.workflow.getHandle(workflowId).result()).resolves.toMatchObject({ outcome: 'succeeded' });
  });

  it('the mass-change guard holds a large removal until approved', async () => {
    for (let i = 10; i < 20; i++) h.directory.remove(person(i).guid);
    const { cycleNo, workflowId } = await h.control.syncNow(CH, { mode: 'full' });
    await eventually('awaiting approval', async () => (await h.control.status(CH)).progress?.phase === 'awaiting-approval');
    expect(simUsers().filter((u) => !u.active)).toHaveLength(1);
    await h.control.approve(CH, cycleNo, true);
    const summary = (await h.client.workflow.getHandle(workflowId).result()) as { counts: { disable: number; succeeded: number } };
    expect(summary.counts).toMatchObject({ disable: 10, succeeded: 10 });
  });

  it('provisions one user on demand with the explanation', async () => {
    h.directory.put(person(50));
    const t = Date.now();
    const result = await h.control.provisionNow(CH, person(50).guid);
    expect(result).toMatchObject({ action: 'create', reason: 'new in scope', outcome: 'succeeded' });
    expect(Date.now() - t).toBeLessThan(5000);
    expect(byUserName('user00050@example.com')).toBeDefined();
  });

  it('on demand, a record Concur refuses fails alone with Concur\'s message, without waiting for retries', async () => {
    h.simulator.setFaults({ poison: { 'user00051@example.com': { message: 'The value for the employeeNumber is not valid.' } } });
    h.directory.put(person(51));
    try {
      const result = await h.control.provisionNow(CH, person(51).guid);
      expect(result).toMatchObject({ action: 'create', outcome: 'failed' });
      expect(JSON.stringify(result)).toContain('employeeNumber is not valid');
      expect(byUserName('user00051@example.com')).toBeUndefined();
    } finally {
      h.simulator.setFaults({});
      h.directory.remove(person(51).guid);
    }
  });

  it('reset forgets the state and re-sends everyone through the kept links: no duplicate, no orphaned account', async () => {
    const before = simUsers().length;
    // A user who left the source is removed by the reset's full cycle, never left active in Concur.
    h.directory.remove(person(50).guid);
    expect(byUserName('user00050@example.com')?.active).toBe(true);
    const { workflowId } = await h.control.reset(CH);
    const summary = (await h.client.workflow.getHandle(workflowId).result()) as { mode: string; counts: Record<string, number> };
    expect(summary.mode).toBe('full');
    expect(summary.counts.update).toBeGreaterThan(20);
    expect(summary.counts).toMatchObject({ create: 0, disable: 1, failed: 0 });
    expect(byUserName('user00050@example.com')?.active).toBe(false);
    expect(simUsers().length).toBe(before);
    expect(new Set(simUsers().map((u) => u.userName)).size).toBe(before);
  });

  it('never writes a secret or an attribute value into workflow histories', async () => {
    const needles = ['user00001@example.com', "O'Brien-00001", 'Zoë', 'Principal Engineer', 'E00001', DEMO_SECRET()];
    let scanned = 0;
    for await (const wf of h.client.workflow.list({ query: `TaskQueue = "${h.taskQueue}"` })) {
      const history = await h.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
      // Decode every payload (the codec encrypts them) and scan the decoded history.
      const text = JSON.stringify(history, (_k, v) => (v && v.type === 'Buffer' ? Buffer.from(v.data).toString('utf8') : v));
      const decoded = await decodeAll(history);
      for (const needle of needles) {
        expect(text).not.toContain(needle);
        expect(decoded).not.toContain(needle);
      }
      scanned++;
    }
    expect(scanned).toBeGreaterThan(5);
  });
});

function DEMO_SECRET() {
  return 'outbound-demo-token';
}

async function decodeAll(history: unknown): Promise<string> {
  const out: string[] = [];
  const visit = async (node: unknown): Promise<void> => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) await visit(n);
      return;
    }
    const obj = node as Record<string, unknown>;
    if (obj.metadata && obj.data) {
      try {
        const [decoded] = await h.codec.decode([obj as never]);
        out.push(Buffer.from(decoded.data as Uint8Array).toString('utf8'));
      } catch {
        out.push(Buffer.from(obj.data as Uint8Array).toString('utf8'));
      }
      return;
    }
    for (const v of Object.values(obj)) await visit(v);
  };
  await visit(history);
  return out.join('\n');
}
